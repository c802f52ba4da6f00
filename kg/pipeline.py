"""``kg build``: data → validated graph → files, written all-or-nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .api import KnowledgeGraph, Stats, load
from .errors import UsageError, ValidationFailed
from .procs import collector_paused

__all__ = ["FORMATS", "BuildResult", "serialize", "serialize_many", "build", "write_outputs"]

#: Output formats: name → (pyoxigraph ``RdfFormat`` member, file name, carries named graphs)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "turtle": ("TURTLE", "graph.ttl", False),
    "jsonld": ("JSON_LD", "graph.jsonld", False),
    "ntriples": ("N_TRIPLES", "graph.nt", False),
    "nquads": ("N_QUADS", "graph.nq", True),
    "trig": ("TRIG", "graph.trig", True),
}
ALIASES = {"ttl": "turtle", "json-ld": "jsonld", "nt": "ntriples", "nq": "nquads"}


def format_name(name: str) -> str:
    """Canonical output format name, accepting the usual aliases (ttl, nt, nq, json-ld)."""
    canonical = ALIASES.get(name.lower(), name.lower())
    if canonical not in FORMATS:
        raise UsageError(f"unknown format '{name}'; expected one of: {', '.join(FORMATS)} (or {', '.join(ALIASES)})")
    return canonical


def serialize(dataset, format: str) -> str:
    """Serialise a Dataset (or a named Graph): triple formats get the union of the graphs,
    quad formats keep the named graphs.

    Oxigraph's serialisers write the text (an order of magnitude faster than rdflib's) from
    the triples sorted by subject, predicate and object, so the same data always gives the
    same file; N-Triples and N-Quads lines are sorted as text. Turtle and TriG use the
    prefixes bound in ``dataset`` that the data needs.
    """
    return serialize_many(dataset, [format])[format_name(format)]


def serialize_many(dataset, formats, quads=None) -> dict[str, str]:
    """:func:`serialize` in several formats at once (the data is read and sorted once).
    ``quads``: the dataset's quads as pyoxigraph quads, where the caller has them already;
    the prefixes still come from ``dataset``."""
    import pyoxigraph as ox

    from .store import ox_quads

    names = [format_name(f) for f in formats]
    quads = sorted(ox_quads(dataset) if quads is None else quads, key=_order)
    triples = None
    prefixes = None
    out = {}
    for name in names:
        if FORMATS[name][2]:
            items = quads
        else:
            if triples is None:
                triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=_order)
            items = triples
        options = {}
        if name in ("turtle", "trig"):
            prefixes = _used_prefixes(dataset.namespaces(), quads) if prefixes is None else prefixes
            options["prefixes"] = prefixes
        text = ox.serialize(items, format=getattr(ox.RdfFormat, FORMATS[name][0]), **options).decode("utf-8")
        if name in ("ntriples", "nquads"):
            lines = sorted(line for line in text.splitlines() if line.strip())
            text = "\n".join(lines) + "\n"
        out[name] = text
    return out


def _serialize_kg(g: KnowledgeGraph, formats) -> dict[str, str]:
    """:func:`serialize_many` of a KnowledgeGraph's RDF, straight from the builder where its
    rdflib Dataset has not been made (what :meth:`KnowledgeGraph.backend` reads too): the
    same triples and prefixes, without indexing them in rdflib first."""
    if g.has_dataset:
        return serialize_many(g.graph, formats)
    from rdflib import Graph

    from .rdf import bind_prefixes

    prefixes = Graph()
    bind_prefixes(prefixes, [r.id for r in g.reports])
    return serialize_many(prefixes, formats, quads=g._ox_quads())


def _order(item) -> tuple:
    graph = getattr(item, "graph_name", None)
    return ("" if graph is None else str(graph), str(item.subject), str(item.predicate), str(item.object))


def _used_prefixes(namespaces, items) -> dict[str, str]:
    """The (prefix, namespace) pairs of ``namespaces`` (a dataset's bound ones, say) whose
    namespace some IRI of ``items`` starts with, by prefix."""
    iris = set()
    for item in items:
        for t in (item.subject, item.predicate, item.object, getattr(item, "graph_name", None)):
            value = getattr(t, "value", None)
            if value is not None and type(t).__name__ == "NamedNode":
                iris.add(value.rsplit("#", 1)[0] + "#" if "#" in value else value.rsplit("/", 1)[0] + "/")
    out = {}
    for prefix, ns in sorted(namespaces):
        ns = str(ns)
        if prefix and any(iri.startswith(ns) for iri in iris):
            out[prefix] = ns
    return out


@dataclass
class BuildResult:
    """What a build produced."""

    kg: KnowledgeGraph
    out_dir: Path
    files: dict[str, Path]
    stats: Stats
    shacl_conforms: bool
    #: the analysis result, when the build ran it (``analysis=True``)
    analysis: dict | None = None
    #: analysis files and view pages written, by name
    analysis_files: dict[str, Path] = field(default_factory=dict)
    view_files: dict[str, Path] = field(default_factory=dict)


@collector_paused()
def build(data: str | Path | None = None, out: str | Path = "build", validate: bool = True,
          analysis: bool = False, views: str | Path | None = None, lang: str = "en") -> BuildResult:
    """Load, validate (pydantic, then SHACL) and write every output format; optionally
    analyse the graph and write the views too — the whole job in one process.

    Parameters
    ----------
    data : folder of reports (default: ``./data`` or the bundled dataset)
    out : output folder of the graph files (``analysis/`` goes inside it)
    validate : run SHACL (pydantic checks always run)
    analysis : also run :func:`kg.analysis.report.analyze` and write ``OUT/analysis/``
        (``analysis.json``, ``analysis.md``, ``analysis.trig``)
    views : also write the HTML views into this folder (needs the analysis, which is then
        run whether or not ``analysis`` is set)
    lang : language of the analysis summary and of the views

    SHACL runs in a forked child process while this one writes the formats, analyses and
    lays out the views (two cores: about half the time). Nothing is written unless
    everything validates, and outputs replace the previous ones only once all of them are
    complete, so a failing build leaves the last good build in place.

    Examples
    --------
    >>> result = build("tests/fixtures/data", "/tmp/kg-out")   # doctest: +SKIP
    >>> sorted(p.name for p in result.files.values())[:2]       # doctest: +SKIP
    ['graph.jsonld', 'graph.nq']
    """
    g = load(data)
    if views is not None:
        from .viz.views import check_views_folder

        check_views_folder(views)  # before any work: a wrong folder is a usage error
    pending = None
    if validate:
        from .shacl import validate_in_background

        pending = validate_in_background(g)
    texts = result = pages = analysis_text = None
    if analysis or views is not None:
        from .analysis.graphs import Memo
        from .analysis.report import analyze

        texts = _serialize_kg(g, FORMATS)
        backend = Memo(g.backend())  # the analysis and the views share their queries
        result = analyze(backend)
        if views is not None:
            from .viz.views import build_views

            pages = build_views(backend, lang=lang, analysis=result)
        if analysis:
            from .analysis.report import analysis_texts
            from .analysis.writeback import analysis_graph

            # (made while SHACL may still run beside: only the writing waits for it)
            analysis_text = analysis_texts(result, lang, analysis_graph(result))
    if texts is None:
        texts = _serialize_kg(g, FORMATS)
    shacl = None
    if validate:
        shacl = pending.result()
        if not shacl.conforms:
            raise ValidationFailed(shacl.violations, shacl.text)
    stats = g.stats()
    files = write_outputs(g, Path(out), stats, shacl, texts=texts)
    built = BuildResult(g, Path(out), files, stats, shacl is None or shacl.conforms, analysis=result)
    if analysis:
        from .analysis.report import write_analysis

        built.analysis_files = write_analysis(result, Path(out) / "analysis", lang, texts=analysis_text)
    if pages is not None:
        from .viz.views import write_pages

        built.view_files = write_pages(pages, views)
    return built


def write_outputs(g: KnowledgeGraph, out_dir: Path, stats: Stats, shacl=None,
                  texts: dict[str, str] | None = None) -> dict[str, Path]:
    """Write all formats (``texts``: already serialised, by format name), the SHACL report
    and a manifest into ``out_dir`` atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out_dir))
    try:
        written: dict[str, Path] = {}
        texts = texts or serialize_many(g.graph, FORMATS)
        for name, (_, filename, _) in FORMATS.items():
            (staging / filename).write_text(texts[name], encoding="utf-8")
            written[name] = out_dir / filename
        if shacl is not None:
            shacl.graph.serialize(staging / "shacl-report.ttl", format="turtle", encoding="utf-8")
            (staging / "shacl-report.txt").write_text(shacl.text, encoding="utf-8")
            written["shacl-report"] = out_dir / "shacl-report.ttl"
        manifest = {
            "generator": "kg",
            "reports": [{"id": r.id, "title": r.title.model_dump(), "graph": _graph_iri(r.id)} for r in g.reports],
            "stats": stats.as_dict(),
            "shacl_conforms": None if shacl is None else shacl.conforms,
            "files": sorted(p.name for p in written.values()) + (["shacl-report.txt"] if shacl else []),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written["manifest"] = out_dir / "manifest.json"
        # every file is complete: move them into place (os.replace is atomic per file)
        for item in staging.iterdir():
            os.replace(item, out_dir / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _graph_iri(report_id: str) -> str:
    from .rdf import ReportIRIs

    return str(ReportIRIs(report_id).graph)
