"""Models ⇄ RDF. The RDF graph is the hub: everything downstream reads it.

``docs/rdf-mapping.md`` describes the triples written here; ``report_from_graph``
reads them back so a round trip loses nothing.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Iterable

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from .model import (
    AltLabels,
    Entity,
    Figure,
    Growth,
    Influence,
    RelationDef,
    Report,
    SectionDef,
    Text,
    Truncation,
)
from .procs import collector_paused
from .schema import DATA_NS, ONTOLOGY_NS, RELATIONS

__all__ = ["KGO", "ReportIRIs", "TripleList", "bind_prefixes", "build_dataset", "add_report", "report_from_graph", "reports_from_dataset"]

KGO = Namespace(ONTOLOGY_NS)
_PROP_TO_RELATION = {KGO[r.prop]: name for name, r in RELATIONS.items()}


class ReportIRIs:
    """The IRIs of one report's report node, named graph, entities and sections."""

    def __init__(self, report_id: str):
        self.id = report_id
        self.base = f"{DATA_NS}{report_id}"
        self.report = URIRef(self.base)
        self.graph = URIRef(f"{self.base}/graph")
        self.entity_ns = Namespace(f"{self.base}/entity/")
        self.section_ns = Namespace(f"{self.base}/section/")
        self._made: dict[tuple[str, str], URIRef] = {}  # (a report names each node many times)

    def entity(self, ident: str) -> URIRef:
        try:
            return self._made["e", ident]
        except KeyError:
            iri = self._made["e", ident] = self.entity_ns[ident]
            return iri

    def section(self, number: str) -> URIRef:
        try:
            return self._made["s", number]
        except KeyError:
            iri = self._made["s", number] = self.section_ns[number]
            return iri

    def assertion(self, r: RelationDef) -> URIRef:
        return URIRef(f"{self.base}/assertion/{r.from_}.{RELATIONS[r.type].prop}.{r.to}")

    def influence(self, inf: Influence) -> URIRef:
        return URIRef(f"{self.base}/influence/{inf.from_}.{inf.to}")


def bind_prefixes(graph: Graph, report_ids: Iterable[str] = ()) -> None:
    """Bind the prefixes kg's outputs use (kgo, skos, prov, dcterms, one per report)."""
    graph.bind("kgo", KGO)
    graph.bind("skos", SKOS)
    graph.bind("prov", PROV)
    graph.bind("dcterms", DCTERMS)
    for rid in report_ids:
        if rid[0].isalpha():
            iris = ReportIRIs(rid)
            graph.bind(rid, iris.entity_ns)
            graph.bind(f"{rid}-sec", iris.section_ns)


class TripleList(list):
    """Somewhere :func:`add_report` can write a report's triples without an rdflib store
    (indexing every triple costs more than making it): a plain list with ``add``."""

    def add(self, triple) -> None:
        self.append(triple)


@collector_paused()
def build_dataset(reports: Iterable[Report]) -> Dataset:
    """Turn reports into an rdflib Dataset with one named graph per report.

    Examples
    --------
    >>> from kg.loader import load_data
    >>> from kg.resources import bundled_data_dir
    >>> ds = build_dataset(load_data(bundled_data_dir()))  # doctest: +SKIP
    >>> len(ds) > 0                                        # doctest: +SKIP
    True
    """
    reports = list(reports)
    ds = Dataset(default_union=True)
    bind_prefixes(ds, [r.id for r in reports])
    for report in reports:
        add_report(ds.graph(ReportIRIs(report.id).graph), report)
    return ds


def build_union_graph(reports: Iterable[Report]) -> Graph:
    """Every report's triples in one plain Graph, without named graphs: the union of
    :func:`build_dataset`'s graphs, built directly (what a SHACL check reads)."""
    reports = list(reports)
    g = Graph()
    bind_prefixes(g, [r.id for r in reports])
    for report in reports:
        add_report(g, report)
    return g


def _string(text: str, lang: str | None = None) -> Literal:
    """``Literal(text, lang=lang)`` for a plain or language-tagged string: the same term,
    made without rdflib's casting and tag checks (a model's text is a str, and its
    language is zh or en), the largest part of building a report's triples otherwise."""
    term = str.__new__(Literal, text)
    term._language = lang
    term._datatype = None
    term._value = text
    term._ill_typed = None
    return term


_VALUES: dict = {}


def _value(value: bool | int) -> Literal:
    """``Literal(value)`` for a bool or an int, each made once (a report writes the same few
    levels, orders and strengths thousands of times; rdflib's casting is slow)."""
    key = (type(value), value)  # (True == 1, but not the same literal)
    term = _VALUES.get(key)
    if term is None:
        term = Literal(value)
        if len(_VALUES) < 4096:
            _VALUES[key] = term
    return term


class _Terms:
    """A namespace's terms, each made once: rdflib's namespaces make a new URIRef on every
    lookup (a quarter of :func:`add_report`'s time)."""

    def __init__(self, namespace):
        self._namespace = namespace
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = self._namespace[name]
        return term


_rdf, _rdfs, _xsd, _kgo = _Terms(RDF), _Terms(RDFS), _Terms(XSD), _Terms(KGO)
_dcterms, _skos, _prov = _Terms(DCTERMS), _Terms(SKOS), _Terms(PROV)


def _text(g: Graph, node, prop, text: Text) -> None:
    g.add((node, prop, _string(text.zh, "zh")))
    g.add((node, prop, _string(text.en, "en")))


def _labels(g: Graph, node, text: Text) -> None:
    _text(g, node, _skos.prefLabel, text)
    _text(g, node, _rdfs.label, text)


def add_report(g: Graph, report: Report) -> Graph:
    """Write one report's triples into ``g`` (usually its named graph)."""
    iris = ReportIRIs(report.id)
    r = iris.report
    g.add((r, _rdf.type, _kgo.Report))
    g.add((r, _dcterms.identifier, _string(report.id)))
    _text(g, r, _dcterms.title, report.title)
    _labels(g, r, report.title)
    g.add((r, _dcterms.language, _string(report.language)))
    if report.description:
        _text(g, r, _skos.definition, report.description)
    if report.source:
        g.add((r, _dcterms.source, _string(report.source)))
    g.add((r, _kgo.truncated, _value(report.truncated is not None)))
    if report.truncated:
        g.add((r, _kgo.truncatedIn, iris.section(report.truncated.section)))
        _text(g, r, _kgo.truncationNote, report.truncated.note)

    for order, s in enumerate(report.sections, start=1):
        node = iris.section(s.number)
        g.add((node, _rdf.type, _kgo.Section))
        g.add((node, _dcterms.identifier, _string(s.number)))
        _text(g, node, _dcterms.title, s.heading)
        _labels(g, node, s.heading)
        parent = iris.section(s.parent) if s.parent else r
        g.add((node, _dcterms.isPartOf, parent))
        if s.parent is None:
            g.add((r, _dcterms.hasPart, node))
        g.add((node, _kgo.level, _value(s.number.count(".") + 1)))
        g.add((node, _kgo.order, _value(order)))

    for e in report.entities:
        node = _described(g, iris, e, _kgo[e.type])
        if e.category:
            g.add((node, _kgo.category, _string(e.category)))
        for a in e.audience:
            g.add((node, _kgo.intendedFor, iris.entity(a)))
        if e.unaddressed:
            g.add((node, _kgo.unaddressed, _value(True)))

    for f in report.figures:
        node = _described(g, iris, f, _kgo.MarketMetric)
        for m in f.measures:
            g.add((node, _kgo.measures, iris.entity(m)))
        g.add((node, _kgo.value, Literal(f.value, datatype=_xsd.decimal)))
        g.add((node, _kgo.normalizedValue, Literal(f.normalized_value, datatype=_xsd.decimal)))
        if f.scale:
            g.add((node, _kgo.scale, _string(f.scale)))
        g.add((node, _kgo.unit, _string(f.unit)))
        if f.currency:
            g.add((node, _kgo.currency, _string(f.currency)))
        if f.year is not None:
            g.add((node, _kgo.year, _value(f.year)))
        if f.scope:
            g.add((node, _kgo.scope, iris.entity(f.scope)))
        g.add((node, _kgo.metricKind, _string(f.kind)))
        if f.qualifier:
            g.add((node, _kgo.qualifier, _string(f.qualifier)))
        if f.publisher:
            g.add((node, _kgo.publishedBy, iris.entity(f.publisher)))
        if f.growth:
            g.add((node, _kgo.statedGrowthRate, Literal(f.growth.rate, datatype=_xsd.decimal)))
            g.add((node, _kgo.growthKind, _string(f.growth.kind)))
            if f.growth.baseline:
                g.add((node, _kgo.growthBaseline, iris.entity(f.growth.baseline)))

    for rel in report.relations:
        prop = _kgo[RELATIONS[rel.type].prop]
        s, o = iris.entity(rel.from_), iris.entity(rel.to)
        g.add((s, prop, o))
        node = iris.assertion(rel)
        g.add((node, _rdf.type, _kgo.Assertion))
        g.add((node, _rdf.subject, s))
        g.add((node, _rdf.predicate, prop))
        g.add((node, _rdf.object, o))
        _cite(g, iris, node, rel.sections)
        if rel.note:
            g.add((node, _rdfs.comment, _string(rel.note, "en")))

    for inf in report.influences:
        s, o = iris.entity(inf.from_), iris.entity(inf.to)
        g.add((s, _kgo.influences, o))
        node = iris.influence(inf)
        g.add((node, _rdf.type, _kgo.Influence))
        g.add((node, _kgo.influencer, s))
        g.add((node, _kgo.influenced, o))
        g.add((node, _kgo.polarity, _string(inf.polarity)))
        g.add((node, _kgo.strength, _value(inf.strength)))
        _cite(g, iris, node, inf.sections)
        if inf.note:
            g.add((node, _rdfs.comment, _string(inf.note, "en")))
    return g


def _cite(g: Graph, iris: ReportIRIs, node, sections: Iterable[str]) -> None:
    for number in sections:
        g.add((node, _prov.wasDerivedFrom, iris.section(number)))


def _described(g: Graph, iris: ReportIRIs, item: Entity | Figure, cls) -> URIRef:
    node = iris.entity(item.id)
    g.add((node, _rdf.type, cls))
    g.add((node, _dcterms.identifier, _string(item.id)))
    _labels(g, node, item.label)
    if item.alt_labels:
        for lang in ("zh", "en"):
            for alt in getattr(item.alt_labels, lang):
                g.add((node, _skos.altLabel, _string(alt, lang)))
    _text(g, node, _skos.definition, item.description)
    _cite(g, iris, node, item.sections)
    g.add((node, _prov.hadPrimarySource, iris.report))
    return node


# --------------------------------------------------------------------------- back to models


def reports_from_dataset(ds: Dataset) -> list[Report]:
    """Read every report of a dataset back into models (one per named graph)."""
    out = []
    for g in ds.graphs():
        for r in g.subjects(RDF.type, KGO.Report):
            out.append(report_from_graph(g, r))
    return sorted(out, key=lambda r: r.id)


def report_from_graph(g: Graph, report_node) -> Report:
    """Rebuild the :class:`Report` model whose triples ``g`` holds."""
    ident = lambda node: str(g.value(node, DCTERMS.identifier))  # noqa: E731

    def text(node, prop) -> Text | None:
        found = {lit.language: str(lit) for lit in g.objects(node, prop) if isinstance(lit, Literal)}
        return Text(zh=found["zh"], en=found["en"]) if "zh" in found and "en" in found else None

    def sections_of(node) -> tuple[str, ...]:
        return tuple(sorted((ident(s) for s in g.objects(node, PROV.wasDerivedFrom)), key=_numkey))

    def note(node) -> str | None:
        v = g.value(node, RDFS.comment)
        return str(v) if v is not None else None

    sections = []
    for node in g.subjects(RDF.type, KGO.Section):
        sections.append((int(g.value(node, KGO.order)), SectionDef(number=ident(node), heading=text(node, DCTERMS.title))))
    sections.sort()

    truncated = None
    if g.value(report_node, KGO.truncated).toPython():
        truncated = Truncation(section=ident(g.value(report_node, KGO.truncatedIn)),
                               note=text(report_node, KGO.truncationNote))

    def described(node) -> dict:
        alts: dict[str, list[str]] = defaultdict(list)
        for lit in g.objects(node, SKOS.altLabel):
            alts[lit.language].append(str(lit))
        alt = AltLabels(zh=tuple(sorted(alts["zh"])), en=tuple(sorted(alts["en"]))) if alts else None
        return dict(id=ident(node), label=text(node, SKOS.prefLabel), alt_labels=alt,
                    description=text(node, SKOS.definition), sections=sections_of(node))

    entities, figures = [], []
    for node, cls in g.subject_objects(RDF.type):
        if not str(cls).startswith(ONTOLOGY_NS):
            continue
        kind = str(cls)[len(ONTOLOGY_NS):]
        if kind in ("Report", "Section", "Assertion", "Influence"):
            continue
        if kind == "MarketMetric":
            growth = None
            rate = g.value(node, KGO.statedGrowthRate)
            if rate is not None:
                base = g.value(node, KGO.growthBaseline)
                growth = Growth(rate=rate.toPython(), kind=str(g.value(node, KGO.growthKind)),
                                baseline=ident(base) if base is not None else None)
            opt = lambda p: g.value(node, p)  # noqa: E731
            figures.append(Figure(
                **described(node),
                measures=tuple(sorted(ident(m) for m in g.objects(node, KGO.measures))),
                value=Decimal(str(opt(KGO.value))),
                scale=str(opt(KGO.scale)) if opt(KGO.scale) is not None else None,
                unit=str(opt(KGO.unit)),
                currency=str(opt(KGO.currency)) if opt(KGO.currency) is not None else None,
                year=int(opt(KGO.year)) if opt(KGO.year) is not None else None,
                scope=ident(opt(KGO.scope)) if opt(KGO.scope) is not None else None,
                kind=str(opt(KGO.metricKind)),
                qualifier=str(opt(KGO.qualifier)) if opt(KGO.qualifier) is not None else None,
                publisher=ident(opt(KGO.publishedBy)) if opt(KGO.publishedBy) is not None else None,
                growth=growth,
            ))
        else:
            cat = g.value(node, KGO.category)
            entities.append(Entity(
                **described(node), type=kind,
                category=str(cat) if cat is not None else None,
                audience=tuple(sorted(ident(a) for a in g.objects(node, KGO.intendedFor))),
                unaddressed=bool(g.value(node, KGO.unaddressed)),
            ))

    relations = []
    for node in g.subjects(RDF.type, KGO.Assertion):
        relations.append(RelationDef(**{
            "from": ident(g.value(node, RDF.subject)),
            "type": _PROP_TO_RELATION[g.value(node, RDF.predicate)],
            "to": ident(g.value(node, RDF.object)),
            "sections": sections_of(node),
            "note": note(node),
        }))
    influences = []
    for node in g.subjects(RDF.type, KGO.Influence):
        influences.append(Influence(**{
            "from": ident(g.value(node, KGO.influencer)),
            "to": ident(g.value(node, KGO.influenced)),
            "polarity": str(g.value(node, KGO.polarity)),
            "strength": int(g.value(node, KGO.strength)),
            "sections": sections_of(node),
            "note": note(node),
        }))

    source = g.value(report_node, DCTERMS.source)
    return Report(
        id=ident(report_node),
        title=text(report_node, DCTERMS.title),
        language=str(g.value(report_node, DCTERMS.language)),
        description=text(report_node, SKOS.definition),
        source=str(source) if source is not None else None,
        truncated=truncated,
        sections=tuple(s for _, s in sections),
        entities=tuple(sorted(entities, key=lambda e: e.id)),
        figures=tuple(sorted(figures, key=lambda f: f.id)),
        relations=tuple(sorted(relations, key=lambda r: (r.from_, r.type, r.to))),
        influences=tuple(sorted(influences, key=lambda i: (i.from_, i.to))),
    )


def _numkey(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split("."))

