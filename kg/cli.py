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
    result = build(data, args.out, validate=not args.no_shacl)
    out = sys.stdout
    reports = ", ".join(r.id for r in result.kg.reports)
    print(f"Built {len(result.kg.reports)} report(s) from {data}: {reports}", file=out)
    print("SHACL: " + ("skipped (--no-shacl)" if args.no_shacl else "conforms"), file=out)
    _print_counts(result.stats, out)
    print(f"Outputs in {result.out_dir}/:", file=out)
    for path in sorted(set(result.files.values())):
        print(f"    {path}", file=out)
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


# --------------------------------------------------------------------------- parser


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

    p = sub.add_parser("stats", help="counts by class and relation")
    data_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)
    return parser


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
