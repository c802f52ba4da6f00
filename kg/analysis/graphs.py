"""From the RDF graph to networkx: the influence network, the typed entity network, coverage.

The graphs are read with SPARQL through a store backend (see :mod:`kg.store`), so analysis
works the same on rdflib in memory, embedded Oxigraph or a remote server.

Node keys are entity ids (``alipay``); when the graph holds several reports whose ids
collide they become ``report:id``. Every node carries ``type``, ``label_zh``, ``label_en``,
``report`` and ``iri``; influence edges carry ``weight`` (signed, ±strength/3), ``strength``
(1–3), ``polarity`` and ``sections`` (a sorted list of section numbers).
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import networkx as nx

from ..schema import DATA_NS, ONTOLOGY_NS
from ..store import Select

if TYPE_CHECKING:
    from ..store import ReadAhead

__all__ = ["influence_graph", "entity_graph", "coverage_graph", "export_graph", "as_backend", "Memo", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("graphml", "gexf", "json")

# Oxigraph hands rows back in an order that changes from one process to the next, and the
# graphs (and all that is computed from them) must not: the rows are sorted, here in Python
# (the same order on every engine; Oxigraph's ORDER BY took a quarter of these queries' time).
# (the large answers as Selects: a second wording, pattern by pattern in subqueries, for a
# store on disk; at 1,000 reports there it took the entities from 37 s to 26 s, the
# influences from 38 s to 15 s, the addresses from 16 s to 13 s; see kg.store.Select)
_NODES = Select("""
SELECT ?e ?id ?cls ?zh ?en ?unaddressed WHERE {
  ?e prov:hadPrimarySource ?report ; dcterms:identifier ?id ; a ?cls ;
     skos:prefLabel ?zh, ?en .
  FILTER(lang(?zh) = "zh" && lang(?en) = "en")
  OPTIONAL { ?e kgo:unaddressed ?flag }
  BIND(COALESCE(STR(?flag), "false") AS ?unaddressed)
}""", on_disk="""
SELECT ?e ?id ?cls ?zh ?en ?unaddressed WHERE {
  { SELECT ?e WHERE { ?e prov:hadPrimarySource ?report } }
  { SELECT ?e ?id WHERE { ?e dcterms:identifier ?id } }
  { SELECT ?e ?cls WHERE { ?e a ?cls } }
  { SELECT ?e ?zh WHERE { ?e skos:prefLabel ?zh FILTER(lang(?zh) = "zh") } }
  { SELECT ?e ?en WHERE { ?e skos:prefLabel ?en FILTER(lang(?en) = "en") } }
  OPTIONAL { ?e kgo:unaddressed ?flag }
  BIND(COALESCE(STR(?flag), "false") AS ?unaddressed)
}""")  # (the class's local name is taken in Python: a tenth of the query's time at 1,000 reports;
# no flag read as "false", not left unbound: an answer with no empty field is read whole as
# CSV, see kg.store.GraphBackend.values)

_INFLUENCES = Select("""
SELECT ?from ?to ?polarity ?strength ?section WHERE {
  ?i a kgo:Influence ; kgo:influencer ?from ; kgo:influenced ?to ;
     kgo:polarity ?polarity ; kgo:strength ?strength ; prov:wasDerivedFrom/dcterms:identifier ?section .
}""", on_disk="""
SELECT ?from ?to ?polarity ?strength ?section WHERE {
  { SELECT ?i ?from WHERE { ?i kgo:influencer ?from } }
  { SELECT ?i ?to WHERE { ?i kgo:influenced ?to } }
  { SELECT ?i ?polarity WHERE { ?i kgo:polarity ?polarity } }
  { SELECT ?i ?strength WHERE { ?i kgo:strength ?strength } }
  { SELECT ?i ?s WHERE { ?i a kgo:Influence ; prov:wasDerivedFrom ?s } }
  { SELECT ?s ?section WHERE { ?s dcterms:identifier ?section } }
}""")
_INFLUENCE_NAMES = ("from", "to", "section", "polarity", "strength")  # (as every reader asks them)

_RELATIONS = Select("""
SELECT ?from ?p ?to ?section WHERE {
  ?a a kgo:Assertion ; rdf:subject ?from ; rdf:predicate ?p ; rdf:object ?to ;
     prov:wasDerivedFrom/dcterms:identifier ?section .
}""", on_disk="""
SELECT ?from ?p ?to ?section WHERE {
  { SELECT ?a ?from WHERE { ?a rdf:subject ?from } }
  { SELECT ?a ?p WHERE { ?a rdf:predicate ?p } }
  { SELECT ?a ?to WHERE { ?a rdf:object ?to } }
  { SELECT ?a ?s WHERE { ?a a kgo:Assertion ; prov:wasDerivedFrom ?s } }
  { SELECT ?s ?section WHERE { ?s dcterms:identifier ?section } }
}""")  # (on disk at 1,000 reports: 64 s → 30 s)

_ADDRESSES = Select("""
SELECT ?from ?to ?section WHERE {
  ?a rdf:predicate kgo:addresses ; a kgo:Assertion ; rdf:subject ?from ; rdf:object ?to ;
     prov:wasDerivedFrom/dcterms:identifier ?section .
}""", on_disk="""
SELECT ?from ?to ?section WHERE {
  { SELECT ?a WHERE { ?a rdf:predicate kgo:addresses } }
  { SELECT ?a ?from WHERE { ?a rdf:subject ?from } }
  { SELECT ?a ?to WHERE { ?a rdf:object ?to } }
  { SELECT ?a ?s WHERE { ?a a kgo:Assertion ; prov:wasDerivedFrom ?s } }
  { SELECT ?s ?section WHERE { ?s dcterms:identifier ?section } }
}""")

_FIELD_LINKS = """
SELECT ?from ?p ?to WHERE {
  VALUES ?p { kgo:measures kgo:publishedBy kgo:scope kgo:intendedFor kgo:growthBaseline }
  ?from ?p ?to .
}"""

#: the reads :func:`entity_graph` makes that no other graph does (for a read ahead, see
#: :meth:`Memo.read_ahead`)
ENTITY_READS = (_RELATIONS, _FIELD_LINKS)


class Memo:
    """A backend that answers a repeated query (same text, no bindings) from memory.

    The analysis graphs share their queries (every graph needs the entities; the entity
    and influence graphs both need the influences): wrap the backend once per run so each
    is asked once. Only for a graph that does not change meanwhile. The networkx graphs
    made through a Memo are kept too and handed to every caller: read them, do not change
    them (copy one to change it).
    """

    def __init__(self, backend):
        self.backend = backend
        self.name = getattr(backend, "name", "memo")
        self._answers: dict[str, object] = {}
        self._made: dict[str, object] = {}
        self._values: dict[tuple, list[tuple]] = {}
        self._ahead: ReadAhead | None = None

    def query(self, text: str, bindings=None, source: str = "query", **dataset):
        if bindings or dataset:  # (a query with parameters, or over some graphs only, is not kept)
            return self.backend.query(text, bindings, source, **dataset)
        if text not in self._answers:
            self._answers[text] = self.backend.query(text, None, source)
        return self._answers[text]

    def report_graphs(self) -> list[str]:
        return self.backend.report_graphs()

    def values(self, text: str, *names: str, keep: bool = True) -> list[tuple]:
        """``query(text).values(*names)``, kept as plain strings alone: the answer's RDF
        terms are not kept unless ``query(text)`` itself was asked (a large answer read
        only for its strings then costs a third of the memory). Read ahead where
        :meth:`read_ahead` started it; ``keep=False`` for a large answer asked once (not
        kept, unless it was already)."""
        key = (text, names)
        got = self._values.get(key)
        if got is None:
            kept = self._answers.get(text)
            if kept is not None:
                got = kept.values(*names)
            elif isinstance(self.backend, Memo):
                got = self.backend.values(text, *names, keep=keep)
            else:
                ahead = self._ahead.take(text) if self._ahead is not None else None
                got = ahead.values(*names) if ahead is not None else _values(self.backend, text, names)
            if keep:
                self._values[key] = got
        return got

    def read_ahead(self, *lanes: Sequence[str]) -> ReadAhead:
        """Start reading the answers to these SELECTs (without parameters) beside this thread,
        for :meth:`values`: each lane's one after another, the lanes side by side (see
        :class:`kg.store.ReadAhead`, a context manager: leave it once they are read)."""
        from ..store import ReadAhead

        if isinstance(self.backend, Memo):
            return self.backend.read_ahead(*lanes)
        known = {text for text, _ in self._values} | set(self._answers)  # (not read again)
        self._ahead = ReadAhead(self.backend, [[t for t in lane if t not in known] for lane in lanes])
        return self._ahead

    def made(self, name: str) -> bool:
        """Whether :meth:`keep` has made ``name`` already (in the Memo underneath, for a
        Memo over another)."""
        if isinstance(self.backend, Memo):
            return self.backend.made(name)
        return name in self._made

    def keep(self, name: str, make):
        """``make()``, made once per Memo and kept under ``name`` (for what is built from
        the kept answers: the analysis graphs and their node keys). A Memo over another
        keeps them in the one underneath, so that a run's analysis and views share them."""
        if isinstance(self.backend, Memo):
            return self.backend.keep(name, make)
        if name not in self._made:
            self._made[name] = make()
        return self._made[name]


def as_backend(source):
    """A query backend for a KnowledgeGraph, an rdflib graph, or a backend itself."""
    from ..store import GraphBackend

    if hasattr(source, "query") and hasattr(source, "report_graphs"):
        return source
    if hasattr(source, "reports") and hasattr(source, "backend"):  # a KnowledgeGraph
        return source.backend()
    return GraphBackend(source)


class _Keys:
    """Entity IRI → node key (the id, or report:id where ids collide across reports)."""

    def __init__(self, rows):
        """``rows``: (entity IRI, type, Chinese label, English label, unaddressed flag, id)."""
        self.info = {}
        by_id = defaultdict(set)
        for iri, type_, zh, en, unaddressed, id_ in rows:
            report = iri[len(DATA_NS):].split("/", 1)[0] if iri.startswith(DATA_NS) else ""
            self.info[iri] = {"id": id_, "type": type_, "label_zh": zh, "label_en": en, "report": report, "iri": iri}
            if unaddressed in ("true", "1"):  # (xsd:boolean's two spellings of true)
                self.info[iri]["unaddressed"] = True
            by_id[id_].add(report)
        self.key = {iri: (d["id"] if len(by_id[d["id"]]) == 1 else f"{d['report']}:{d['id']}")
                    for iri, d in self.info.items()}

    def add_node(self, G, iri: str) -> str:
        key = self.key[iri]
        if key not in G:
            G.add_node(key, **self.info[iri])
        return key


def select_values(backend, text: str, *names: str, keep: bool = True) -> list[tuple]:
    """The rows of a SELECT as tuples of plain strings (see :meth:`kg.store.QueryResult.values`),
    through the Memo's own store of them where there is one (``keep``: see :meth:`Memo.values`),
    read whole where the backend can (see :meth:`kg.store.GraphBackend.values`)."""
    if isinstance(backend, Memo):
        return backend.values(text, *names, keep=keep)
    return _values(backend, text, names)


def _values(backend, text: str, names: tuple) -> list[tuple]:
    values = getattr(backend, "values", None)
    return values(text, *names) if values is not None else backend.query(text).values(*names)


def sorted_values(backend, text: str, *names: str, keep: bool = True) -> list[tuple]:
    """:func:`select_values`, sorted (an unbound value first, as ORDER BY would)."""
    return _sorted_rows(select_values(backend, text, *names, keep=keep))


def _sorted_rows(rows: list[tuple]) -> list[tuple]:
    """Rows of strings sorted, an unbound value (None) first, as ORDER BY would."""
    if any(None in row for row in rows):
        return sorted(rows, key=lambda row: tuple("" if v is None else v for v in row))
    return sorted(rows)


def _keys(backend) -> _Keys:
    def make():
        types: dict = {}  # class IRI → its local name in the ontology, "" for another's

        def type_of(cls):
            t = types.get(cls)
            if t is None:
                t = types[cls] = cls[len(ONTOLOGY_NS):] if cls.startswith(ONTOLOGY_NS) else ""
            return t

        # (the rows sort as plain tuples, without a key made for each of 263,000 entities at
        # 1,000 reports: the query leaves no flag unbound; not kept by a Memo, which keeps
        # the keys made of them)
        rows = [(e, type_of(cls), zh, en, unaddressed or "", id_)
                for e, cls, zh, en, unaddressed, id_ in select_values(backend, _NODES, "e", "cls", "zh", "en", "unaddressed", "id",
                                                                      keep=False)]
        return _Keys(_sorted_rows(rows))

    # (every graph of a run reads the same keys)
    return backend.keep("keys", make) if isinstance(backend, Memo) else make()


def influence_graph(source) -> nx.DiGraph:
    """The signed, weighted influence network.

    Every entity taking part in an influence is a node; each ``kgo:Influence`` is an edge.

    Examples
    --------
    >>> import kg
    >>> G = influence_graph(kg.load("tests/fixtures/data"))   # doctest: +SKIP
    >>> G.edges["fraud", "market-growth"]["weight"]            # doctest: +SKIP
    -0.6666666666666666
    """
    backend = as_backend(source)
    if isinstance(backend, Memo):  # (made once per run: the analysis and the views share it)
        return backend.keep("influence_graph", lambda: _influence_graph(backend))
    return _influence_graph(backend)


def _influence_graph(backend) -> nx.DiGraph:
    keys = _keys(backend)
    key = keys.key
    # (gathered first and handed to networkx in bulk, in the order the rows first name them:
    # an add_edge per row and an edge view per edge took half of this at 1,000 reports)
    nodes: dict[str, str] = {}  # node key → entity IRI
    edges: dict[tuple, list] = {}  # (from, to) → [polarity, strength, {section}]; the last row's sign wins
    # (kept by a Memo: the entity graph reads them too)
    for frm, to, section, polarity, strength in sorted_values(backend, _INFLUENCES, *_INFLUENCE_NAMES):
        a, b = key[frm], key[to]
        if a not in nodes:
            nodes[a] = frm
        if b not in nodes:
            nodes[b] = to
        edge = edges.get((a, b))
        if edge is None:
            edges[a, b] = [polarity, strength, {section}]
        else:
            edge[0], edge[1] = polarity, strength
            edge[2].add(section)
    G = nx.DiGraph()
    G.add_nodes_from((k, keys.info[iri]) for k, iri in nodes.items())
    G.add_edges_from((a, b, _influence(polarity, int(strength), sections)) for (a, b), (polarity, strength, sections) in edges.items())
    return G


def _influence(polarity: str, strength: int, sections) -> dict:
    sign = 1 if polarity == "positive" else -1
    # (most influences cite one section: a sort with a key per edge took a second at 1,000 reports)
    return {"weight": sign * strength / 3, "strength": strength, "polarity": polarity, "sign": sign,
            "sections": sorted(sections, key=_numkey) if len(sections) > 1 else list(sections)}


def entity_graph(source) -> nx.MultiDiGraph:
    """Every entity and figure, with one edge per relation, influence and figure link.

    Edges carry ``relation`` (the ontology property's local name) and, where the graph
    records them, ``sections``.
    """
    backend = as_backend(source)
    if isinstance(backend, Memo):  # (made once per run: the analysis and the views share it)
        return backend.keep("entity_graph", lambda: _entity_graph(backend))
    return _entity_graph(backend)


def _entity_graph(backend) -> nx.MultiDiGraph:
    keys = _keys(backend)
    G = nx.MultiDiGraph()
    for iri in keys.info:
        keys.add_node(G, iri)
    grouped = defaultdict(set)
    # (the reads only this graph makes are not kept by a Memo, which keeps the graph: at 1,000
    # reports their rows held hundreds of MiB through the views; the influences are asked
    # as the influence graph asks them, so that a Memo answers them from what it kept)
    for frm, p, to, section in sorted_values(backend, _RELATIONS, "from", "p", "to", "section", keep=False):
        grouped[frm, _local(p), to].add(section)
    for frm, to, section, _, _ in sorted_values(backend, _INFLUENCES, *_INFLUENCE_NAMES):
        grouped[frm, "influences", to].add(section)
    for (a, rel, b), secs in sorted(grouped.items()):
        if a in keys.key and b in keys.key:
            G.add_edge(keys.key[a], keys.key[b], key=rel, relation=rel, sections=sorted(secs, key=_numkey))
    for a, p, b in sorted_values(backend, _FIELD_LINKS, "from", "p", "to", keep=False):
        if a in keys.key and b in keys.key:
            G.add_edge(keys.key[a], keys.key[b], key=_local(p), relation=_local(p), sections=[])
    return G


def coverage_graph(source) -> nx.DiGraph:
    """Who addresses which challenge: ``addresses`` edges into challenges, from
    recommendations, technologies, regulations, …, with their sections (the ``addresses``
    edges of :func:`entity_graph`, read on their own)."""
    backend = as_backend(source)
    if isinstance(backend, Memo):  # (made once per run: the analysis and the views share it)
        return backend.keep("coverage_graph", lambda: _coverage_graph(backend))
    return _coverage_graph(backend)


def _coverage_graph(backend) -> nx.DiGraph:
    keys = _keys(backend)
    key = keys.key
    nodes = {key[iri]: iri for iri, d in keys.info.items() if d["type"] == "Challenge"}
    # (the rows come sorted, so each (from, to) pair first turns up in sorted order)
    grouped: dict[tuple, set] = {}
    for frm, to, section in sorted_values(backend, _ADDRESSES, "from", "to", "section", keep=False):
        secs = grouped.get((frm, to))
        if secs is None:
            grouped[frm, to] = {section}
        else:
            secs.add(section)
    edges = []
    for (a, b), secs in grouped.items():
        if a in key and b in key:
            for iri in (a, b):
                nodes.setdefault(key[iri], iri)
            edges.append((key[a], key[b], {"relation": "addresses", "sections": sorted(secs, key=_numkey)}))
    G = nx.DiGraph()
    G.add_nodes_from((k, keys.info[iri]) for k, iri in nodes.items())
    G.add_edges_from(edges)
    return G


def _local(term) -> str:
    s = str(term)
    return s[len(ONTOLOGY_NS):] if s.startswith(ONTOLOGY_NS) else s.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@lru_cache(maxsize=65536)  # (a corpus repeats a few hundred section numbers a million times)
def _numkey(number: str):
    return tuple(int(p) for p in number.split(".") if p.isdigit())


def export_graph(G, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``G`` as GraphML or GEXF (Gephi, Cytoscape) or node-link JSON.

    List attributes (sections) become comma-separated strings in GraphML and GEXF, which
    cannot hold lists.
    """
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".")
    if fmt not in EXPORT_FORMATS:
        from ..errors import UsageError

        raise UsageError(f"unknown graph format '{fmt}'; expected one of: {', '.join(EXPORT_FORMATS)}")
    if fmt == "json":
        data = nx.node_link_data(G, edges="links")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        return path
    flat = G.copy()
    for _, d in flat.nodes(data=True):
        _flatten(d)
    for *_, d in flat.edges(data=True):
        _flatten(d)
    if fmt == "graphml":
        nx.write_graphml(flat, path, encoding="utf-8")
    else:
        nx.write_gexf(flat, path, encoding="utf-8")
    return path


def _flatten(attrs: dict) -> None:
    for k, v in list(attrs.items()):
        if isinstance(v, (list, tuple, set)):
            attrs[k] = ",".join(str(x) for x in v)
        elif v is None:
            del attrs[k]
