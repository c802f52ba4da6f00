"""kg's benchmark harness: measures, compares side by side, writes ``BENCHMARKS.md``.

``python bench/run.py [--quick] [--sizes 1,10,100,1000] [--out BENCHMARKS.md]``

What it measures (issue 7), each comparison in the same run:

* cold start of ``kg --help`` and ``kg query NAME`` (subprocesses, median);
* the bundled report: load, RDF build, SHACL, writing the outputs, every named query
  in process (p50/p95) on rdflib memory and embedded Oxigraph, the analysis and its parts,
  and the ``make demo`` job (``kg build --analyze --views``, and the three commands it
  replaces) as subprocesses;
* synthetic corpora (``bench/synth.py``) of each size: build into rdflib memory vs into
  embedded Oxigraph vs ``oxigraph load`` of the same N-Quads, named queries p50/p95 on both
  stores, the analysis of the union influence network, peak memory of each child process,
  and the growth exponent of time against triples;
* ``kg serve --store oxigraph`` vs ``oxigraph serve`` on the same data and named queries,
  8 concurrent clients on loopback, a bounded number of requests.

Every heavy measurement runs in a fresh child process (``run.py --child …``) so its peak
memory (``ru_maxrss`` from ``os.wait4``) is its own and a runaway step can be stopped at a
time limit; children write one JSON line per finished step, so a step that times out
still leaves the steps before it.

Scratch files (corpora, N-Quads, Oxigraph stores) go to ``bench/.scratch/``.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import generate_corpus  # noqa: E402

SCRATCH = ROOT / "bench" / ".scratch"
BUNDLED = ROOT / "data"
GIB = 1024 ** 3

#: The issue's targets: key → (description, limit, unit, "le" | "ge")
TARGETS = {
    "demo": ("bundled report: the make demo job (build, validate, analyse, views) ≤ 2 s", 2.0, "s", "le"),
    "help": ("`kg --help` ≤ 0.25 s", 0.25, "s", "le"),
    "query_p50": ("bundled report: every named query in process p50 ≤ 10 ms", 0.010, "s", "le"),
    "build_ratio": ("corpus on embedded Oxigraph: build ≤ 1.5 × `oxigraph load`", 1.5, "×", "le"),
    "query_p95": ("corpus on embedded Oxigraph: every named query p95 ≤ 300 ms", 0.300, "s", "le"),
    "analysis": ("corpus: analysis of the union influence network ≤ 30 s", 30.0, "s", "le"),
    "memory": ("corpus: peak memory ≤ 4 GiB", 4.0, "GiB", "le"),
    "exponent": ("corpus: growth exponent of build time vs triples ≤ 1.1", 1.1, "", "le"),
    "serve": ("`kg serve` ≥ 50 % of `oxigraph serve` throughput (8 clients)", 0.5, "×", "ge"),
}


# =========================================================================== helpers


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by linear interpolation, like numpy's default."""
    xs = sorted(values)
    if not xs:
        return math.nan
    k = (len(xs) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log y on log x: the growth exponent (nan with < 2 points)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x and y and x > 0 and y > 0]
    if len(pts) < 2:
        return math.nan
    mx = statistics.fmean(p[0] for p in pts)
    my = statistics.fmean(p[1] for p in pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else math.nan


def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def kg_command() -> list[str]:
    """The ``kg`` command of this interpreter's environment, else ``python -m kg``."""
    script = Path(sys.executable).parent / "kg"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kg"]


def oxigraph_binary() -> str | None:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    return found if Path(found).exists() else None


def timed_process(cmd: list[str], timeout: float | None = None, **popen) -> dict:
    """Run ``cmd``; wall time, exit code, and the child's own peak RSS (``os.wait4``)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=child_env(), **popen)
    timer = None
    killed = []
    if timeout:
        def kill():
            killed.append(True)
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if timer:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "rc": proc.returncode, "maxrss": usage.ru_maxrss * 1024, "timed_out": bool(killed)}


def run_child(kind: str, args: list[str], timeout: float, label: str) -> dict:
    """Run ``run.py --child kind`` and gather its JSON lines into one dict."""
    out = SCRATCH / f"child-{kind}-{os.getpid()}-{time.monotonic_ns()}.jsonl"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--result", str(out), *args]
    print(f"  [{label}] …", end="", flush=True)
    proc = timed_process(cmd, timeout=timeout)
    results: dict = {}
    if out.exists():
        for line in out.read_text(encoding="utf-8").splitlines():
            if line.strip():
                results.update(json.loads(line))
        out.unlink()
    results["_process"] = proc
    status = "timed out" if proc["timed_out"] else ("failed" if proc["rc"] else "ok")
    print(f" {status} in {proc['wall']:.1f} s, peak {proc['maxrss'] / GIB:.2f} GiB", flush=True)
    return results


# =========================================================================== child side


class Recorder:
    """Appends one JSON object per finished step to the result file (flushed at once)."""

    def __init__(self, path: str):
        self.path = path

    def put(self, **items) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(items, default=str) + "\n")

    def rss(self, key: str) -> None:
        self.put(**{key: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024})

    def timed(self, key: str, fn, *a, **kw):
        t0 = time.perf_counter()
        value = fn(*a, **kw)
        self.put(**{key: time.perf_counter() - t0})
        return value


def sample_params(backend, reports: list[str] | None = None) -> dict[str, str]:
    """Parameter values for the named queries, picked from the data (from ``reports`` only
    when given)."""
    from kg.store import run_query

    def ask(q: str):
        return run_query(q, backend=backend, reports=reports).rows

    rows = ask("""
        SELECT ?a ?b WHERE { ?i a kgo:Influence ; kgo:influencer/dcterms:identifier ?a ;
                                kgo:influenced/dcterms:identifier ?b } ORDER BY ?a ?b LIMIT 1""")
    source, target = (str(rows[0]["a"]), str(rows[0]["b"])) if rows else ("x", "y")

    def first(q: str) -> str:
        r = ask(q)
        return str(next(iter(r[0].values()))) if r else "x"

    return {
        "entity": first("SELECT ?id WHERE { ?e a kgo:Competitor ; dcterms:identifier ?id } ORDER BY ?id LIMIT 1"),
        "challenge": first("SELECT ?id WHERE { ?r kgo:addresses ?c . ?c a kgo:Challenge ; dcterms:identifier ?id } "
                           "ORDER BY ?id LIMIT 1"),
        "audience": first("SELECT ?id WHERE { ?r kgo:intendedFor ?s . ?s dcterms:identifier ?id } ORDER BY ?id LIMIT 1"),
        "section": "1.1.1",
        "type": "kgo:Challenge",
        "source": source,
        "target": target,
    }


def params_for(named, samples: dict[str, str]) -> dict[str, str]:
    return {p.name: samples[p.name] for p in named.params if p.required}


def time_queries(rec: Recorder, prefix: str, backend, reps: int, budget: float, min_runs: int = 2,
                 limit: float = 0, skip: tuple[str, ...] = (), reports: list[str] | None = None) -> None:
    """Each named query ``reps`` times (at least ``min_runs``, fewer than ``reps`` once its
    runs exceed ``budget`` seconds): p50/p95.

    A query engine cannot be interrupted from Python, so with ``limit`` a watchdog ends the
    whole child process when one run of a query takes longer, after recording
    ``query_over_limit``; the parent then starts the child again without that query
    (``skip``), see :func:`run_oxigraph_child`.
    """
    from kg.sparql import named_queries
    from kg.store import run_query

    samples = sample_params(backend, reports)
    out = {name: {"error": f"over the limit: one run took more than {limit:g} s"} for name in skip}
    for name, named in sorted(named_queries().items()):
        if name in skip:
            continue
        params = params_for(named, samples)

        def over(name=name):
            rec.put(query_over_limit=name)
            os._exit(3)
        times: list[float] = []
        rows = None
        start = time.perf_counter()
        try:
            while len(times) < reps and (len(times) < min_runs or time.perf_counter() - start < budget):
                watchdog = threading.Timer(limit, over) if limit else None
                if watchdog is not None:
                    watchdog.daemon = True
                    watchdog.start()
                t0 = time.perf_counter()
                try:
                    result = run_query(named, params, backend=backend, reports=reports)
                    result.rows  # noqa: B018  (the answer in hand, as rdflib terms: made when first read)
                finally:
                    if watchdog is not None:
                        watchdog.cancel()
                times.append(time.perf_counter() - t0)
                rows = len(result)
        except Exception as exc:  # a failing query is a finding, not a crash of the harness
            out[name] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
            continue
        out[name] = {"p50": percentile(times, 50), "p95": percentile(times, 95), "n": len(times), "rows": rows}
        rec.put(**{f"{prefix}_queries_partial": out})
    rec.put(**{f"{prefix}_queries": out})


class AnalysisTimeout(Exception):
    """The analysis ran past its time limit (raised by SIGALRM between Python steps)."""


def analysis_parts(rec: Recorder, backend, prefix: str = "analysis", limit: float = 0) -> None:
    """The analysis and its parts on one backend, each step recorded as it finishes.

    With ``limit`` (seconds), an alarm stops the analysis there and records how far it got;
    a long numpy call finishes before the alarm is seen, so the stop can come late.
    """
    def on_alarm(signum, frame):
        raise AnalysisTimeout()

    if limit:
        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    t0 = time.perf_counter()
    try:
        _analysis_steps(rec, backend, prefix)
    except AnalysisTimeout:
        rec.put(**{f"{prefix}_stopped": time.perf_counter() - t0})
    finally:
        if limit:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _analysis_steps(rec: Recorder, backend, prefix: str) -> None:
    from kg.analysis.centrality import centrality_table
    from kg.analysis.fcm import scenario
    from kg.analysis.graphs import Memo, influence_graph
    from kg.analysis.loops import feedback_loops
    from kg.analysis.micmac import micmac
    from kg.analysis.report import analyze
    from kg.viz.views import build_views

    # First what `kg build --analyze --views` runs, so that the peak memory is its own: the
    # parts timed on their own below held a graph and the tables of their steps, and a heap
    # grown by them was never given back (the store on disk at 1,000 reports: 3.92 GiB with
    # the parts first, about 3.3 GiB in a process of the analysis and the views alone)
    shared = Memo(backend)  # as `kg build --analyze --views`: the views reuse the analysis's queries
    result = rec.timed(f"{prefix}_analyze", analyze, shared)
    rec.rss(f"{prefix}_rss")
    # every view, as `kg build --views` makes them (default caps on nodes per page and on
    # entity views), from the analysis just made
    pages = rec.timed(f"{prefix}_views", build_views, shared, analysis=result)
    rec.put(**{f"{prefix}_views_mib": sum(len(t.encode("utf-8")) for t in pages.values()) / 2**20})
    rec.rss(f"{prefix}_rss_views")
    del shared, result, pages
    # then the parts, each on its own (the graph made afresh, not the one the analysis kept)
    G = rec.timed(f"{prefix}_influence_graph", influence_graph, backend)
    rec.put(**{f"{prefix}_nodes": G.number_of_nodes(), f"{prefix}_edges": G.number_of_edges()})
    rec.timed(f"{prefix}_centrality", centrality_table, G)
    rec.timed(f"{prefix}_micmac", micmac, G)
    hub = max(sorted(G), key=lambda n: G.out_degree(n)) if len(G) else None
    if hub is not None:
        rec.timed(f"{prefix}_fcm_scenario", scenario, G, {hub: 1.0})
    rec.timed(f"{prefix}_loops", feedback_loops, G, max_length=5)
    rec.rss(f"{prefix}_rss_parts")


def child_bundled(rec: Recorder, a) -> None:
    import kg
    from kg.pipeline import write_outputs
    from kg.store import GraphBackend, open_backend

    g = rec.timed("load", kg.load, a.data)
    ds = rec.timed("rdf", lambda: g.graph)
    rec.put(triples=len(ds))
    shacl = rec.timed("shacl", g.validate)
    rec.put(shacl_conforms=shacl.conforms)
    stats = g.stats()
    out = SCRATCH / "bundled-build"
    rec.timed("write_outputs", write_outputs, g, out, stats, shacl)
    rec.rss("rss_build")
    time_queries(rec, "memory", GraphBackend(ds, "memory"), a.reps, a.budget, a.min_runs)
    ox = rec.timed("oxigraph_build", open_backend, store="oxigraph", data=a.data)
    time_queries(rec, "oxigraph", ox, a.reps, a.budget, a.min_runs)
    analysis_parts(rec, GraphBackend(ds, "memory"), "analysis_memory")
    analysis_parts(rec, ox, "analysis_oxigraph")


def child_memory(rec: Recorder, a) -> None:
    """Corpus into rdflib memory: load, RDF, (SHACL), queries; then write the N-Quads."""
    import kg
    from kg.pipeline import serialize
    from kg.store import GraphBackend

    t0 = time.perf_counter()
    g = rec.timed("load", kg.load, a.data)
    ds = rec.timed("rdf", lambda: g.graph)
    rec.put(build=time.perf_counter() - t0, triples=len(ds))
    rec.rss("rss_build")
    if a.shacl:
        shacl = rec.timed("shacl", g.validate)
        rec.put(shacl_conforms=shacl.conforms)
    if a.queries:
        time_queries(rec, "memory", GraphBackend(ds, "memory"), a.reps, a.budget, a.min_runs)
    rec.rss("rss")
    if a.nquads:
        text = rec.timed("serialize_nquads", serialize, ds, "nquads")
        Path(a.nquads).write_text(text, encoding="utf-8")


def child_oxigraph(rec: Recorder, a) -> None:
    """Corpus into embedded Oxigraph (kg.store.open_backend), queries, then the analysis."""
    from kg.store import _oxigraph_of, open_backend

    store = "oxigraph"
    if a.store_dir:  # a store on disk, built afresh
        shutil.rmtree(a.store_dir, ignore_errors=True)
        store = f"oxigraph:{a.store_dir}"
    backend = rec.timed("build", open_backend, store=store, data=a.data)
    ox_store = _oxigraph_of(backend.graph)  # (a pyoxigraph Store in memory; oxrdflib's on disk)
    rec.put(triples=len(ox_store))  # (the store's count: len() of an rdflib
    # view reads every quad into Python, which once showed here as GiBs of "build" memory)
    rec.rss("rss_build")
    if a.nquads:  # only when no rdflib child wrote them (see --memory-max)
        import pyoxigraph as ox

        rec.timed("dump_nquads", ox_store.dump, a.nquads, format=ox.RdfFormat.N_QUADS)
    if not a.no_queries:
        time_queries(rec, "oxigraph", backend, a.reps, a.budget, a.min_runs, a.query_limit,
                     tuple(a.skip_query or ()))
        # the same queries limited to one report (`kg query --report`): what an analyst asks
        # of one report in a shared store of many
        from kg.store import report_ids

        first = report_ids(backend)[0]
        time_queries(rec, "oxigraph_scoped", backend, a.reps, a.budget, a.min_runs, a.query_limit, reports=[first])
        rec.put(scoped_report=first)
        rec.rss("rss_queries")
    if a.analysis:
        analysis_parts(rec, backend, "analysis", a.analysis_limit)


CHILDREN = {"bundled": child_bundled, "memory": child_memory, "oxigraph": child_oxigraph}


# =========================================================================== parent side


def cold_start(reps: int) -> dict:
    """``kg --help`` and ``kg query drivers-by-influence`` as fresh processes: median wall time."""
    kg = kg_command()
    out = {"command": " ".join(Path(kg[0]).name if i == 0 else c for i, c in enumerate(kg))}
    for key, args in (("help", ["--help"]),
                      ("query", ["query", "drivers-by-influence", "--data", str(BUNDLED), "--format", "csv"])):
        times = []
        for _ in range(reps):
            r = timed_process(kg + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r["rc"] != 0:
                out[f"{key}_error"] = f"exit code {r['rc']}"
            times.append(r["wall"])
        out[key] = statistics.median(times)
        out[f"{key}_all"] = times
    return out


def demo_job(reps: int) -> dict:
    """What ``make demo`` runs after install — ``kg build --analyze --views`` (one process) —
    and, for comparison, the same job as three commands (``kg build``, ``kg analyze``, ``kg viz``)."""
    kg = kg_command()
    out_dir = SCRATCH / "demo"
    one = ["build", "--data", str(BUNDLED), "--out", str(out_dir / "one"), "--analyze", "--views", str(out_dir / "views1")]
    steps = {"build": ["build", "--data", str(BUNDLED), "--out", str(out_dir)],
             "analyze": ["analyze", "--data", str(BUNDLED), "--out", str(out_dir / "analysis")],
             "viz": ["viz", "--data", str(BUNDLED), "--out", str(out_dir / "views")]}
    ones, totals, parts = [], [], {name: [] for name in steps}
    for _ in range(reps):
        r = timed_process(kg + one, stdout=subprocess.DEVNULL)
        if r["rc"]:
            return {"error": f"kg build --analyze --views exit {r['rc']}"}
        ones.append(r["wall"])
        total = 0.0
        for name, args in steps.items():
            r = timed_process(kg + args, stdout=subprocess.DEVNULL)
            if r["rc"]:
                return {"error": f"kg {name} exit {r['rc']}"}
            parts[name].append(r["wall"])
            total += r["wall"]
        totals.append(total)
    return {"one": statistics.median(ones), "one_all": ones, "total": statistics.median(totals), "n": reps,
            **{name: statistics.median(times) for name, times in parts.items()}}


def corpus_dir(size: int, seed: int) -> Path:
    """Generate (or reuse, when the stamp matches) the corpus of ``size`` reports."""
    folder = SCRATCH / f"corpus-{size}" / "data"
    stamp = folder.parent / "stamp.json"
    from bench import synth

    want = {"size": size, "seed": seed, "generator": _file_digest(Path(synth.__file__))}
    if stamp.exists() and json.loads(stamp.read_text()) == want and folder.is_dir():
        return folder
    if folder.parent.exists():
        shutil.rmtree(folder.parent)
    t0 = time.perf_counter()
    generate_corpus(folder, size, seed)
    print(f"  generated {size} report(s) in {time.perf_counter() - t0:.1f} s")
    stamp.write_text(json.dumps(want))
    return folder


def _file_digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def oxigraph_load(nquads: Path, location: Path) -> dict:
    binary = oxigraph_binary()
    if binary is None:
        return {"error": "no oxigraph binary"}
    if location.exists():
        shutil.rmtree(location)
    r = timed_process([binary, "load", "--location", str(location), "--file", str(nquads)],
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r["rc"]:
        r["error"] = f"exit code {r['rc']}"
    return r


def run_oxigraph_child(size: int, args: list[str], a) -> dict:
    """The Oxigraph child, started again without each query that went over ``--query-limit``."""
    skipped: list[str] = []
    done: dict = {}  # queries measured by an earlier attempt are not run again
    for attempt in range(a.max_restarts + 1):
        extra = ["--query-limit", str(a.query_limit)] + [x for q in [*skipped, *done] for x in ("--skip-query", q)]
        label = f"{size}: embedded Oxigraph" + (f" (again, without {', '.join(skipped)})" if skipped else "")
        ox = run_child("oxigraph", args + extra, a.timeout, label)
        over = ox.pop("query_over_limit", None)
        queries = {**queries_of(ox, "oxigraph"), **done}
        for q in skipped:
            queries[q] = {"error": f"over the limit: one run took more than {a.query_limit:g} s"}
        if over is None:
            ox["oxigraph_queries"] = queries
            break
        done = {k: v for k, v in queries.items() if "error" not in v}
        skipped.append(over)
        ox["oxigraph_queries"] = {**queries, over: {"error": f"over the limit: one run took more than "
                                                             f"{a.query_limit:g} s"}}
    ox["restarts"] = skipped
    ox["query_limit"] = a.query_limit
    return ox


def bench_size(size: int, a) -> dict:
    print(f"corpus of {size} report(s)")
    data = corpus_dir(size, a.seed)
    work = data.parent
    nquads = work / "graph.nq"
    common = ["--data", str(data), "--reps", str(a.reps), "--budget", str(a.budget), "--min-runs", str(a.min_runs)]
    if size <= a.memory_max:
        mem = run_child("memory", common + ["--nquads", str(nquads)] + (["--shacl"] if size <= a.shacl_max else [])
                        + (["--queries"] if size <= a.memory_queries_max else []), a.timeout, f"{size}: rdflib memory")
        dump = []
    else:  # an rdflib dataset of this size would not fit: Oxigraph writes the N-Quads for `oxigraph load`
        mem = {"skipped": f"rdflib memory is only built up to {a.memory_max} reports (--memory-max)"}
        dump = ["--nquads", str(nquads)]
    ox = run_oxigraph_child(size, common + dump + (["--analysis", "--analysis-limit", str(a.analysis_limit)]
                                                   if not a.no_analysis else []), a)
    load = oxigraph_load(nquads, work / "oxstore") if nquads.exists() else {"error": "no N-Quads written"}
    print(f"  [{size}: oxigraph load] {load.get('wall', math.nan):.2f} s")
    out = {"size": size, "memory": mem, "oxigraph": ox, "oxigraph_load": load, "data": str(data),
           "store": str(work / "oxstore")}
    if size >= a.disk_from:  # the store on disk: build, analysis and views, peak memory
        out["oxigraph_disk"] = run_child(
            "oxigraph", ["--data", str(data), "--store-dir", str(work / "kgstore"), "--no-queries"]
            + (["--analysis", "--analysis-limit", str(a.analysis_limit)] if not a.no_analysis else []),
            a.timeout, f"{size}: embedded Oxigraph on disk")
    return out


# --------------------------------------------------------------------------- serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port: int, path: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            c.getresponse().read()
            c.close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def serve_workload(data: Path) -> list[tuple[str, str, str]]:
    """(name, query text with parameters bound, Accept) for every named query."""
    from kg.sparql import named_queries, parse_term, prepare
    from kg.store import open_backend

    # parameter values from the first report only: building the whole corpus here would cost
    # as much as a server start
    first = min(d for d in data.iterdir() if (d / "report.yaml").is_file())
    samples = sample_params(open_backend(store="oxigraph", data=first))
    work = []
    for name, named in sorted(named_queries().items()):
        bindings = {}
        for p in named.params:
            value = samples[p.name] if p.required else p.default
            bindings[p.name] = parse_term(value, p.name)
        text, _ = prepare(named.text, bindings)
        accept = "application/n-triples" if named.form in ("CONSTRUCT", "DESCRIBE") else \
            "application/sparql-results+json"
        work.append((name, text, accept))
    return work


def load_clients(port: int, path: str, workload, requests: int, clients: int, timeout: float,
                 seconds: float = math.inf) -> dict:
    """``clients`` threads send ``requests`` POSTs round-robin over the workload.

    No new request starts after ``seconds``; the result says how many were made.
    """
    lock = threading.Lock()
    counter = [0]
    latencies: list[float] = []
    by_query: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    stop_at = time.perf_counter() + seconds

    def worker():
        while True:
            with lock:
                i = counter[0]
                if i >= requests or time.perf_counter() > stop_at:
                    return
                counter[0] += 1
            name, text, accept = workload[i % len(workload)]
            t0 = time.perf_counter()
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                c.request("POST", path, body=text.encode("utf-8"),
                          headers={"Content-Type": "application/sparql-query", "Accept": accept})
                resp = c.getresponse()
                resp.read()
                c.close()
                ok = resp.status == 200
                err = None if ok else f"{name}: HTTP {resp.status}"
            except OSError as exc:
                err = f"{name}: {type(exc).__name__}"
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                by_query.setdefault(name, []).append(dt)
                if err:
                    errors[err] = errors.get(err, 0) + 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    slowest = sorted(((statistics.median(v), k) for k, v in by_query.items()), reverse=True)[:3]
    return {"requests": len(latencies), "wall": wall, "throughput": len(latencies) / wall if wall else math.nan,
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "errors": errors,
            "slowest": [[k, v] for v, k in slowest]}


def bench_serve(data: Path, store: Path, a) -> dict:
    """``kg serve --store oxigraph`` vs ``oxigraph serve`` on the same data and queries."""
    print(f"serve: {a.serve_requests} requests, {a.clients} clients, data {data.parent.name}")
    binary = oxigraph_binary()
    if binary is None or not store.exists():
        return {"error": "no oxigraph binary or store"}
    workload = serve_workload(data)
    result = {"requests": a.serve_requests, "seconds": a.serve_seconds, "clients": a.clients, "queries": len(workload), "corpus": data.parent.name}
    servers = {
        "kg": (kg_command() + ["serve", "--store", "oxigraph", "--data", str(data), "--port", "{port}"], "/sparql"),
        # the same 10 s query time limit as kg serve's default
        "oxigraph": ([binary, "serve", "--location", str(store), "--bind", "127.0.0.1:{port}",
                      "--union-default-graph", "--timeout-s", "10"], "/query"),
    }
    result["commands"] = {k: " ".join(Path(t[0]).name if i == 0 else c for i, c in enumerate(t))
                          for k, (t, _) in servers.items()}
    for key, (template, path) in servers.items():
        port = free_port()
        cmd = [c.replace("{port}", str(port)) for c in template]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not wait_http(port, "/", a.timeout):
                result[key] = {"error": "did not start"}
                continue
            started = time.perf_counter() - t0
            if not a.quick:  # warm up: every query once, in order, not counted
                load_clients(port, path, workload, len(workload), 1, a.request_timeout)
            r = load_clients(port, path, workload, a.serve_requests, a.clients, a.request_timeout, a.serve_seconds)
            r["startup"] = started
            result[key] = r
            print(f"  [{key}] {r['throughput']:.1f} req/s, p50 {r['p50'] * 1000:.0f} ms, "
                  f"p95 {r['p95'] * 1000:.0f} ms, errors {sum(r['errors'].values())}")
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return result


# --------------------------------------------------------------------------- report


def machine_info() -> dict:
    from importlib import metadata

    versions = {}
    for name in ("kg", "rdflib", "pyshacl", "pyoxigraph", "oxrdflib", "oxigraph", "networkx", "numpy", "scipy",
                 "pydantic"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB
    except (ValueError, OSError):
        mem = math.nan
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpus": os.cpu_count(), "cpu": cpu, "memory_gib": mem, "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions, "loadavg_start": _loadavg()}


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def peak_of(r: dict) -> str:
    """A child's peak memory in GiB, or – when it was not run."""
    return gib(r["_process"]["maxrss"]) if "_process" in r else "–"


def ms(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x * 1000:.1f}"


def sec(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"


def gib(x) -> str:
    return "–" if not x else f"{x / GIB:.2f}"


def ratio(a, b) -> float:
    return a / b if a and b else math.nan


def fmt_ratio(x) -> str:
    return "–" if x is None or math.isnan(x) else f"{x:.2f}×"


def query_table(*columns: tuple[str, dict]) -> list[str]:
    names = sorted({n for _, qs in columns for n in qs})
    head = ("| query | " + " | ".join(f"{label} p50 ms | {label} p95 ms" for label, _ in columns)
            + " | runs (" + " / ".join(label for label, _ in columns) + ") | rows |")
    lines = [head, "|" + " --- |" * (3 + 2 * len(columns))]
    for n in names:
        cells, rows, runs = [], "–", []
        for _, qs in columns:
            q = qs.get(n, {})
            if "error" in q:
                cells += ["error", q["error"].replace("|", "/")[:60]]
            else:
                cells += [ms(q.get("p50")), ms(q.get("p95"))]
                rows = q.get("rows", rows)
            runs.append(str(q.get("n", "–")))
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {' / '.join(runs)} | {rows} |")
    return lines


def worst(qs: dict, key: str) -> tuple[float, str]:
    pairs = [(q[key], n) for n, q in qs.items() if key in q]
    errors = [n for n, q in qs.items() if "error" in q]
    if errors:
        return math.inf, errors[0] + " (error)"
    return max(pairs) if pairs else (math.nan, "–")


def ok_rate(r: dict) -> float:
    """Successful requests per second of a serve measurement."""
    if not r or "wall" not in r:
        return math.nan
    return (r["requests"] - sum(r["errors"].values())) / r["wall"] if r["wall"] else math.nan


def queries_of(r: dict, prefix: str) -> dict:
    """A child's query results; those it finished when it was stopped, if it was."""
    return r.get(f"{prefix}_queries") or r.get(f"{prefix}_queries_partial", {})


# (in the order they run)
ANALYSIS_PARTS = ("analyze", "views", "influence_graph", "centrality", "micmac", "fcm_scenario", "loops")


def analysis_cells(r: dict, prefix: str) -> list[str]:
    cells, stopped = [], r.get(f"{prefix}_stopped")
    measured_views = any(k.endswith("_views") for k in r)
    for p in ANALYSIS_PARTS:
        if f"{prefix}_{p}" in r:
            cells.append(sec(r[f"{prefix}_{p}"]))
        elif p == "views" and not measured_views and f"{prefix}_analyze" in r and stopped is None:
            cells.append("not measured in this run")
        elif stopped is not None:
            cells.append(f"stopped at the limit ({stopped:.0f} s in all)")
            stopped = None
        else:
            cells.append("not reached")
    return cells


#: the sections of a run that --merge-json can take from a second run, as BENCHMARKS.md names them
_SECTION = {"cold_start": "the cold start", "bundled": "the bundled report", "demo": "the demo job"}


def write_report(path: Path, res: dict, a) -> None:
    m = res["machine"]
    L: list[str] = []
    add = L.append
    add("# Benchmarks")
    add("")
    add("Generated by `bench/run.py` (`make bench`, or `make bench-quick` for the quick mode); do not edit by "
        "hand, rerun instead. How it measures is described in `bench/README.md`.")
    add("")
    add("**Method in short.** Every heavy measurement runs in a fresh child process; its peak memory is that "
        "process's `ru_maxrss`. Times are wall-clock (`time.perf_counter`). Named queries run in process through "
        "`kg.store.run_query` on an open backend, each repeated up to the stated number of times (fewer when one "
        "query's runs exceed the per-query budget), and p50/p95 are taken over those runs; a run reads the "
        "whole answer out of the engine (rows, or a graph's triples), and the rdflib terms, made from them "
        "only when read, and the writing of a format are not timed. Synthetic corpora "
        "come from `bench/synth.py` (deterministic from the seed, shaped like `data/micropayments`). "
        "\"Build into Oxigraph\" is `kg.store.open_backend(store=\"oxigraph\", data=…)`: each report YAML → "
        "models → triples → N-Quads in worker processes (one per core), streamed into one bulk load of Oxigraph's (through a named pipe, as the workers make them); `oxigraph load` "
        "loads the same N-Quads into an on-disk store with the server binary. Ratios are kg / reference, measured in the same run. The growth exponent "
        "is the least-squares slope of log(time) on log(triples) over the corpus sizes of this run.")
    add("")
    add(f"Run: {m['date']}, mode **{'quick' if a.quick else 'full'}**, sizes {', '.join(map(str, a.sizes))}, "
        f"seed {a.seed}, query repetitions ≤ {a.reps} (budget {a.budget:g} s per query), child time limit "
        f"{a.timeout:g} s, harness wall time {res['wall']:.0f} s.")
    add("")
    add("## Machine")
    add("")
    add(f"- CPU: {m['cpu']} × {m['cpus']} logical CPUs; memory {m['memory_gib']:.1f} GiB")
    add(f"- Python {m['python']} on {m['platform']}")
    add("- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    if m.get("loadavg_start") or res.get("loadavg_end"):
        add(f"- load average (1, 5, 15 min) at the start {m.get('loadavg_start') or '–'}, at the end "
            f"{res.get('loadavg_end') or '–'}: other work on the machine during the run slows absolute times; "
            "ratios measured side by side are less affected")
    for note in res.get("notes", []):
        add(f"- Note: {note}")
    add("")

    targets: dict[str, tuple[str, float | None, str]] = {}

    # ---- cold start
    cs = res.get("cold_start")
    if cs:
        add("## Cold start")
        add("")
        add(f"`{cs['command']}` as a fresh process, median of {len(cs['help_all'])} runs.")
        add("")
        add("| command | median s | all runs s |")
        add("| --- | --- | --- |")
        add(f"| `kg --help` | {sec(cs['help'])} | {', '.join(sec(x) for x in cs['help_all'])} |")
        add(f"| `kg query drivers-by-influence --data data` | {sec(cs['query'])} | "
            f"{', '.join(sec(x) for x in cs['query_all'])} |")
        add("")
        targets["help"] = (sec(cs["help"]) + " s", cs["help"], "")

    # ---- bundled
    b = res.get("bundled")
    if b:
        add("## The bundled report (`data/`)")
        add("")
        add(f"{b.get('triples', '–')} triples. One child process, peak memory {gib(b['_process']['maxrss'])} GiB.")
        add("")
        add("| step | s |")
        add("| --- | --- |")
        for key, label in (("load", "load YAML → validated models (`kg.load`)"), ("rdf", "build the rdflib dataset"),
                           ("shacl", "SHACL validation alone (`validate()`)"),
                           ("write_outputs", "write the 5 formats + SHACL report + manifest"),
                           ("oxigraph_build", "build into embedded Oxigraph (`open_backend`)")):
            add(f"| {label} | {sec(b.get(key))} |")
        d = res.get("demo", {})
        if "one" in d:
            add(f"| **demo job**: `kg build --analyze --views` (what `make demo` runs: build, validate, analyse, "
                f"every view, one process; median of {d['n']}) | **{sec(d['one'])}** "
                f"(runs: {', '.join(sec(x) for x in d['one_all'])}) |")
            add(f"| the same job as three commands: `kg build` + `kg analyze` + `kg viz` (median of {d['n']}) | "
                f"{sec(d['total'])} (build {sec(d['build'])}, analyze {sec(d['analyze'])}, viz {sec(d['viz'])}) |")
            targets["demo"] = (f"{sec(d['one'])} s", d["one"], "")
        elif "total" in d:
            if "viz" in d:
                add(f"| **demo job**: `kg build` + `kg analyze` + `kg viz` as processes (median of {d['n']}) | "
                    f"**{sec(d['total'])}** (build {sec(d['build'])}, analyze {sec(d['analyze'])}, "
                    f"viz {sec(d['viz'])}) |")
                targets["demo"] = (f"{sec(d['total'])} s", d["total"], "")
            else:  # results of a run before kg had its views command
                add(f"| **demo job**: `kg build` + `kg analyze` as processes (median of {d['n']}) | "
                    f"**{sec(d['total'])}** (build {sec(d['build'])}, analyze {sec(d['analyze'])}) |")
                targets["demo"] = (f"{sec(d['total'])} s (views not included: no views command in kg at the time "
                                   "of this run)", d["total"], "")
        elif d:
            add(f"| demo job | {d.get('error')} |")
        add("")
        add("Analysis (s):")
        add("")
        add("| store | " + " | ".join(ANALYSIS_PARTS) + " |")
        add("|" + " --- |" * (1 + len(ANALYSIS_PARTS)))
        add("| rdflib memory | " + " | ".join(analysis_cells(b, "analysis_memory")) + " |")
        add("| embedded Oxigraph | " + " | ".join(analysis_cells(b, "analysis_oxigraph")) + " |")
        add("")
        add("`analyze` is the whole `kg.analysis.report.analyze` (every method, audit, communities), "
            "the other columns its parts run on their own; `views` is `kg.viz.build_views` on top of that analysis "
            "(every page as `kg build --views` writes them, default caps; as there, the views reuse the answers to "
            "the queries the analysis already asked).")
        add("")
        if "memory_queries" in b:
            add("Named queries in process:")
            add("")
            L.extend(query_table(("memory", b["memory_queries"]), ("oxigraph", b.get("oxigraph_queries", {}))))
            add("")
            worst_mem = worst(b["memory_queries"], "p50")
            oxq = b.get("oxigraph_queries", {})
            worst_ox = worst(oxq, "p50")
            n_ok = sum(1 for q in oxq.values() if q.get("p50", math.inf) <= 0.010)
            targets["query_p50"] = (
                f"embedded Oxigraph (the default store): {n_ok}/{len(oxq)} within, worst {ms(worst_ox[0])} ms "
                f"({worst_ox[1]}); rdflib memory (`--store memory`) worst {ms(worst_mem[0])} ms ({worst_mem[1]})",
                worst_ox[0], "")

    # ---- corpora
    sizes = res.get("sizes", [])
    if sizes:
        add("## Synthetic corpora")
        add("")
        add("| reports | triples | build memory s | build Oxigraph s | `oxigraph load` s | build Oxigraph / load "
            "| memory / Oxigraph build | SHACL s | peak GiB memory child | peak GiB Oxigraph child | "
            "`oxigraph load` peak GiB |")
        add("|" + " --- |" * 11)
        for s in sizes:
            mem, ox, ld = s["memory"], s["oxigraph"], s["oxigraph_load"]
            triples = ox.get("triples") or mem.get("triples")
            s["triples"] = triples
            add(f"| {s['size']} | {triples or '–'} | {sec(mem.get('build'))} | {sec(ox.get('build'))} | "
                f"{sec(ld.get('wall'))} | {fmt_ratio(ratio(ox.get('build'), ld.get('wall')))} | "
                f"{fmt_ratio(ratio(mem.get('build'), ox.get('build')))} | {sec(mem.get('shacl'))} | "
                f"{peak_of(mem)} | {peak_of(ox)} | {gib(ld.get('maxrss'))} |")
        add("")
        add("Build memory = `kg.load` + rdflib dataset (split below). Build Oxigraph = `open_backend(store=\"oxigraph\")`: "
            "reports read and built side by side in worker processes, their N-Quads streamed into one bulk load of the store's. "
            "Memory child peak includes serialising the N-Quads for `oxigraph load` after the measurements "
            f"(above {a.memory_max} reports no rdflib child runs and the Oxigraph child writes them); "
            "Oxigraph child peak includes the analysis. "
            "SHACL only up to " f"{a.shacl_max} report(s); "
            f"named queries on rdflib memory only up to {a.memory_queries_max} report(s).")
        add("")
        add("| reports | load YAML s | rdflib dataset s | serialise N-Quads s | timed out |")
        add("| --- | --- | --- | --- | --- |")
        for s in sizes:
            mem, ox = s["memory"], s["oxigraph"]
            to = ", ".join(k for k, r in (("memory", mem), ("oxigraph", ox))
                           if r.get("_process", {}).get("timed_out")) or "no"
            add(f"| {s['size']} | {sec(mem.get('load'))} | {sec(mem.get('rdf'))} | {sec(mem.get('serialize_nquads'))}"
                f" | {to} |")
        add("")
        add("Analysis of the union influence network on embedded Oxigraph (s; \"not reached\" = the child hit its "
            "time limit or failed before that step):")
        add("")
        add("| reports | nodes | edges | " + " | ".join(ANALYSIS_PARTS) + " |")
        add("|" + " --- |" * (3 + len(ANALYSIS_PARTS)))
        for s in sizes:
            ox = s["oxigraph"]
            add(f"| {s['size']} | {ox.get('analysis_nodes', '–')} | {ox.get('analysis_edges', '–')} | "
                + " | ".join(analysis_cells(ox, "analysis")) + " |")
        disk = [s for s in sizes if "oxigraph_disk" in s]
        if disk:
            add("")
            add("The same on an Oxigraph store on disk (`--store oxigraph:DIR`; built afresh, then analysed and "
                "every view made, then the analysis's parts timed on their own; no named queries), for sizes from "
                f"{a.disk_from} reports (`--disk-from`):")
            add("")
            add("| reports | build s | build / `oxigraph load` | " + " | ".join(ANALYSIS_PARTS) + " | peak GiB |")
            add("|" + " --- |" * (4 + len(ANALYSIS_PARTS)))
            for s in disk:
                d = s["oxigraph_disk"]
                add(f"| {s['size']} | {sec(d.get('build'))} | "
                    f"{fmt_ratio(ratio(d.get('build'), s['oxigraph_load'].get('wall')))} | "
                    + " | ".join(analysis_cells(d, "analysis")) + f" | {peak_of(d)} |")
        sized = [s for s in sizes if "analysis_views_mib" in s["oxigraph"]]
        if sized:
            add("")
            add("Views of the union graph (`views` above): " + "; ".join(
                f"{s['size']} report(s) {s['oxigraph']['analysis_views_mib']:.1f} MiB of HTML" for s in sized) + ".")
        add("")
        for s in sizes:
            add(f"### {s['size']} report(s): named queries")
            add("")
            L.extend(query_table(("memory", queries_of(s["memory"], "memory")),
                                 ("oxigraph", queries_of(s["oxigraph"], "oxigraph"))))
            scoped = queries_of(s["oxigraph"], "oxigraph_scoped")
            if scoped:
                add("")
                add(f"The same on embedded Oxigraph, limited to one report (`kg query --report "
                    f"{s['oxigraph'].get('scoped_report', '…')}`: its graph is the default graph):")
                add("")
                L.extend(query_table(("one report", scoped)))
            if s["oxigraph"].get("restarts"):
                add("")
                add(f"The Oxigraph child was started again without {', '.join(s['oxigraph']['restarts'])} "
                    f"(a run went over the per-query limit of {s['oxigraph'].get('query_limit', a.query_limit):g} s).")
            add("")

        # growth exponents
        add("## Growth with size")
        add("")
        xs = [s["triples"] for s in sizes]
        series = {
            "build into embedded Oxigraph": [s["oxigraph"].get("build") for s in sizes],
            "build into rdflib memory": [s["memory"].get("build") for s in sizes],
            "`oxigraph load`": [s["oxigraph_load"].get("wall") for s in sizes],
            "analysis (`analyze`)": [s["oxigraph"].get("analysis_analyze") for s in sizes],
            "worst named query p95 (Oxigraph)": [worst(queries_of(s["oxigraph"], "oxigraph"), "p95")[0]
                                                 for s in sizes],
            "peak memory (Oxigraph child)": [s["oxigraph"]["_process"]["maxrss"] for s in sizes],
        }
        add("Least-squares slope of log(y) on log(triples) over sizes " + ", ".join(str(s["size"]) for s in sizes)
            + " (1 = linear). A slope from sizes whose smallest is 1 report is dominated by fixed costs; "
              "the slope between the two largest sizes is shown too.")
        add("")
        add("| measure | exponent (all sizes) | exponent (two largest) |")
        add("| --- | --- | --- |")
        exps = {}
        for label, ys in series.items():
            ok = [(x, y) for x, y in zip(xs, ys) if x and y and not math.isinf(y)]
            e_all = slope([p[0] for p in ok], [p[1] for p in ok])
            e_top = slope([p[0] for p in ok[-2:]], [p[1] for p in ok[-2:]])
            exps[label] = (e_all, e_top, len(ok))
            add(f"| {label} | {e_all:.2f} | {e_top:.2f} |" if len(ok) >= 2 else f"| {label} | – | – |")
        add("")

        big = sizes[-1]
        ox, ld = big["oxigraph"], big["oxigraph_load"]
        note = f" at {big['size']} reports" + ("" if big["size"] >= 1000 else " (target is at 1,000)")
        scope = "" if big["size"] >= 1000 else f"only at {big['size']} reports; 1,000 not run"
        r_build = ratio(ox.get("build"), ld.get("wall"))
        if "oxigraph_disk" in big:  # (like for like: `oxigraph load` fills a store on disk)
            r_memory, r_build = r_build, ratio(big["oxigraph_disk"].get("build"), ld.get("wall"))
            targets["build_ratio"] = (f"{fmt_ratio(r_build)}{note} into a store on disk, as `oxigraph load`; "
                                      f"{fmt_ratio(r_memory)} into one in memory", r_build, scope)
        else:
            targets["build_ratio"] = (f"{fmt_ratio(r_build)}{note}", r_build, scope)
        # per-item queries (a required parameter: one entity, section, pair) and corpus-wide
        # listings, whose answer grows with the corpus (10⁴–10⁵ rows at 1,000 reports)
        from kg.sparql import named_queries

        named = named_queries()
        allq = queries_of(ox, "oxigraph")
        item = {k: v for k, v in allq.items() if k in named and any(p.required for p in named[k].params)}
        listing = {k: v for k, v in allq.items() if k not in item}
        w95, i95, l95 = worst(allq, "p95"), worst(item, "p95"), worst(listing, "p95")

        def shown(w):
            return "over the per-query limit" if math.isinf(w[0]) else f"{ms(w[0])} ms"

        n_item = sum(1 for v in item.values() if v.get("p95", math.inf) <= 0.300)
        n_list = sum(1 for v in listing.values() if v.get("p95", math.inf) <= 0.300)
        scoped = queries_of(ox, "oxigraph_scoped")
        s95 = worst(scoped, "p95")
        n_scoped = sum(1 for v in scoped.values() if v.get("p95", math.inf) <= 0.300)
        one = (f"; every query limited to one report (`--report`): {n_scoped}/{len(scoped)} within, worst "
               f"{shown(s95)} ({s95[1]})") if scoped else ""
        targets["query_p95"] = (f"per-item queries {n_item}/{len(item)} within, worst {shown(i95)} ({i95[1]}); "
                                f"corpus-wide listings {n_list}/{len(listing)}, worst {shown(l95)} ({l95[1]})"
                                f"{one}{note}", w95[0], scope)
        an = ox.get("analysis_analyze")
        if an is not None:
            targets["analysis"] = (f"{sec(an)} s{note}", an, scope)
        else:
            done = [p for p in ANALYSIS_PARTS if f"analysis_{p}" in ox]
            spent = sum(ox[f"analysis_{p}"] for p in done)
            limit = f"analysis stopped at its limit after {ox['analysis_stopped']:.0f} s" \
                if "analysis_stopped" in ox else f"child stopped after {ox['_process']['wall']:.0f} s"
            targets["analysis"] = (f"not finished{note}: {limit} "
                                   f"(steps done: {', '.join(done) or 'none'}; {spent:.1f} s in them)", math.inf, "")
        peak = ox["_process"]["maxrss"]
        memory = f"{gib(peak)} GiB{note} with the store in memory (build, queries, analysis, views)"
        if "oxigraph_disk" in big:
            on_disk = big["oxigraph_disk"]["_process"]["maxrss"]
            memory += f"; {gib(on_disk)} GiB with the store on disk (build, analysis, views)"
            peak = min(peak, on_disk)
        targets["memory"] = (memory, peak / GIB, scope)
        e_all, e_top, n = exps["build into embedded Oxigraph"]
        if n >= 2:
            targets["exponent"] = (f"{e_all:.2f} over all sizes, {e_top:.2f} between the two largest "
                                   f"({sizes[-2]['size']} → {sizes[-1]['size']} reports)", e_top, scope)

    # ---- serve
    sv = res.get("serve")
    if sv:
        add("## `kg serve` vs `oxigraph serve`")
        add("")
        if "error" in sv:
            add(f"Not measured: {sv['error']}")
        else:
            add(f"Corpus {sv['corpus']}; {sv['requests']} requests from {sv['clients']} concurrent clients "
                f"(at most {sv.get('seconds', a.serve_seconds):g} s per server; threads, one HTTP connection per request, POST `application/sparql-query`), round-robin over "
                f"the {sv['queries']} named queries with parameters bound; "
                + ("no warm-up (quick mode). " if a.quick else "each server warmed up by one pass first. ")
                + "Servers: " + "; ".join(f"`{c}`" for c in sv.get("commands", {}).values())
                + ". `oxigraph serve` reads the "
                "store `oxigraph load` filled with the same N-Quads.")
            add("")
            add("| server | startup s | requests done | requests/s | successful requests/s | p50 ms | p95 ms "
                "| slowest queries (median ms) | errors |")
            add("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
            for key in ("kg", "oxigraph"):
                r = sv.get(key, {})
                if "error" in r:
                    add(f"| {key} | {r['error']} | | | | |")
                    continue
                errs = "; ".join(f"{k} ×{v}" for k, v in sorted(r["errors"].items())) or "0"
                slow = ", ".join(f"{n} {ms(v)}" for n, v in r.get("slowest", []))
                add(f"| {key} | {sec(r['startup'])} | {r['requests']} | {r['throughput']:.2f} | {ok_rate(r):.2f} | "
                    f"{ms(r['p50'])} | {ms(r['p95'])} | {slow} | {errs} |")
            add("")
            kr, orr = ok_rate(sv.get("kg", {})), ok_rate(sv.get("oxigraph", {}))
            rt = ratio(kr, orr)
            add(f"Throughput ratio kg / oxigraph, successful requests only (an error such as a 503 at a time limit "
                f"is not served work): **{fmt_ratio(rt)}**.")
            add("")
            targets["serve"] = (f"{fmt_ratio(rt)} on {sv['corpus']}", rt, "")

    # ---- targets
    add("## Targets")
    add("")
    add("| target | measured | met? |")
    add("| --- | --- | --- |")
    for key, (desc, limit, _unit, op) in TARGETS.items():
        if key not in targets:
            add(f"| {desc} | not measured in this run | – |")
            continue
        text, value, scope = targets[key]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            met = "–"
        elif op == "le":
            met = "met" if value <= limit else f"**missed** ({value / limit:.1f}× the limit)" \
                if not math.isinf(value) else "**missed**"
        else:
            met = "met" if value >= limit else f"**missed** ({value / limit:.2f}× the limit)"
        if scope and met == "met":
            met = f"met {scope}"
        add(f"| {desc} | {text} | {met} |")
    add("")
    if not any("analysis_views" in s.get("oxigraph", {}) for s in res.get("sizes", [])):
        add("Views of the union graph were not timed in this run (the harness times them after the analysis "
            "since 2026-11-26); the demo job times the bundled report's views.")
        add("")
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="kg benchmarks → BENCHMARKS.md")
    p.add_argument("--quick", action="store_true", help="sizes 1,2, few repetitions, short serve run (< 1 min)")
    p.add_argument("--sizes", help="corpus sizes in reports, comma-separated (default 1,10,100,1000; quick 1,2)")
    p.add_argument("--max-size", type=int, help="drop sizes above this")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reps", type=int, help="repetitions per named query (default 20; quick 3)")
    p.add_argument("--min-runs", type=int, help="runs per named query even past the budget (default 2; quick 1)")
    p.add_argument("--budget", type=float, help="seconds per query before repetitions stop (default 5; quick 0.2)")
    p.add_argument("--timeout", type=float, help="time limit of each child process, s (default 3600; quick 60)")
    p.add_argument("--analysis-limit", type=float, help="time limit of a corpus analysis, s (default 600; quick 20)")
    p.add_argument("--shacl-max", type=int, help="run SHACL on corpora up to this size (default 10; quick 1)")
    p.add_argument("--memory-queries-max", type=int,
                   help="time named queries on rdflib memory for corpora up to this size (default 10; quick 0)")
    p.add_argument("--disk-from", type=int, default=1000,
                   help="corpora of this many reports or more are also built into an Oxigraph store on disk "
                        "(`--store oxigraph:DIR`, what the README recommends at that size) and analysed there, "
                        "for its time and peak memory (default 1000)")
    p.add_argument("--memory-max", type=int, default=100,
                   help="build corpora into rdflib memory only up to this size (default 100: 1,000 would not fit)")
    p.add_argument("--no-analysis", action="store_true", help="skip the analysis of corpora")
    p.add_argument("--serve-size", type=int, help="corpus size for the serve benchmark (default: largest ≤ 100)")
    p.add_argument("--serve-requests", type=int, help="requests per server (default 400; quick 60)")
    p.add_argument("--query-limit", type=float,
                   help="stop a named query on Oxigraph after this, s, and go on without it (default 60; quick 10)")
    p.add_argument("--max-restarts", type=int, default=4, help="restarts of the Oxigraph child for --query-limit")
    p.add_argument("--skip-query", action="append", help=argparse.SUPPRESS)
    p.add_argument("--merge-json", metavar="FILE", action="append",
                   help="with --from-json: results of another run whose corpus sizes replace or fill in those of "
                        "--from-json (for a size re-measured on its own)")
    p.add_argument("--serve-seconds", type=float, help="stop starting requests after this, s (default 90; quick 10)")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--request-timeout", type=float, default=60)
    p.add_argument("--skip", default="", help="comma-separated: cold,bundled,demo,corpora,serve")
    p.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    p.add_argument("--json", help="also write the raw results as JSON here")
    p.add_argument("--from-json", metavar="FILE", help="only rewrite --out from results saved with --json")
    p.add_argument("--note", action="append", help="a line to add under Machine (repeatable)")
    # child mode (internal)
    p.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    p.add_argument("--nquads", help=argparse.SUPPRESS)
    p.add_argument("--shacl", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--analysis", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--queries", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--store-dir", help=argparse.SUPPRESS)
    p.add_argument("--no-queries", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)

    q = a.quick
    a.reps = a.reps or (3 if q else 20)
    a.min_runs = a.min_runs or (1 if q else 2)
    a.budget = a.budget or (0.2 if q else 5.0)
    a.timeout = a.timeout or (60.0 if q else 3600.0)
    a.analysis_limit = a.analysis_limit or (20.0 if q else 600.0)
    a.query_limit = a.query_limit or (10.0 if q else 60.0)
    a.shacl_max = a.shacl_max if a.shacl_max is not None else (1 if q else 10)
    a.memory_queries_max = a.memory_queries_max if a.memory_queries_max is not None else (0 if q else 10)
    if a.child:
        CHILDREN[a.child](Recorder(a.result), a)
        return 0

    if a.from_json:
        res = json.loads(Path(a.from_json).read_text(encoding="utf-8"))
        res["notes"] = res.get("notes", []) + (a.note or [])
        taken: dict[str, str] = {}  # what a later run gave → its date (a later run replaces an earlier)
        for extra in a.merge_json or []:
            other = json.loads(Path(extra).read_text(encoding="utf-8"))
            date = other["machine"]["date"]
            by_size = {s["size"]: s for s in res.get("sizes", [])}
            by_size.update({s["size"]: s for s in other.get("sizes", [])})
            res["sizes"] = [by_size[k] for k in sorted(by_size)]
            if other.get("serve") and "error" not in other["serve"]:
                res["serve"] = other["serve"]
                taken["the serve benchmark"] = date
            for key in ("cold_start", "bundled", "demo"):
                if other.get(key):
                    res[key] = other[key]
                    taken[_SECTION[key]] = date
            for size in other.get("sizes", []):
                taken[f"corpus size {size['size']}"] = date
        origin: dict[str, list[str]] = {}
        for what, date in taken.items():
            origin.setdefault(date, []).append(what)
        for date, parts in origin.items():
            res["notes"].append(f"{', '.join(parts)}: measured again in a later run ({date}); these rows come from it")
        a.sizes = [s["size"] for s in res.get("sizes", [])]
        a.serve_seconds = a.serve_seconds or (10.0 if q else 90.0)
        for key, value in res.get("args", {}).items():
            setattr(a, key, value)
        write_report(Path(a.out), res, a)
        print(f"wrote {a.out} from {a.from_json}")
        return 0
    a.sizes = [int(x) for x in (a.sizes or ("1,2" if q else "1,10,100,1000")).split(",") if x.strip()]
    if a.max_size:
        a.sizes = [s for s in a.sizes if s <= a.max_size]
    a.serve_requests = a.serve_requests or (32 if q else 400)
    a.serve_seconds = a.serve_seconds or (10.0 if q else 90.0)
    skip = {s.strip() for s in a.skip.split(",") if s.strip()}
    SCRATCH.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    res: dict = {"machine": machine_info(),
                 "args": {k: getattr(a, k) for k in ("quick", "sizes", "seed", "reps", "budget", "timeout",
                                                     "shacl_max", "memory_queries_max", "serve_seconds", "query_limit",
                                                     "analysis_limit")}}
    if "cold" not in skip:
        print("cold start")
        res["cold_start"] = cold_start(2 if q else 7)
        print(f"  kg --help {res['cold_start']['help']:.2f} s, kg query {res['cold_start']['query']:.2f} s")
    if "bundled" not in skip:
        print("bundled report")
        res["bundled"] = run_child("bundled", ["--data", str(BUNDLED), "--reps", str(a.reps), "--budget",
                                               str(a.budget), "--min-runs", str(a.min_runs)], a.timeout, "bundled")
    if "demo" not in skip:
        res["demo"] = demo_job(1 if q else 3)
        print(f"  demo job {res['demo'].get('one', math.nan):.2f} s (three commands: "
              f"{res['demo'].get('total', math.nan):.2f} s)")
    if "corpora" not in skip:
        res["sizes"] = [bench_size(s, a) for s in a.sizes]
    if "serve" not in skip:
        done = [s for s in res.get("sizes", []) if s["oxigraph_load"].get("rc") == 0]
        if a.serve_size:
            done = [s for s in done if s["size"] == a.serve_size]
        else:
            done = [s for s in done if s["size"] <= 100]
        if done:
            s = done[-1]
            res["serve"] = bench_serve(Path(s["data"]), Path(s["store"]), a)
        else:
            res["serve"] = {"error": "no corpus with an Oxigraph store in this run"}
    res["wall"] = time.perf_counter() - t0
    res["loadavg_end"] = _loadavg()
    res["notes"] = a.note or []
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    write_report(Path(a.out), res, a)
    print(f"wrote {a.out} in {res['wall']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
