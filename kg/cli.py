"""The ``kg`` command line: a thin layer over the library.

Each command parses its arguments and calls one library function. Heavy libraries
are imported inside the command functions so ``kg --help`` answers at once.
Exit codes: 0 ok, 1 invalid data or query, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .errors import KgError, UsageError
from .schema import ANALYSIS_GRAPH

__all__ = ["main", "build_parser"]

CLASS_ORDER = ("Report", "Section")


def _data_dir(args) -> Path:
    if args.data is not None:
        if not Path(args.data).exists():
            raise UsageError(f"--data {args.data}: no such folder")
        return Path(args.data)
    from .api import default_data_dir

    return default_data_dir()


def _print_counts(stats, out) -> None:
    from .schema import ENTITY_TYPES

    width = max(len(c) for c in (*CLASS_ORDER, *ENTITY_TYPES, "Influence"))
    print("  by class:", file=out)
    for cls in (*CLASS_ORDER, *ENTITY_TYPES):
        n = stats.classes.get(cls, 0)
        if n:
            print(f"    {cls:<{width}} {n:>6}", file=out)
    print(f"    {'Influence':<{width}} {stats.influences:>6}", file=out)
    if stats.relations:
        print("  relations:", file=out)
        rwidth = max(len(r) for r in stats.relations)
        for name, n in stats.relations.items():
            print(f"    {name:<{rwidth}} {n:>6}", file=out)
    print(f"  triples: {stats.triples}", file=out)


# --------------------------------------------------------------------------- commands


def cmd_build(args) -> int:
    from .pipeline import build

    data = _data_dir(args)
    result = build(data, args.out, validate=not args.no_shacl, analysis=args.analyze, views=args.views,
                   lang=args.lang)
    out = sys.stdout
    reports = ", ".join(r.id for r in result.kg.reports)
    print(f"Built {len(result.kg.reports)} report(s) from {data}: {reports}", file=out)
    print("SHACL: " + ("skipped (--no-shacl)" if args.no_shacl else "conforms"), file=out)
    _print_counts(result.stats, out)
    print(f"Outputs in {result.out_dir}/:", file=out)
    for path in sorted(set(result.files.values())):
        print(f"    {path}", file=out)
    if result.analysis_files:
        print("Analysis:", file=out)
        for path in result.analysis_files.values():
            print(f"    {path}", file=out)
    if result.view_files:
        print(f"Views: {len(result.view_files)} page(s) in {args.views}/; open {result.view_files['index']} "
              "in a browser (it needs no network)", file=out)
    print("Next:", file=out)
    print(f"    kg stats --data {data}            counts by class and relation", file=out)
    print(f"    kg export --format turtle          the graph on stdout (turtle, jsonld, nt, nq, trig)", file=out)
    print("    python -c 'import kg; print(kg.load().get(\"...\"))'   look an entity up from Python", file=out)
    return 0


def cmd_validate(args) -> int:
    from .api import load
    from .errors import ValidationFailed

    data = _data_dir(args)
    g = load(data)
    if not args.no_shacl:
        report = g.validate(strict=args.strict)
        if not report.conforms:
            raise ValidationFailed(report.violations, report.text)
        for w in report.warnings:
            print(f"warning: {w}", file=sys.stderr)
    n = sum(len(r.entities) + len(r.figures) for r in g.reports)
    print(f"OK: {len(g.reports)} report(s), {n} entities and figures in {data} are valid"
          + ("" if args.no_shacl else " (SHACL conforms" + (", strict)" if args.strict else ")")))
    return 0


def cmd_export(args) -> int:
    from .api import load
    from .pipeline import format_name, serialize

    fmt = format_name(args.format)
    g = load(_data_dir(args))
    text = serialize(g.graph, fmt)
    if args.out in (None, "-"):
        sys.stdout.write(text)
    else:
        out = Path(args.out)
        if out.is_dir():
            raise UsageError(f"--out {out}: is a folder; give a file name")
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
        print(f"wrote {out} ({fmt})", file=sys.stderr)
    return 0


def cmd_stats(args) -> int:
    from .api import load

    g = load(_data_dir(args))
    stats = g.stats()
    if args.json:
        print(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"reports: {', '.join(stats.reports)}")
        _print_counts(stats, sys.stdout)
    return 0


def cmd_queries(args) -> int:
    from .sparql import named_queries

    queries = named_queries()
    if args.json:
        print(json.dumps([{"name": q.name, "title": q.title, "question": q.question, "form": q.form,
                           "params": [{"name": p.name, "default": p.default, "description": p.description}
                                      for p in q.params]} for q in queries.values()], ensure_ascii=False, indent=2))
        return 0
    width = max((len(n) for n in queries), default=0)
    for q in queries.values():
        params = " ".join(f"{p.name}=…" if p.required else f"[{p.name}]" for p in q.params)
        print(f"{q.name:<{width}}  {q.title}" + (f"   ({params})" if params else ""))
    print(f"\n{len(queries)} queries. Run one: kg query NAME [--param name=value] [--format table|csv|tsv|json|jsonl]")
    return 0


def _backend(args):
    from .store import open_backend

    data = _data_dir(args) if args.endpoint is None and (args.store is None or args.store in ("memory", "oxigraph")) \
        else (Path(args.data) if args.data else None)
    if data is None and args.endpoint is None:
        from .api import default_data_dir

        data = default_data_dir()
    backend = open_backend(store=args.store, endpoint=args.endpoint, data=data,
                           update_url=args.update_url, gsp_url=args.gsp_url)
    if getattr(args, "with_analysis", False):
        _store_analysis(backend)
    return backend


def _store_analysis(backend, result: dict | None = None):
    """Analyse the graph behind ``backend`` (unless given a result) and put the results there
    as the named graph kg.schema.ANALYSIS_GRAPH."""
    from .analysis.report import analyze
    from .analysis.writeback import analysis_graph
    from .store import store_graph

    graph = analysis_graph(result if result is not None else analyze(backend))
    store_graph(backend, graph)
    return graph


def _query_source(spec: str):
    """NAME | FILE | - → a NamedQuery (files and stdin may carry a header too)."""
    from .sparql import get_named_query, parse_header

    if spec == "-":
        return parse_header(sys.stdin.read(), "stdin")
    path = Path(spec)
    if path.is_file():
        try:
            return parse_header(path.read_text(encoding="utf-8"), str(path), path)
        except UnicodeDecodeError:
            raise UsageError(f"{spec}: not UTF-8 text") from None
    if path.suffix == ".rq" or "/" in spec:
        raise UsageError(f"{spec}: no such file")
    return get_named_query(spec)


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.isidentifier():
            raise UsageError(f"--param {pair!r}: expected name=value")
        out[name] = value
    return out


def cmd_query(args) -> int:
    from .results import render
    from .store import run_query

    query = _query_source(args.query)
    result = run_query(query, _params(args.param), backend=_backend(args), lang=args.lang, reports=args.report)
    fmt = args.format
    if fmt is None:
        if result.form in ("CONSTRUCT", "DESCRIBE"):
            fmt = "turtle"
        elif result.form == "ASK":
            fmt = "table"  # prints true or false
        else:
            fmt = "table" if sys.stdout.isatty() else "csv"
    try:
        text = render(result, fmt)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.out and args.out != "-":
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_serve(args) -> int:
    from .server import serve

    if args.endpoint:
        raise UsageError("kg serve serves a local store; --endpoint is for kg query and kg push")
    backend = _backend(args)
    views = Path(args.views) if args.views else Path("viz/out")
    server = serve(backend, args.host, args.port, timeout=args.timeout, max_rows=args.max_rows,
                   max_request=args.max_request, allow_update=args.allow_update,
                   views_dir=views if views.is_dir() else None, quiet=not args.verbose)
    print(f"kg SPARQL endpoint at {server.url}/sparql  (query page: {server.url}/ )", flush=True)
    print(f"  store: {backend.name}; updates {'ALLOWED' if args.allow_update else 'refused'}; "
          f"time limit {args.timeout:g} s; max rows {args.max_rows}; Ctrl-C to stop", flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"  warning: listening on {args.host}, reachable from other machines", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _node(G, key: str) -> str:
    """A node of an analysis graph by id, report:id, or label in either language."""
    import difflib

    from .api import EntityNotFound

    if key in G:
        return key
    folded = key.strip().casefold()
    for n, d in G.nodes(data=True):
        if folded in (d.get("id", "").casefold(), d.get("label_zh", "").casefold(), d.get("label_en", "").casefold()):
            return n
    names = list(G) + [d.get(k, "") for _, d in G.nodes(data=True) for k in ("label_en", "label_zh")]
    hint = difflib.get_close_matches(key, names, n=3, cutoff=0.5)
    raise EntityNotFound(f"'{key}' is not in the influence network" + (f"; closest: {', '.join(hint)}" if hint else ""))


def cmd_explain(args) -> int:
    from .analysis.explain import explain
    from .analysis.graphs import influence_graph

    G = influence_graph(_backend(args))
    a, b = _node(G, args.source), _node(G, args.target)
    label = lambda n: G.nodes[n].get(f"label_{args.lang}", n)  # noqa: E731
    paths = explain(G, a, b)
    if args.json:
        print(json.dumps({k: None if p is None else {
            "nodes": list(p.nodes), "effect": p.effect, "polarity": p.polarity,
            "steps": [{"from": s.source, "to": s.target, "polarity": s.polarity, "strength": s.strength,
                       "sections": list(s.sections)} for s in p.steps]} for k, p in paths.items()},
            ensure_ascii=False, indent=2))
        return 0
    if paths["strongest"] is None:
        print(f"{label(a)} does not influence {label(b)}: no path in the influence network")
        return 0
    for kind in ("strongest", "shortest"):
        p = paths[kind]
        print(f"{kind} path: {len(p.steps)} step(s), net effect {p.effect:+.3f} ({p.polarity})")
        for i, s in enumerate(p.steps, 1):
            sign = "+" if s.polarity == "positive" else "−"
            print(f"  {i}. {label(s.source)} → {label(s.target)}  {sign}{s.strength:.2f}  "
                  f"[{', '.join(s.sections)}]")
    return 0


def cmd_analyze(args) -> int:
    from .analysis.graphs import coverage_graph, entity_graph, export_graph, influence_graph
    from .analysis.report import analyze, write_analysis
    from .analysis.writeback import analysis_graph

    backend = _backend(args)
    result = analyze(backend, top=args.top, max_loop_length=args.max_loop_length, split=args.split)
    files = write_analysis(result, args.out, args.lang, graph=analysis_graph(result))
    stored = args.endpoint is not None or ":" in (args.store or "")  # a server or a persistent store
    if stored:
        _store_analysis(backend, result)
    for fmt in args.export or []:
        for name, build in (("influence", influence_graph), ("entities", entity_graph), ("coverage", coverage_graph)):
            files[f"{name}.{fmt}"] = export_graph(build(backend), Path(args.out) / f"{name}.{fmt}", fmt)
    mm = result["micmac"]
    print(f"Analysed the influence network: {result['graph']['nodes']} nodes, {result['graph']['edges']} edges; "
          f"MICMAC {'stable at power ' + str(mm['stable_at']) if mm['converged'] else 'did not settle'}"
          f"{' (attenuated)' if mm.get('attenuation') else ''}; {result['loops']['count']} loops; "
          f"{len(result['communities'])} communities; "
          f"{sum(1 for f in result['audit']['figures'] if f['severity'] == 'inconsistent')} inconsistent figure(s).")
    for path in files.values():
        print(f"    {path}")
    if stored:
        print(f"Results stored in the graph <{ANALYSIS_GRAPH}> of {args.endpoint or args.store}.")
    return 0


def _clamps(pairs: list[str], G) -> dict:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--set {pair!r}: expected ID=VALUE")
        try:
            number = float(value)
        except ValueError:
            raise UsageError(f"--set {pair!r}: the value must be a number (e.g. 1, 0.5, -1)") from None
        out[_node(G, key)] = number
    return out


def cmd_scenario(args) -> int:
    from .analysis.fcm import scenario
    from .analysis.graphs import influence_graph

    G = influence_graph(_backend(args))
    clamp = _clamps(args.set, G)
    try:
        res = scenario(G, clamp, transfer=args.transfer, lam=args.lam, inference=args.inference,
                       threshold=args.threshold, max_steps=args.max_steps)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    label = lambda n: G.nodes[n].get(f"label_{args.lang}", n)  # noqa: E731
    changes = sorted(res.change.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    if args.json:
        print(json.dumps({"clamped": clamp, "baseline_converged": res.baseline_converged,
                          "scenario_converged": res.scenario_converged,
                          "change": {n: {"label": label(n), "baseline": res.baseline[n], "scenario": res.scenario[n],
                                         "change": c} for n, c in changes}}, ensure_ascii=False, indent=1))
        return 0
    print("Scenario: " + ", ".join(f"{label(n)} = {v:g}" for n, v in clamp.items())
          + f"  ({args.transfer}, {args.inference}; baseline {'converged' if res.baseline_converged else 'DID NOT converge'}, "
            f"scenario {'converged' if res.scenario_converged else 'DID NOT converge'})")
    shown = [(n, c) for n, c in changes if n not in clamp and abs(c) >= 0.0005][: args.top]
    width = max((len(label(n)) for n, _ in shown), default=10)
    for n, c in shown:
        print(f"  {c:+.3f}  {label(n):<{width}}  ({res.baseline[n]:.3f} → {res.scenario[n]:.3f})")
    if not shown:
        print("  nothing else changes")
    return 0


def cmd_viz(args) -> int:
    from .viz import write_views

    clamp = {}
    for pair in args.set or []:
        key, sep, value = pair.partition("=")
        try:
            if not sep:
                raise ValueError
            clamp[key] = float(value)
        except ValueError:
            raise UsageError(f"--set {pair!r}: expected ID=VALUE with a number (e.g. fraud=1)") from None
    entities = False if args.no_entity_pages else (args.entity or True)
    files = write_views(_backend(args), args.out, lang=args.lang, hops=args.hops, max_nodes=args.max_nodes or None,
                        scenario=clamp or None, entities=entities, max_entities=args.max_entities or None,
                        scenario_options={"transfer": args.transfer, "inference": args.inference})
    print(f"Wrote {len(files)} page(s) to {args.out}/")
    for key in ("index", "overview", "influence", "micmac", "coverage", "scenario", "entities"):
        if key in files:
            print(f"    {files[key]}" + ("   (one view per entity: entities.html#<id>)" if key == "entities" else ""))
    print(f"Open {files['index']} in a browser (it needs no network).")
    return 0


def cmd_push(args) -> int:
    from .api import load
    from .store import push

    g = load(_data_dir(args))
    if args.with_analysis:
        g.add_analysis()
    graphs = push(g, endpoint=args.endpoint, gsp_url=args.gsp_url, update_url=args.update_url, store=args.store)
    target = args.store or args.gsp_url or args.update_url or args.endpoint
    print(f"pushed {len(graphs)} graph(s) to {target}:")
    for iri in graphs:
        print(f"    {iri}")
    return 0


# --------------------------------------------------------------------------- parser


def _at_least(minimum: int):
    """argparse type: a whole number, ``minimum`` or more."""
    def whole(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            n = minimum - 1
        if n < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number, {minimum} or more, not {text!r}")
        return n
    return whole


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="kg: strategy reports as an RDF knowledge graph (build, validate, export, stats).",
        epilog="Without --data, kg reads ./data when it holds reports, else the bundled dataset.",
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def data_option(p):
        p.add_argument("--data", metavar="DIR", help="folder of report folders, or one report folder")

    p = sub.add_parser("build", help="validate the data and write the graph in every format")
    data_option(p)
    p.add_argument("--out", metavar="DIR", default="build", help="output folder (default: build)")
    p.add_argument("--no-shacl", action="store_true", help="skip the SHACL check")
    p.add_argument("--analyze", action="store_true",
                   help="also analyse the influence network into OUT/analysis (as kg analyze does)")
    p.add_argument("--views", metavar="DIR", help="also write the HTML views into DIR (as kg viz does)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the analysis summary and views")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check the data (models, references, SHACL) without writing")
    data_option(p)
    shacl = p.add_mutually_exclusive_group()
    shacl.add_argument("--no-shacl", action="store_true", help="skip the SHACL check")
    shacl.add_argument("--strict", action="store_true",
                       help="also run the SPARQL integrity shapes (ontology/integrity.ttl; slower)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="write the graph in one RDF format to stdout or a file")
    data_option(p)
    p.add_argument("--format", "-f", default="turtle",
                   help="turtle|jsonld|ntriples|nquads|trig (aliases ttl, nt, nq, json-ld); default turtle")
    p.add_argument("--out", "-o", metavar="FILE", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_export)

    def store_options(p):
        p.add_argument("--store", metavar="KIND", help="oxigraph (default: Oxigraph in memory), memory (rdflib's engine), or oxigraph:DIR (persistent)")
        p.add_argument("--endpoint", metavar="URL", help="a SPARQL 1.1 query endpoint (e.g. http://127.0.0.1:7878/query)")
        p.add_argument("--update-url", metavar="URL", help="the server's SPARQL update endpoint")
        p.add_argument("--gsp-url", metavar="URL", help="the server's Graph Store Protocol endpoint (Oxigraph: /store)")

    def analysis_option(p):
        p.add_argument("--with-analysis", action="store_true",
                       help=f"run kg analyze first and add its results as the graph <{ANALYSIS_GRAPH}>")

    p = sub.add_parser("queries", help="list the named SPARQL queries")
    p.add_argument("--json", action="store_true", help="print JSON (names, titles, questions, parameters)")
    p.set_defaults(func=cmd_queries)

    p = sub.add_parser("query", help="run a named query, a .rq file, or a query on stdin (-)")
    p.add_argument("query", metavar="NAME|FILE|-")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE",
                   help="bind a parameter as an RDF term: <iri>, prefix:name, \"text\"@en, 42, or a bare word")
    p.add_argument("--format", "-f", choices=["table", "csv", "tsv", "json", "jsonl", "xml",
                                               "turtle", "ttl", "jsonld", "json-ld", "ntriples", "nt"],
                   help="SELECT/ASK: table (default on a terminal), csv (default otherwise), tsv, json, jsonl, "
                        "xml; CONSTRUCT/DESCRIBE: turtle (default), jsonld, ntriples")
    p.add_argument("--lang", choices=["zh", "en"], help="label language for queries that return labels")
    p.add_argument("--report", action="append", metavar="ID",
                   help="only this report (repeatable): its graph is the query's default graph, so a listing "
                        "in a store of many reports costs what one report costs")
    p.add_argument("--out", "-o", metavar="FILE", help="write to a file instead of stdout")
    data_option(p)
    store_options(p)
    analysis_option(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("serve", help="a SPARQL 1.1 Protocol endpoint over HTTP, with a query page and the views")
    data_option(p)
    store_options(p)
    analysis_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--timeout", type=float, default=10.0, help="per-query time limit in seconds (default 10)")
    p.add_argument("--max-rows", type=int, default=100_000, help="largest result served (default 100000)")
    p.add_argument("--max-request", type=int, default=1_000_000, help="largest request body in bytes")
    p.add_argument("--allow-update", action="store_true", help="accept SPARQL updates at /update (off by default)")
    p.add_argument("--views", metavar="DIR", help="folder of HTML views to serve at /views/ (default viz/out)")
    p.add_argument("--verbose", action="store_true", help="log every request")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("explain", help="the strongest and shortest influence paths from A to B")
    p.add_argument("source", metavar="A", help="entity id or label (zh or en)")
    p.add_argument("target", metavar="B", help="entity id or label (zh or en)")
    p.add_argument("--lang", choices=["zh", "en"], default="en", help="label language (default en)")
    p.add_argument("--json", action="store_true", help="print JSON")
    data_option(p)
    store_options(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("analyze", help="influence analysis and report audit: Markdown and JSON")
    p.add_argument("--out", default="build/analysis", metavar="DIR", help="output folder (default build/analysis)")
    p.add_argument("--lang", choices=["zh", "en"], default="en", help="label language of the Markdown report")
    p.add_argument("--top", type=_at_least(0), default=10, help="rows per ranking (default 10)")
    p.add_argument("--max-loop-length", type=_at_least(1), default=5, help="longest feedback loop to look for (default 5)")
    p.add_argument("--split", choices=["mean", "median"], default="mean", help="MICMAC quadrant split")
    p.add_argument("--export", action="append", choices=["graphml", "gexf", "json"],
                   help="also write the influence, entity and coverage graphs in this format (repeatable)")
    data_option(p)
    store_options(p)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("scenario", help="what if? clamp concepts of the fuzzy cognitive map and compare")
    p.add_argument("--set", action="append", required=True, metavar="ID=VALUE",
                   help="hold a concept at a value every step (id or label; repeatable)")
    p.add_argument("--transfer", choices=["sigmoid", "tanh", "bivalent", "trivalent"], default="tanh")
    p.add_argument("--lam", type=float, default=1.0, help="steepness λ of sigmoid/tanh (default 1)")
    p.add_argument("--inference", choices=["kosko", "modified-kosko", "rescaled"], default="kosko",
                   help="update rule (default kosko; rescaled expects sigmoid)")
    p.add_argument("--threshold", type=float, default=0.001, help="convergence threshold (default 0.001)")
    p.add_argument("--max-steps", type=int, default=100)
    p.add_argument("--top", type=_at_least(0), default=20, help="changes to show (default 20)")
    p.add_argument("--lang", choices=["zh", "en"], default="en")
    p.add_argument("--json", action="store_true", help="print JSON")
    data_option(p)
    store_options(p)
    p.set_defaults(func=cmd_scenario)

    p = sub.add_parser("viz", help="interactive HTML views (offline): overview, influence, MICMAC, coverage, entities")
    p.add_argument("--out", default="viz/out", metavar="DIR", help="output folder (default viz/out; replaced as a whole)")
    p.add_argument("--lang", choices=["zh", "en"], default="en", help="label and page language (tooltips show both)")
    p.add_argument("--hops", type=int, default=1,
                   help="neighbourhood radius of the entity views in entities.html (default 1)")
    p.add_argument("--max-nodes", type=int, default=400, metavar="N",
                   help="most nodes per view or per entity neighbourhood; larger graphs keep the most central, "
                        "with a note (0: no cap)")
    p.add_argument("--max-entities", type=int, default=5000, metavar="N",
                   help="most entity views in entities.html; beyond it the most connected are kept, with a note "
                        "(0: no cap)")
    p.add_argument("--set", action="append", metavar="ID=VALUE",
                   help="also write scenario.html: hold a concept at a value (id or label; repeatable)")
    p.add_argument("--transfer", choices=["sigmoid", "tanh", "bivalent", "trivalent"], default="tanh",
                   help="scenario transfer function (default tanh)")
    p.add_argument("--inference", choices=["kosko", "modified-kosko", "rescaled"], default="kosko",
                   help="scenario update rule (default kosko)")
    pages = p.add_mutually_exclusive_group()
    pages.add_argument("--entity", action="append", metavar="ID",
                       help="views in entities.html for these entities only (id or label; repeatable)")
    pages.add_argument("--no-entity-pages", action="store_true", help="write no entity explorer (entities.html)")
    data_option(p)
    store_options(p)
    p.set_defaults(func=cmd_viz)

    p = sub.add_parser("push", help="load the graph into a SPARQL server or a persistent Oxigraph store")
    data_option(p)
    store_options(p)
    analysis_option(p)
    p.set_defaults(func=cmd_push)

    p = sub.add_parser("stats", help="counts by class and relation")
    data_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)
    return parser


def console() -> None:
    """The ``kg`` command (and ``python -m kg``): :func:`main`, then the exit.

    The objects the command made are handed to :func:`gc.freeze` first, so that the cycle
    collector's passes while the interpreter shuts down skip them: those passes took 0.4 s
    after ``kg build --analyze --views`` on the bundled report, a fifth of the whole job.
    Nothing else changes (files are closed, exit handlers run)."""
    import gc

    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except KgError as exc:
        print(f"error: {exc}" if isinstance(exc, UsageError) else str(exc), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `kg export | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
