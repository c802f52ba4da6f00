"""What the views say about the graph, read from RDF with SPARQL.

The networkx graphs of :mod:`kg.analysis.graphs` carry ids, types and labels; tooltips and
entity pages also need descriptions, categories, sections, figures and the reports' tables
of contents. This module reads them through a store backend, so the views work the same on
rdflib in memory, embedded Oxigraph or a remote server. Everything is keyed by IRI (graph
nodes carry theirs in the ``iri`` attribute).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..store import Select

__all__ = ["EntityFacts", "FigureFacts", "ReportFacts", "GraphFacts", "read_facts"]

# (on a store on disk, in a second wording that reads each pattern apart: at 1,000 reports
# 21 s → 14 s and 8.5 s → 4 s; see kg.store.Select)
_DEFINITIONS = Select("""
SELECT ?e ?text (LANG(?text) AS ?lang) WHERE { ?e prov:hadPrimarySource ?report ; skos:definition ?text . }""",
                      on_disk="""
SELECT ?e ?text (LANG(?text) AS ?lang) WHERE {
  { SELECT ?e WHERE { ?e prov:hadPrimarySource ?report } }
  { SELECT ?e ?text WHERE { ?e skos:definition ?text } }
}""")

_CATEGORIES = Select("""
SELECT ?e ?category WHERE { ?e prov:hadPrimarySource ?report ; kgo:category ?category . }""", on_disk="""
SELECT ?e ?category WHERE {
  { SELECT ?e WHERE { ?e prov:hadPrimarySource ?report } }
  { SELECT ?e ?category WHERE { ?e kgo:category ?category } }
}""")

# (what each entity cites, and the sections' numbers, asked for apart and joined here: twice
# as fast on Oxigraph as the one join)
_CITED = """
SELECT ?e ?s WHERE { ?e prov:hadPrimarySource ?report ; prov:wasDerivedFrom ?s . }"""

_SECTIONS = """
SELECT ?s ?sid ?order WHERE { ?s a kgo:Section ; dcterms:identifier ?sid ; kgo:order ?order . }"""

_FIGURES = """
SELECT ?f ?value ?scale ?unit ?currency ?year ?kind ?qualifier ?m WHERE {
  ?f a kgo:MarketMetric ; kgo:value ?value ; kgo:unit ?unit ; kgo:metricKind ?kind .
  OPTIONAL { ?f kgo:scale ?scale }
  OPTIONAL { ?f kgo:currency ?currency }
  OPTIONAL { ?f kgo:year ?year }
  OPTIONAL { ?f kgo:qualifier ?qualifier }
  OPTIONAL { ?f kgo:measures ?m }
}"""

_REPORTS = """
SELECT ?r ?id ?title (LANG(?title) AS ?lang) WHERE {
  ?r a kgo:Report ; dcterms:identifier ?id ; dcterms:title ?title .
}"""

_TOC = """
SELECT ?r ?sid ?level ?order ?heading (LANG(?heading) AS ?lang) WHERE {
  ?s a kgo:Section ; dcterms:identifier ?sid ; kgo:level ?level ; kgo:order ?order ;
     dcterms:title ?heading ; dcterms:isPartOf+ ?r .
  ?r a kgo:Report .
}"""


#: :func:`read_facts`'s reads in two lanes, each in the order it asks them, for a read ahead
#: (see :meth:`kg.analysis.graphs.Memo.read_ahead`). On a store on disk at 1,000 reports the
#: engine took 33 s over the first and 20 s over the table of contents, which is asked last:
#: a caller may queue more reads after it in the second lane.
READ_LANES = ((_DEFINITIONS, _CATEGORIES, _SECTIONS, _CITED, _FIGURES, _REPORTS), (_TOC,))


@dataclass
class FigureFacts:
    """One figure as the report states it (value as written, with its scale and unit)."""

    value: str
    unit: str
    kind: str
    scale: str = ""
    currency: str = ""
    year: str = ""
    qualifier: str = ""
    measures: list[str] = field(default_factory=list)  # IRIs of the entities it quantifies

    def text(self) -> str:
        """The figure in one short line, e.g. ``more-than 2000 億 CNY (2025, forecast)``."""
        amount = " ".join(p for p in (self.qualifier, self.value, self.scale,
                                      "%" if self.unit == "percent" else self.currency or "") if p)
        when = ", ".join(p for p in (self.year, self.kind) if p)
        return f"{amount} ({when})" if when else amount


@dataclass
class EntityFacts:
    """Description (zh and en), category and sections of one entity or figure."""

    description: dict[str, str] = field(default_factory=dict)
    category: str = ""
    sections: list[str] = field(default_factory=list)


@dataclass
class ReportFacts:
    """A report's id, title (zh and en) and sections in document order."""

    id: str
    title: dict[str, str] = field(default_factory=dict)
    sections: list[dict] = field(default_factory=list)  # number, level, heading {zh, en}


@dataclass
class GraphFacts:
    """Everything :func:`read_facts` found, keyed by IRI."""

    entities: dict[str, EntityFacts] = field(default_factory=dict)
    figures: dict[str, FigureFacts] = field(default_factory=dict)
    reports: list[ReportFacts] = field(default_factory=list)
    section_headings: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def entity(self, iri: str) -> EntityFacts:
        """The facts of ``iri`` (empty when the graph records none)."""
        return self.entities.get(iri) or EntityFacts()

    def figures_of(self, iri: str) -> list[tuple[str, FigureFacts]]:
        """The figures that measure the entity ``iri``, as (figure IRI, figure), sorted by IRI."""
        index = self.__dict__.get("_measured_by")
        if index is None or index[0] != len(self.figures):  # built once (rebuilt if figures were added)
            by = defaultdict(list)
            for f, fig in sorted(self.figures.items()):
                for m in fig.measures:
                    by[m].append((f, fig))
            index = self.__dict__["_measured_by"] = (len(self.figures), dict(by))
        return list(index[1].get(iri, ()))


def _text(value: str | None) -> str:
    return "" if value is None else value


def _number(value: str | None) -> str:
    """A decimal as written (``800``, ``14.5``), without a trailing ``.0``."""
    if value is None:
        return ""
    try:
        text = format(Decimal(value), "f")
    except InvalidOperation:  # (not a number: shown as it is)
        text = value
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def read_facts(source) -> GraphFacts:
    """Read descriptions, categories, sections, figures and tables of contents.

    Parameters
    ----------
    source : KnowledgeGraph, rdflib graph or store backend
        What :func:`kg.analysis.graphs.as_backend` accepts.

    Returns
    -------
    GraphFacts
        Entities and figures keyed by IRI; reports sorted by id, their sections in
        document order.

    Examples
    --------
    >>> import kg
    >>> facts = read_facts(kg.load("tests/fixtures/data"))          # doctest: +SKIP
    >>> facts.entity(".../tiny/fraud").description["en"]             # doctest: +SKIP
    'Card theft and scams.'
    """
    from ..analysis.graphs import as_backend, select_values, sorted_values

    backend = as_backend(source)
    facts = GraphFacts()
    entity = lambda iri: facts.entities.setdefault(iri, EntityFacts())  # noqa: E731
    # The answers are read as plain strings, a literal's language asked for where it counts
    # (rdflib terms for the hundreds of thousands of rows of a corpus took seconds), and
    # sorted here rather than by ORDER BY (a quarter of these queries' time on Oxigraph), so
    # that where an entity says a thing twice the same one is shown each time. Each is read
    # once (a Memo does not keep them: at 1,000 reports their rows held hundreds of MiB).
    for e, text, lang in sorted_values(backend, _DEFINITIONS, "e", "text", "lang", keep=False):
        entity(e).description[lang or "en"] = text
    for e, category in sorted_values(backend, _CATEGORIES, "e", "category", keep=False):
        entity(e).category = category
    where = {s: (int(order), sid) for s, sid, order in select_values(backend, _SECTIONS, "s", "sid", "order", keep=False)}
    ordered = defaultdict(set)
    for e, s in select_values(backend, _CITED, "e", "s", keep=False):
        if s in where:
            ordered[e].add(where[s])
    for iri, pairs in ordered.items():
        entity(iri).sections = [sid for _, sid in sorted(pairs)]
    names = ("f", "m", "value", "unit", "kind", "scale", "currency", "year", "qualifier")
    for iri, m, value, unit, kind, scale, currency, year, qualifier in sorted_values(backend, _FIGURES, *names, keep=False):
        fig = facts.figures.get(iri)
        if fig is None:
            fig = facts.figures[iri] = FigureFacts(
                value=_number(value), unit=_text(unit), kind=_text(kind), scale=_text(scale),
                currency=_text(currency), year=_text(year), qualifier=_text(qualifier))
        if m is not None and m not in fig.measures:
            fig.measures.append(m)
    for fig in facts.figures.values():
        fig.measures.sort()
    reports = {}
    for r, title, lang, id_ in sorted_values(backend, _REPORTS, "r", "title", "lang", "id", keep=False):
        reports.setdefault(r, ReportFacts(id=id_)).title[lang or "en"] = title
    toc = defaultdict(dict)
    rows = select_values(backend, _TOC, "r", "sid", "level", "order", "heading", "lang", keep=False)
    by_order = sorted(rows, key=lambda row: (row[0], int(row[3]), row[1], row[4], row[5]))
    for r, sid, level, order, heading, lang in by_order:
        row = toc[r, sid].setdefault("row", {"number": sid, "level": int(level), "order": int(order), "heading": {}})
        row["heading"][lang or "en"] = heading
    for (report_iri, sid), d in toc.items():
        if report_iri in reports:
            reports[report_iri].sections.append(d["row"])
            facts.section_headings[reports[report_iri].id, sid] = d["row"]["heading"]
    for rep in reports.values():
        rep.sections.sort(key=lambda s: (s["order"], s["number"]))
    facts.reports = sorted(reports.values(), key=lambda rep: rep.id)
    return facts
