"""Work shared out over the CPU cores by worker processes, where that is safe; and Python's
cycle collector kept out of the way of kg's bulk work.

kg forks (SHACL beside the build, reports built side by side, the components of a corpus
graph analysed side by side, layouts of many views) only where a fork is available and no
other thread runs: a thread holding a lock at the moment of the fork (a notebook's, a
server's) would leave the child waiting for it forever. Elsewhere the same work runs in this
process, with the same result. Work beside reads of an Oxigraph store (MICMAC, the loops and
the communities beside the rest of an analysis) goes to a fresh interpreter instead
(:func:`start_apart`), which shares no pages with this process.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["can_fork", "collector_paused", "cores", "map_forked", "start_apart", "start_forked"]


def can_fork() -> bool:
    """True where ``fork`` exists and this process runs one thread."""
    import multiprocessing

    # (a child of start_forked is a daemon process, which multiprocessing lets start none)
    return (hasattr(os, "fork") and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon)


def cores() -> int:
    """The CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_HOME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # where kg is imported from
_JOB: tuple[Callable, Sequence] | None = None  # what forked workers inherit (nothing pickled)


def _run(indices: list[int]) -> list:
    func, items = _JOB
    return [func(items[i]) for i in indices]


def map_forked(func: Callable[[Any], Any], items: Sequence, sizes: Sequence[float] | None = None,
               min_total: float = 0, workers: int | None = None) -> list:
    """``[func(x) for x in items]``, the items shared out over forked worker processes.

    ``func`` and ``items`` reach the workers by the fork, not by pickling; only the results
    travel back (they must pickle). ``sizes`` (the work of each item, default 1 each) balances
    the shares: the largest first, each to the least loaded share. In this process instead
    when there is one core or item, the total size is below ``min_total``, or a fork is not
    safe (:func:`can_fork`).
    """
    global _JOB
    sizes = list(sizes) if sizes is not None else [1.0] * len(items)
    workers = min(workers or cores(), len(items))
    if workers < 2 or sum(sizes) < min_total or not can_fork():
        return [func(x) for x in items]
    # a few shares per worker, so that one slow share does not hold the others up
    shares: list[list[int]] = [[] for _ in range(workers * 4)]
    load = [0.0] * len(shares)
    for i in sorted(range(len(items)), key=lambda i: -sizes[i]):
        j = min(range(len(shares)), key=load.__getitem__)
        shares[j].append(i)
        load[j] += sizes[i]
    shares = [s for s in shares if s]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _JOB = (func, items)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            done = list(pool.map(_run, shares))
    finally:
        _JOB = None
    out: list = [None] * len(items)
    for share, results in zip(shares, done):
        for i, r in zip(share, results):
            out[i] = r
    return out


class _Child:
    """A call running in a child process: ``result()`` waits for it, ``cancel()`` stops it."""

    def result(self):
        """Wait for the child; its return value, or what it raised, raised here."""
        if self._gone():
            raise RuntimeError("result() was already taken, or the call was cancelled")
        try:
            kind, payload = self._receive()
        finally:
            self.cancel()
        if kind == "error":
            raise payload
        return payload

    def _stopped(self, exit_code) -> tuple[str, Exception]:  # (killed, or out of memory: nothing came back)
        return "error", ChildProcessError(f"a worker process stopped without a result (exit code {exit_code})")


class _Forked(_Child):
    """A call running in a forked child process (see :func:`start_forked`)."""

    def __init__(self, process, conn):
        self._process, self._conn = process, conn

    def _gone(self) -> bool:
        return self._conn is None

    def _receive(self):
        try:
            return self._conn.recv()
        except EOFError:
            self._process.join(5)  # (its pipe closed as it died: its exit code comes with the join)
            return self._stopped(self._process.exitcode)

    def cancel(self) -> None:
        """Stop the child if it still runs (when the caller gives up on the result)."""
        if self._conn is None:
            return
        self._conn.close()
        self._conn = None
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


class _Later:
    """The same call, made in this process when its result is asked for."""

    def __init__(self, func, args):
        self._call = (func, args)

    def result(self):
        func, args = self._call
        return func(*args)

    def cancel(self) -> None:
        pass


def start_forked(func: Callable, *args, fork: bool = True):
    """Start ``func(*args)`` in a forked child process, so that this process goes on with
    other work on another core; ``.result()`` waits for it and returns its value (or raises
    what it raised), ``.cancel()`` stops it.

    ``func`` and ``args`` reach the child by the fork; the result travels back pickled.
    Where a fork is not safe (:func:`can_fork`), there is one core, or ``fork`` is false,
    the call is made in this process when ``.result()`` is asked for, with the same result.
    """
    if not fork or cores() < 2 or not can_fork():
        return _Later(func, args)
    for stream in (sys.stdout, sys.stderr):  # (or the child would write what they hold again)
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_call_child, args=(func, args, send), daemon=True)
    process.start()
    send.close()
    return _Forked(process, receive)


def _call_child(func, args, conn) -> None:
    try:
        conn.send(_reply(func, args))
    finally:
        conn.close()


def _unpickled_call(call: bytes):
    func, args = pickle.loads(call)
    return func(*args)


def _reply(func, args) -> tuple[str, object]:
    """``("ok", func(*args))``, or ``("error", what it raised)``, to hand to the parent (which
    raises it); an exception that would not come back whole goes as a RuntimeError of its text."""
    try:
        return "ok", func(*args)
    except BaseException as exc:  # noqa: BLE001
        try:
            pickle.loads(pickle.dumps(exc))
            return "error", exc
        except Exception:  # noqa: BLE001
            return "error", RuntimeError(f"{type(exc).__name__}: {exc}")


_RESULT = b"\0kg-result\0"  # what starts a fresh interpreter's answer on its output


class _Apart(_Child):
    """A call running in a fresh interpreter (see :func:`start_apart`)."""

    def __init__(self, process, payload: str):
        self._process, self._payload = process, payload

    def _gone(self) -> bool:
        return self._process is None

    def _receive(self):
        out, _ = self._process.communicate()
        # (after the marker: whatever else wrote to the child's output first, a
        # sitecustomize's greeting say, is not the result)
        start = out.find(_RESULT)
        return pickle.loads(out[start + len(_RESULT):]) if start >= 0 else self._stopped(self._process.returncode)

    def cancel(self) -> None:
        """Stop the child if it still runs (when the caller gives up on the result)."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.kill()
        self._process.stdout.close()
        self._process.wait()
        self._process = None
        try:
            os.unlink(self._payload)
        except OSError:  # (the child removes it once read)
            pass


def start_apart(func: Callable, *args, apart: bool = True):
    """Start ``func(*args)`` in a fresh Python interpreter, a child that shares no memory with
    this process; ``.result()`` waits for it and returns its value (or raises what it
    raised), ``.cancel()`` stops it.

    For work beside reads of what this process holds: a forked child shares this process's
    pages until either writes to one, and reading an Oxigraph store writes to the pages it
    reads (reference counts), so with a forked child alive every page read is copied first.
    ``func``, ``args`` and the result travel pickled (``func`` must be importable by name),
    and the child pays for its own interpreter and imports. Where there is one core, or
    ``apart`` is false, or no Python to start is known (``sys.executable``, in an embedded
    interpreter), the call is made in this process when ``.result()`` is asked for.
    """
    if not apart or cores() < 2 or not sys.executable:
        return _Later(func, args)
    import subprocess
    import tempfile

    fd, payload = tempfile.mkstemp(prefix="kg-work-", suffix=".pickle")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump((sys.path, pickle.dumps((func, args), protocol=pickle.HIGHEST_PROTOCOL)), f,
                        protocol=pickle.HIGHEST_PROTOCOL)
        process = subprocess.Popen([sys.executable, "-c", "from kg.procs import _apart_child; _apart_child()", payload],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": _HOME})
    except BaseException:
        os.unlink(payload)
        raise
    return _Apart(process, payload)


def _apart_child() -> None:
    """The child of :func:`start_apart`: reads the call from the file named by its argument
    (then removes it), makes it, and writes ``(kind, value)`` pickled to its standard output."""
    path = sys.argv[1]
    with open(path, "rb") as f:
        sys.path[:], call = pickle.load(f)
    os.unlink(path)
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # (what the call prints must not mix with the result)
    with collector_paused():
        reply = _reply(_unpickled_call, (call,))
        out.write(_RESULT + pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
    out.flush()


@contextmanager
def collector_paused():
    """Python's cycle collector paused for a block of bulk work, and as it was after.

    Loading reports, building a store, validating and analysing make millions of objects
    that stay alive to the end of the step and next to no garbage cycles; the collector
    read them all again and again (a fifth of the load and an eighth of the analysis of
    1,000 reports). What cycles there are, are collected once it runs again. Usable as a
    decorator; forked workers started within inherit the pause.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
