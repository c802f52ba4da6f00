"""The library API: ``kg.load()`` gives a :class:`KnowledgeGraph`.

>>> import kg
>>> g = kg.load()                        # the bundled dataset     # doctest: +SKIP
>>> g.get("Alipay").label.zh             # by id or label, zh or en # doctest: +SKIP
'支付寶'
>>> [e.id for e in g.entities("Driver")][:2]                        # doctest: +SKIP
['e-commerce-growth', 'mobile-internet-penetration']
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .errors import KgError, UsageError
from .loader import SourceMap, find_report_dirs, load_data
from .model import Entity, Figure, Report
from .schema import ENTITY_TYPES, RELATIONS

if TYPE_CHECKING:
    from rdflib import Dataset

    from .shacl import ShaclReport

__all__ = ["KnowledgeGraph", "EntityNotFound", "Stats", "load", "default_data_dir"]


class EntityNotFound(KgError, KeyError):
    """No entity has that id or label."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


@dataclass(frozen=True)
class Stats:
    """Counts of a graph: triples, nodes by class, relations by type, influences."""

    triples: int
    reports: tuple[str, ...]
    classes: dict[str, int]
    relations: dict[str, int]
    influences: int

    def as_dict(self) -> dict:
        return {"triples": self.triples, "reports": list(self.reports), "classes": self.classes,
                "relations": self.relations, "influences": self.influences}


def default_data_dir() -> Path:
    """``./data`` when the working directory has report folders there, else the bundled data."""
    from .resources import bundled_data_dir

    here = Path("data")
    if here.is_dir() and find_report_dirs(here):
        return here
    return bundled_data_dir()


def load(path: str | Path | None = None) -> "KnowledgeGraph":
    """Load reports from a data folder (default: the bundled dataset) into a graph.

    Parameters
    ----------
    path : str or Path, optional
        A folder of report folders, or one report folder. ``None`` loads the datasets
        that ship with kg.

    Raises
    ------
    DataError
        When a file is invalid; the message lists every problem with file and line.

    Examples
    --------
    >>> import kg
    >>> g = kg.load("tests/fixtures/data")   # doctest: +SKIP
    >>> g.stats().classes["Driver"]          # doctest: +SKIP
    2
    """
    from .resources import bundled_data_dir

    data_dir = Path(path) if path is not None else bundled_data_dir()
    source_map = SourceMap()
    return KnowledgeGraph(load_data(data_dir, source_map), source_map=source_map)


class KnowledgeGraph:
    """One or more reports as an RDF dataset (one named graph per report), plus models.

    Build it with :func:`kg.load`. The rdflib :class:`~rdflib.Dataset` is in
    :attr:`graph`; queries on it see the union of all reports.
    """

    def __init__(self, reports: list[Report], source_map: SourceMap | None = None, dataset: "Dataset | None" = None):
        self.reports: list[Report] = sorted(reports, key=lambda r: r.id)
        self.source_map = source_map or SourceMap()
        self._dataset = dataset

    @classmethod
    def from_dataset(cls, dataset: "Dataset") -> "KnowledgeGraph":
        """Wrap an existing RDF dataset (for instance one parsed from ``graph.trig``)."""
        from .rdf import reports_from_dataset

        return cls(reports_from_dataset(dataset), dataset=dataset)

    # -- RDF -------------------------------------------------------------------------

    @property
    def graph(self) -> "Dataset":
        """The rdflib Dataset: one named graph per report, queries see their union."""
        if self._dataset is None:
            from .rdf import build_dataset

            self._dataset = build_dataset(self.reports)
        return self._dataset

    @property
    def has_dataset(self) -> bool:
        """Whether :attr:`graph` has been made (or given). Until then the RDF is exactly what
        the builder makes of :attr:`reports`, and the Oxigraph copy and :meth:`stats` are
        made from the reports without it."""
        return self._dataset is not None

    def report_graph(self, report_id: str):
        """The named graph of one report."""
        from .rdf import ReportIRIs

        self._report(report_id)
        return self.graph.graph(ReportIRIs(report_id).graph)

    def serialize(self, format: str = "turtle") -> str:
        """The graph as text in an RDF syntax (see :data:`kg.pipeline.FORMATS`)."""
        from .pipeline import serialize

        return serialize(self.graph, format)

    def query(self, query: str, params: dict | None = None, lang: str | None = None,
              reports: list[str] | None = None, **kw):
        """Run a named query or SPARQL text on this graph; parameters are bound as RDF terms.

        Returns a :class:`kg.store.QueryResult`: ``.dicts()`` gives rows as dicts of plain
        values, ``.rows`` as rdflib terms, ``.raw`` the engine's own result (rdflib's, a
        server's JSON, Oxigraph's ASK answer; not Oxigraph's spent iterators). Queries run on
        :meth:`backend` (Oxigraph by default); ``reports`` (ids) limits them to those reports.

        >>> g = kg.load()                                                    # doctest: +SKIP
        >>> g.query("entity-facts", entity="alipay", lang="zh").dicts()[:1]  # doctest: +SKIP
        >>> g.query("SELECT ?d WHERE { ?d a kgo:Driver }").dicts()           # doctest: +SKIP
        """
        from .store import run_query

        return run_query(query, {**(params or {}), **kw}, backend=self.backend(), lang=lang, reports=reports)

    def backend(self, store: str | None = None):
        """The query backend over this graph (what :meth:`query`, the analysis and the views use).

        ``store="oxigraph"`` (the default when pyoxigraph is installed, see
        :func:`kg.store.default_store`) answers from an Oxigraph copy of :attr:`graph` held in
        memory, made on first use and made again when the graph's named graphs change size
        (so after :meth:`add_analysis` or your own additions; the backend's ``graph`` is that
        pyoxigraph Store); ``store="memory"`` runs rdflib's engine on :attr:`graph` itself.
        """
        from .store import GraphBackend, default_store, parse_store

        kind, directory = parse_store(store or default_store())
        if kind == "memory":
            return GraphBackend(self.graph, "memory")
        if directory:
            raise UsageError("KnowledgeGraph.backend: a persistent store is opened with kg.store.open_backend")
        stamp = self._stamp()
        cached = self.__dict__.get("_oxigraph")
        if cached is None or cached[0] != stamp:
            cached = self._oxigraph = (stamp, GraphBackend(self._oxigraph_copy(), "oxigraph"))
        return cached[1]

    def _oxigraph_copy(self):
        """A pyoxigraph Store holding the graph: until the rdflib Dataset is made, each
        report's quads straight from the builder (indexing them in rdflib first cost more
        than the copy). A bare Store, not an rdflib Dataset around it: the backend asks
        Oxigraph directly, and oxrdflib's import took a tenth of the demo job."""
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_extend(self._ox_quads())
        return store

    def _ox_quads(self) -> list:
        """The RDF as pyoxigraph quads, one named graph per report: from :attr:`graph` once it
        is made, else each report's straight from the builder (as the build workers make them)."""
        from .store import _report_quads, ox_quads

        if self._dataset is None:
            return [q for report in self.reports for q in _report_quads(report)]
        return ox_quads(self._dataset)

    def add_analysis(self, result: dict | None = None, **options) -> dict:
        """Run the influence analysis (or take a result) and add it to the graph as the named
        graph :data:`kg.schema.ANALYSIS_GRAPH`, replacing an earlier one.

        Its scores, MICMAC classes, communities, loops and audit findings can then be queried
        next to the facts. ``options`` go to :func:`kg.analysis.report.analyze`. Returns the
        result dict.

        >>> g = kg.load()                                                        # doctest: +SKIP
        >>> _ = g.add_analysis()                                                 # doctest: +SKIP
        >>> g.query("SELECT ?e WHERE { ?e kgo:micmacClass kgo:Influential }")    # doctest: +SKIP
        """
        from .analysis.report import analyze
        from .analysis.writeback import analysis_graph

        if result is None:
            result = analyze(self, **options)
        from .store import GraphBackend, store_graph

        store_graph(GraphBackend(self.graph), analysis_graph(result))
        self.__dict__.pop("_oxigraph", None)
        return result

    def validate(self, strict: bool = False) -> "ShaclReport":
        """Check the graph against the SHACL shapes; messages point at the YAML lines.

        ``strict`` also runs the integrity shapes (see :func:`kg.shacl.validate_graph`).
        Before :attr:`graph` is built, the check reads a plain graph of all reports' triples
        made for it (the union it needs, without building the named graphs first).
        """
        from .shacl import validate_graph

        if self._dataset is not None:
            data = self._dataset
        else:
            from .rdf import build_union_graph

            data = build_union_graph(self.reports)
        return validate_graph(data, where=self._where, strict=strict)

    def _where(self, iri) -> str | None:
        from .schema import DATA_NS

        key = str(iri)[len(DATA_NS):].replace("/entity/", "/", 1)
        return self.source_map.where(key) if key in self.source_map.items else None

    # -- models ----------------------------------------------------------------------

    def _report(self, report_id: str | None) -> list[Report]:
        if report_id is None:
            return self.reports
        found = [r for r in self.reports if r.id == report_id]
        if not found:
            raise EntityNotFound(f"no report '{report_id}'; reports: {', '.join(r.id for r in self.reports)}")
        return found

    def entities(self, type: str | None = None, report: str | None = None) -> list[Entity | Figure]:
        """Entities (and figures) as pydantic models, optionally of one class, sorted by id.

        >>> [e.label.en for e in kg.load().entities("Region")][:3]   # doctest: +SKIP
        """
        if type is not None and type not in ENTITY_TYPES:
            hint = difflib.get_close_matches(type, ENTITY_TYPES, n=1)
            raise EntityNotFound(f"no entity type '{type}'" + (f"; did you mean {hint[0]}?" if hint else ""))
        out: list[Entity | Figure] = []
        for r in self._report(report):
            if type in (None, "MarketMetric"):
                out.extend(r.figures)
            if type != "MarketMetric":
                out.extend(e for e in r.entities if type is None or e.type == type)
        return sorted(out, key=lambda e: e.id)

    def __iter__(self) -> Iterator[Entity | Figure]:
        return iter(self.entities())

    def get(self, key: str, report: str | None = None) -> Entity | Figure:
        """Look an entity up by id, or by a label or alternative label in zh or en.

        English matching ignores case. Raises :class:`EntityNotFound` with the closest
        names when nothing matches.

        >>> kg.load().get("支付寶").id                 # doctest: +SKIP
        'alipay'
        """
        items = self.entities(report=report)
        for item in items:
            if item.id == key:
                return item
        folded = key.strip().casefold()
        for item in items:
            names = [item.label.zh, item.label.en]
            if item.alt_labels:
                names += [*item.alt_labels.zh, *item.alt_labels.en]
            if any(n.casefold() == folded for n in names):
                return item
        choices = {item.id: item for item in items}
        choices.update({item.label.en: item for item in items})
        choices.update({item.label.zh: item for item in items})
        hint = difflib.get_close_matches(key, list(choices), n=3, cutoff=0.5)
        raise EntityNotFound(f"no entity with id or label '{key}'" + (f"; closest: {', '.join(hint)}" if hint else ""))

    def _stamp(self):
        """What the Oxigraph copy was made from: the reports, or the sizes of the graphs."""
        if self._dataset is None:
            return "reports"
        return tuple(sorted((str(g.identifier), len(g)) for g in self._dataset.graphs()))

    def stats(self) -> Stats:
        """Counts by class and relation, read from the RDF graph."""
        from rdflib import RDF

        from .rdf import KGO

        cached = self.__dict__.get("_oxigraph")
        if self._dataset is None and cached is not None:  # (a copy of the reports: no Dataset made for this)
            return self._stats_of_copy(cached[1].graph)
        g = self.graph
        classes = Counter()
        for cls in ("Report", "Section", *ENTITY_TYPES):
            classes[cls] = sum(1 for _ in g.subjects(RDF.type, KGO[cls]))
        prop_names = {KGO[r.prop]: name for name, r in RELATIONS.items()}
        relations = Counter()
        for a in g.subjects(RDF.type, KGO.Assertion):
            relations[prop_names[g.value(a, RDF.predicate)]] += 1
        return Stats(
            triples=len(g),
            reports=tuple(r.id for r in self.reports),
            classes=dict(classes),
            relations={name: relations[name] for name in RELATIONS if relations[name]},
            influences=sum(1 for _ in g.subjects(RDF.type, KGO.Influence)),
        )

    def _stats_of_copy(self, store) -> Stats:
        """:meth:`stats`, counted by Oxigraph in the copy (a pyoxigraph Store) :meth:`backend`
        made of the reports."""
        from rdflib import RDF

        from .schema import ONTOLOGY_NS as kgo

        rdf = str(RDF)

        def counts(query: str) -> dict[str, int]:
            return {row[0].value: int(row[1].value) for row in store.query(query)}

        by_class = counts(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{rdf}type> ?c }} }} GROUP BY ?c")
        by_prop = counts(f"SELECT ?p (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH ?g {{ ?a <{rdf}type> <{kgo}Assertion> ; "
                         f"<{rdf}predicate> ?p }} }} GROUP BY ?p")
        triples = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")))
        return Stats(
            triples=int(triples[0].value),
            reports=tuple(r.id for r in self.reports),
            classes={cls: by_class.get(kgo + cls, 0) for cls in ("Report", "Section", *ENTITY_TYPES)},
            relations={name: by_prop[kgo + r.prop] for name, r in RELATIONS.items() if by_prop.get(kgo + r.prop)},
            influences=by_class.get(kgo + "Influence", 0),
        )

    def __repr__(self) -> str:
        return f"<KnowledgeGraph reports={[r.id for r in self.reports]}>"
