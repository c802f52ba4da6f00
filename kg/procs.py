"""Work shared out over the CPU cores by forked worker processes, where that is safe.

kg forks (SHACL beside the build, reports built side by side, the components of a corpus
graph analysed side by side) only where a fork is available and no other thread runs: a
thread holding a lock at the moment of the fork (a notebook's, a server's) would leave the
child waiting for it forever. Elsewhere the same work runs in this process, with the same
result.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["can_fork", "cores", "map_forked"]


def can_fork() -> bool:
    """True where ``fork`` exists and this process runs one thread."""
    return (hasattr(os, "fork") and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


def cores() -> int:
    """The CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
