"""Where queries run: rdflib in memory, embedded Oxigraph (a pyoxigraph Store in memory, an
oxrdflib dataset on disk), or a SPARQL server.

Every backend takes the same prepared query text (see :func:`kg.sparql.prepare`) and
returns a :class:`QueryResult`, so callers, formats and tests do not care which it is.

>>> backend = open_backend()                      # the bundled data, in memory  # doctest: +SKIP
>>> backend.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a kgo:Driver }").rows   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Mapping, Sequence

from .errors import KgError, UsageError
from .procs import collector_paused
from .schema import ANALYSIS_GRAPH, DATA_NS
from .sparql import QueryError, get_named_query, parse_term, prepare, query_form

__all__ = ["QueryResult", "Select", "GraphBackend", "RemoteBackend", "default_store", "open_backend", "run_query", "push"]


class QueryResult:
    """A query's answer: rows of RDF terms (SELECT), a boolean (ASK) or a graph.

    ``rows`` are dicts of rdflib terms; :meth:`values` gives the same rows as tuples of
    plain strings, which for a large answer from Oxigraph is faster (the rdflib terms are
    then made only if ``rows`` is read).
    """

    def __init__(self, form: str, vars: list[str] | None = None, rows: list[dict[str, Any]] | None = None,
                 boolean: bool | None = None, graph: Any = None, raw: Any = None, *,
                 fields: list[list[str]] | None = None, convert=None, triples: list | None = None):
        self.form = form
        self.vars = list(vars or [])
        self.boolean = boolean
        self.raw = raw
        # (Oxigraph: the answer as the engine wrote it in SPARQL TSV, a list of fields per row
        # in ``vars`` order, turned into ``rows`` when they are first read. For a graph, the
        # engine's triples, each once, and the function that makes an rdflib term of one,
        # turned into ``graph`` when it is read)
        self._fields, self._convert = fields, convert
        self._rows = rows if rows is not None or fields is not None else []
        self._values: dict[tuple, list[tuple]] = {}
        self._graph = graph
        self.engine_triples = triples
        """The answer's triples as Oxigraph made them (``pyoxigraph.Triple``, each once), for
        a graph from Oxigraph; else None. ``graph`` is made from them when first read."""

    @property
    def graph(self):
        """A CONSTRUCT or DESCRIBE answer as an rdflib Graph (None for the other forms)."""
        if self._graph is None and self.engine_triples is not None:
            from rdflib import Graph

            g = Graph()
            convert, add = self._convert, g.add
            for t in self.engine_triples:
                add((convert(t.subject), convert(t.predicate), convert(t.object)))
            self._graph = g
        return self._graph

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Rows as dicts of rdflib terms (a variable unbound in a row is absent from it)."""
        if self._rows is None:
            names, term = self.vars, _TsvTerms()
            self._rows = [{n: t for n, f in zip(names, row) if (t := term[f]) is not None} for row in self._fields]
            self._fields = None  # (kept once: values() reads the rows from now on)
        return self._rows

    @rows.setter
    def rows(self, rows: list[dict[str, Any]]) -> None:
        self._rows, self._fields, self._values = rows, None, {}

    def values(self, *names: str) -> list[tuple]:
        """Rows as tuples of plain strings: each term's lexical form (an IRI's text, a
        literal's value without its language or datatype), None where unbound; the columns
        ``names`` in that order (default: ``vars``). Kept: asking again costs nothing.

        >>> open_backend().query("SELECT ?d ?n WHERE { ?d a kgo:Driver ; dcterms:identifier ?n }").values("n")[:1]  # doctest: +SKIP
        [('china-growth',)]
        """
        names = names or tuple(self.vars)
        if names in self._values:
            return self._values[names]
        _check_names(names, self.vars)
        # (one str per distinct value: a large answer repeats its IRIs and values many times)
        seen: dict = {}
        if self._fields is not None:
            where = [self.vars.index(n) for n in names]
            text = _TsvTexts()
            # (column by column, then zipped: a tuple made from a generator per row cost as
            # much again)
            columns = [[text[f] for f in map(itemgetter(i), self._fields)] for i in where]
            got = list(zip(*columns)) if columns else [()] * len(self._fields)
        else:
            got = [tuple(None if (t := r.get(n)) is None else seen.get(t) or seen.setdefault(t, str(t)) for n in names)
                   for r in self.rows]
        self._values[names] = got
        return got

    def __repr__(self) -> str:
        size = f"{len(self)} rows" if self.form == "SELECT" else (repr(self.boolean) if self.form == "ASK" else "a graph")
        return f"<QueryResult {self.form}: {size}>"

    def dicts(self, python: bool = True) -> list[dict[str, Any]]:
        """Rows as dicts; ``python`` turns terms into plain values (str, int, Decimal, …)."""
        if not python:
            return [dict(r) for r in self.rows]
        return [{k: _plain(v) for k, v in r.items()} for r in self.rows]

    def __iter__(self):
        return iter(self.dicts())

    def __len__(self) -> int:
        if self.form == "SELECT" and self._rows is None:
            return len(self._fields)
        if self.engine_triples is not None:
            return len(self.engine_triples)
        return len(self.rows) if self.form == "SELECT" else (len(self.graph) if self.graph is not None else 1)


def _check_names(names, vars: list[str]) -> None:
    missing = [n for n in names if n not in vars]
    if missing:
        raise KeyError(f"no variable {', '.join(missing)} in the answer (it has {', '.join(vars) or 'none'})")


def _plain(term):
    from rdflib import Literal

    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


# --------------------------------------------------------------------------- backends


def _oxigraph_of(ds):
    """The pyoxigraph Store under an rdflib graph or dataset kept by oxrdflib, ``ds`` itself
    when it is a pyoxigraph Store, or None."""
    if type(ds).__name__ == "Store" and type(ds).__module__ == "pyoxigraph":
        return ds
    return ds.store._inner if type(ds.store).__name__ == "OxigraphStore" else None


class Select(str):
    """A SELECT's text (the str itself: what every engine is asked) with a second wording of
    the same query, ``on_disk``, for an Oxigraph store on disk.

    There Oxigraph joins a pattern to the rows so far by looking each row up in RocksDB
    (15–20 µs a lookup at 1,000 reports; the same join took a sixth of the time in
    memory); the second wording reads each pattern on its own in a subquery, one pass
    along an index, and Oxigraph joins those by hashing. It is slower in memory, so only a store on disk uses
    it. Both must give the same rows (a test runs every one on both).
    """

    on_disk: str

    def __new__(cls, text: str, on_disk: str):
        self = super().__new__(cls, text)
        self.on_disk = on_disk
        return self


class GraphBackend:
    """Queries an rdflib graph or dataset (in memory, or Oxigraph through oxrdflib), or a
    pyoxigraph Store (``graph``).

    ``on_disk``: the graph is an Oxigraph store on disk (a :class:`Select` is then asked in
    its ``on_disk`` wording).
    """

    def __init__(self, graph, name: str = "memory", *, on_disk: bool = False):
        self.graph = graph
        self.name = name
        self.on_disk = on_disk

    def _wording(self, text: str) -> str:
        return text.on_disk if self.on_disk and isinstance(text, Select) else text

    def query(self, text: str, bindings: Mapping[str, Any] | None = None, source: str = "query",
              default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None) -> QueryResult:
        """Run ``text`` over the union of the graphs, or over the RDF dataset the SPARQL
        Protocol describes: ``default_graphs`` merged as the default graph, ``named_graphs``
        the only graphs GRAPH reaches (either given: both apply, a missing one as empty)."""
        scoped = default_graphs is not None or named_graphs is not None
        store = _oxigraph_of(self.graph)
        if store is not None:
            text = self._wording(text)
            # straight to Oxigraph's engine (what oxrdflib would do), with kg's own term
            # conversion: one rdflib term per distinct Oxigraph term; parameters written in as
            # constants too (inline), since Oxigraph plans its joins by them
            import pyoxigraph as ox

            if scoped:
                dataset = {"default_graph": [ox.NamedNode(g) for g in default_graphs or ()],
                           "named_graphs": [ox.NamedNode(g) for g in named_graphs or ()]}
            else:
                dataset = {"use_default_graph_as_union": True}
            prepared, _ = prepare(text, bindings, source, check=False, inline=True)
            try:
                result = store.query(prepared, **dataset)
            except SyntaxError as exc:
                try:  # a constant where the grammar wants a variable: bound by VALUES alone
                    plain, _ = prepare(text, bindings, source, check=False)
                    result = store.query(plain, **dataset) if plain != prepared else None
                except SyntaxError:
                    result = None
                if result is None:
                    prepare(text, bindings, source)  # rdflib's parser: the line, column and token
                    raise QueryError(f"invalid query: {str(exc).splitlines()[0][:300]}", source=source) from None
            return _from_oxigraph(result)
        prepared, _ = prepare(text, bindings, source)
        try:
            algebra = _algebra(prepared)  # rdflib: parse and translate once per text
        except Exception as exc:  # noqa: BLE001  (rdflib raises bare Exceptions while translating)
            raise QueryError(f"invalid query: {exc}", source=source) from None
        graph = _restricted(self.graph, default_graphs or (), named_graphs or ()) if scoped else self.graph
        return _from_rdflib(graph.query(algebra))

    def update(self, text: str) -> None:
        """Run the SPARQL update ``text`` over the union of the graphs, as the queries see them.

        A bare pyoxigraph Store is updated through an rdflib dataset over it (Oxigraph's own
        update reads and writes the default graph alone; rdflib's reads the union and writes
        through to the Store). A store on disk is flushed at once: the forked child of the
        next query (kg serve) found one with the writes still in RocksDB's memory blocked
        until its time limit."""
        graph = self.graph
        store = _oxigraph_of(graph)
        if store is graph:
            from oxrdflib import OxigraphStore
            from rdflib import Dataset

            graph = Dataset(store=OxigraphStore(store=store), default_union=True)
        graph.update(text)
        if self.on_disk:
            store.flush()

    def values(self, text: str, *names: str) -> list[tuple]:
        """``query(text).values(*names)`` for a SELECT without parameters. On Oxigraph the
        engine writes the answer out whole and Python's csv module reads it (see
        :func:`_engine_text`): about half the time of a term at a time at 1,000 reports."""
        return self.strings(text).values(*names)

    def strings(self, text: str):
        """The answer to the SELECT ``text`` as a :class:`Strings` (on Oxigraph, read whole),
        or as the :class:`QueryResult` itself elsewhere; either has ``values(*names)``."""
        store = _oxigraph_of(self.graph)
        if store is not None:
            try:
                got = _engine_text(store, prepare(self._wording(text), None, "query", check=False, inline=True)[0])
            except SyntaxError:  # (asked the usual way below, which says where)
                got = None
            if got is not None:
                return _strings(*got)
        return self.query(text)

    def report_graphs(self) -> list[str]:
        store = _oxigraph_of(self.graph)
        if store is not None:  # (counting each graph's triples took seconds)
            import pyoxigraph as ox

            return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)
                          and _is_kg_graph(g.value) and next(iter(store.quads_for_pattern(None, None, None, g)), None))
        return sorted(str(g.identifier) for g in self.graph.graphs() if _is_kg_graph(str(g.identifier)) and len(g))


def _restricted(source, default_graphs: Sequence[str], named_graphs: Sequence[str]):
    """An rdflib Dataset whose default graph is the merge of ``default_graphs`` of ``source``
    and whose named graphs are ``named_graphs`` (the SPARQL Protocol's RDF dataset)."""
    from rdflib import Dataset, URIRef

    ds = Dataset(default_union=False)
    for iri in default_graphs:
        for t in source.graph(URIRef(iri)):
            ds.default_graph.add(t)
    for iri in named_graphs:
        target = ds.graph(URIRef(iri))
        for t in source.graph(URIRef(iri)):
            target.add(t)
    return ds


@lru_cache(maxsize=512)
def _algebra(text: str):
    """rdflib's prepared (parsed and translated) form of a query, under the parser lock."""
    from rdflib.plugins.sparql.processor import prepareQuery

    from .sparql import PARSE_LOCK

    with PARSE_LOCK:
        return prepareQuery(text)


def _simple(term):
    """``"x"^^xsd:string`` → ``"x"``: RDF 1.1 says they are the same term, and Oxigraph
    hands back the typed form where rdflib's engine gives the plain one."""
    from rdflib import XSD, Literal

    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _from_rdflib(result) -> QueryResult:
    if result.type == "ASK":
        return QueryResult("ASK", boolean=bool(result.askAnswer), raw=result)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        from rdflib import XSD, Graph, Literal

        g = result.graph
        if any(isinstance(o, Literal) and o.datatype == XSD.string for o in g.objects()):
            plain = Graph()
            for prefix, ns in g.namespaces():
                plain.bind(prefix, ns, override=True)
            for s, p, o in g:
                plain.add((s, p, _simple(o)))
            g = plain
        return QueryResult(result.type, graph=g, raw=result)
    names = [str(v) for v in result.vars]
    rows = [{n: _simple(row[i]) for i, n in enumerate(names) if row[i] is not None} for row in result]
    return QueryResult("SELECT", vars=names, rows=rows, raw=result)


def ox_quads(source, name=None) -> list:
    """The quads of an rdflib Dataset (its named graphs) or Graph (named by its identifier),
    or of a list of triples in the graph ``name``, as pyoxigraph quads, one Oxigraph term per
    distinct rdflib term."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    cache: dict = {}

    def term(t):
        hit = cache.get(t)
        if hit is None:
            if isinstance(t, URIRef):
                hit = ox.NamedNode(t)
            elif isinstance(t, BNode):
                hit = ox.BlankNode(t)
            elif isinstance(t, Literal):
                hit = (ox.Literal(t, language=t.language) if t.language else
                       ox.Literal(t, datatype=ox.NamedNode(t.datatype)) if t.datatype else ox.Literal(t))
            else:
                raise ValueError(f"not an RDF term: {t!r}")
            cache[t] = hit
        return hit

    if getattr(source, "context_aware", False):
        rows = ((s, p, o, getattr(c, "identifier", c)) for s, p, o, c in source.quads((None, None, None, None)))
    else:
        name = source.identifier if name is None else name
        rows = ((s, p, o, name) for s, p, o in source)
    default = ox.DefaultGraph()
    return [ox.Quad(term(s), term(p), term(o), default if g is None or str(g) == "urn:x-rdflib:default" else term(g))
            for s, p, o, g in rows]


def _uriref(iri: str):
    """``URIRef(iri)`` for an IRI Oxigraph has already checked (without rdflib's check again,
    a third of the cost of a large result)."""
    from rdflib import URIRef

    return str.__new__(URIRef, iri)


def rdflib_terms():
    """A function from Oxigraph terms to rdflib terms (None to None), one rdflib term per
    distinct Oxigraph term; ``"x"^^xsd:string`` becomes the plain ``"x"`` (see ``_simple``)."""
    import pyoxigraph as ox

    from .rdf import _string as _string_literal  # (a string Oxigraph has checked: no casting again)
    from rdflib import BNode, Literal, URIRef

    XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
    cache: dict = {}

    def term(t):
        if t is None:
            return None
        hit = cache.get(t)
        if hit is None:
            if isinstance(t, ox.NamedNode):
                hit = _uriref(t.value)
            elif isinstance(t, ox.BlankNode):
                hit = BNode(t.value)
            elif isinstance(t, ox.Literal):
                if t.language:
                    hit = _string_literal(t.value, t.language)
                elif t.datatype.value == XSD_STRING:
                    hit = _string_literal(t.value)
                else:
                    hit = Literal(t.value, datatype=URIRef(t.datatype.value))
            else:
                raise ValueError(f"unexpected term from Oxigraph: {t!r}")
            cache[t] = hit
        return hit

    return term


def _from_oxigraph(result) -> QueryResult:
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(result), raw=result)
    if isinstance(result, ox.QueryTriples):
        # (the rdflib graph is made only if it is read: results.render writes N-Triples and
        # Turtle from these, and at 50,000 triples the graph cost three times the query)
        return QueryResult("CONSTRUCT", triples=list(dict.fromkeys(result)), convert=rdflib_terms())
    names = [v.value for v in result.variables]
    # The engine writes the answer whole as SPARQL TSV, in one call that holds no GIL (kg
    # serve's other threads run meanwhile), and the lines are split here; at 1,000 reports
    # that took about half the time of the engine's terms taken one by one. The rdflib terms
    # are made from the fields when the rows are first read, once per distinct field.
    # (no ``raw`` for the iterators: they are spent, and bound to the thread that ran the
    # query; kept, they fail when dropped in another, as kg serve's answers are)
    _, rows = _tsv_rows(result.serialize(format=ox.QueryResultsFormat.TSV))
    return QueryResult("SELECT", vars=names, fields=rows)


# --------------------------------------------------------------------------- answers read whole


class Strings:
    """A SELECT's answer as columns of plain strings, as :meth:`QueryResult.values` gives
    them (an IRI's text, a literal's value, a blank node's label, None where unbound)."""

    def __init__(self, vars: list[str], columns: list[Sequence], count: int):
        self.vars, self.columns, self.count = vars, columns, count

    def values(self, *names: str) -> list[tuple]:
        """The rows as tuples of the columns ``names`` (default: ``vars``), in that order."""
        names = names or tuple(self.vars)
        _check_names(names, self.vars)
        if not names:
            return [()] * self.count
        return list(zip(*[self.columns[self.vars.index(n)] for n in names]))


def _engine_text(store, prepared: str) -> tuple[bool, bytes] | None:
    """The answer to the SELECT ``prepared`` over the union of the graphs, written out whole
    by Oxigraph in one call that holds no GIL (another thread runs meanwhile): as SPARQL CSV,
    which Python's C parser reads, or as TSV where CSV would be ambiguous (an empty field:
    unbound or an empty string; ``_:``: a blank node or a string so written). Returns
    (TSV?, bytes), or None for another form of query."""
    import pyoxigraph as ox

    result = store.query(prepared, use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions):
        return None
    data = result.serialize(format=ox.QueryResultsFormat.CSV)
    if b",," in data or b",\r\n" in data or b"\r\n," in data or b"\r\n\r\n" in data or b"_:" in data:
        return True, store.query(prepared, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.TSV)
    return False, data


def _strings(tsv: bool, data: bytes) -> Strings:
    """:func:`_engine_text`'s answer read (one str per distinct value where values repeat: a
    large answer repeats its IRIs many times)."""
    if tsv:
        return _tsv_strings(data)
    rows = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""))
    names = next(rows)
    rows = list(rows)
    keep = {}.setdefault
    # (a column whose first thousand values are all different, ids and labels, left as it is)
    columns = [[keep(v, v) for v in column] if len(set(column[:1000])) < len(column[:1000]) else column
               for column in zip(*rows)] if rows else [[] for _ in names]
    return Strings(names, columns, len(rows))


def _tsv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    """SPARQL TSV → the variables' names and each row's fields (the header, then a line per
    row, each ended by a line break; a line break or tab inside a literal is escaped, as in
    N-Triples)."""
    lines = data.decode("utf-8").split("\n")
    names = [v[1:] for v in lines[0].split("\t")] if lines[0] else []
    return names, [line.split("\t") for line in lines[1:-1]]


def _tsv_strings(data: bytes) -> Strings:
    names, rows = _tsv_rows(data)
    if not names:
        return Strings([], [], len(rows))
    text = _TsvTexts()
    columns = [[text[f] for f in column] for column in zip(*rows)] or [[] for _ in names]
    return Strings(names, columns, len(rows))


def _tsv_term(field: str) -> str:
    """A term as SPARQL TSV writes it (N-Triples, or Turtle's bare numbers and booleans) →
    its text (see :meth:`QueryResult.values`)."""
    head = field[0]
    if head == "<":
        return field[1:-1]
    if head == '"':
        text = field[1:field.rindex('"')]
        return _ESCAPE.sub(_unescaped, text) if "\\" in text else text
    if field.startswith("_:"):
        return field[2:]
    return field


class _TsvTexts(dict):
    """Field of SPARQL TSV → its text (:func:`_tsv_term`), each worked out once; "" (unbound)
    → None."""

    def __init__(self):
        super().__init__({"": None})

    def __missing__(self, field: str):
        text = self[field] = _tsv_term(field)
        return text


class _TsvTerms(_TsvTexts):
    """Field of SPARQL TSV → the rdflib term, each made once (``"x"^^xsd:string`` as the
    plain ``"x"``, see ``_simple``); "" (unbound) → None."""

    def __init__(self):
        super().__init__()
        self._term = _tsv_rdf()

    def __missing__(self, field: str):
        term = self[field] = self._term(field)
        return term


def _tsv_rdf():
    """A function from a term as SPARQL TSV writes it to the rdflib term. Oxigraph writes an
    integer, decimal, double or boolean whose lexical form Turtle allows bare (``3``, ``1.5``,
    ``1.0E6``, ``true``), anything else in N-Triples."""
    from rdflib import BNode, Literal

    from .rdf import _string

    xsd = "http://www.w3.org/2001/XMLSchema#"
    string, bare = xsd + "string", {k: _uriref(xsd + k) for k in ("boolean", "double", "decimal", "integer")}
    escape, unescaped = _ESCAPE.sub, _unescaped

    def term(field: str):
        head = field[0]
        if head == "<":
            if field[1] == "<":
                raise ValueError(f"unexpected term from Oxigraph: {field}")
            return _uriref(field[1:-1])
        if head == '"':
            end = field.rindex('"')
            text = field[1:end]
            if "\\" in text:
                text = escape(unescaped, text)
            if end + 1 == len(field):
                return _string(text)
            if field[end + 1] == "@":
                return _string(text, field[end + 2:])
            datatype = field[end + 4:-1]  # ^^<…>
            return _string(text) if datatype == string else Literal(text, datatype=_uriref(datatype))
        if head == "_":
            return BNode(field[2:])
        if field in ("true", "false"):
            kind = "boolean"
        else:
            kind = "double" if "e" in field or "E" in field else "decimal" if "." in field else "integer"
        return Literal(field, datatype=bare[kind])

    return term


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescaped(match) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ESCAPED.get(match.group(3), match.group(0))


class ReadAhead:
    """SELECT answers read by Oxigraph's engine in threads of their own while this thread goes
    on: each lane's queries one after another, the lanes side by side. The engine writes an
    answer whole without the GIL (see :func:`_engine_text`), so the reads of a large store
    run on a core of their own beside Python's work; only turning the text into strings
    comes back to Python. On another backend nothing is read ahead.

    A context manager: leaving it waits for the reads still running (no thread is left
    behind, so that the forked workers of later steps may start). Answers not taken by then
    are dropped.
    """

    def __init__(self, backend, lanes: Sequence[Sequence[str]]):
        self._slots: dict[str, list] = {}  # query text → [done Event, (TSV?, bytes) or None]
        self._threads: list[threading.Thread] = []
        store = _oxigraph_of(backend.graph) if isinstance(backend, GraphBackend) else None
        if store is None:
            return
        for lane in lanes:
            work = []
            for text in lane:
                if text not in self._slots:
                    try:
                        prepared = prepare(backend._wording(text), None, "query", check=False, inline=True)[0]
                    except QueryError:  # (asked the usual way when needed, which says why)
                        continue
                    self._slots[text] = slot = [threading.Event(), None]
                    work.append((prepared, slot))
            if not work:
                continue
            thread = threading.Thread(target=_read_lane, args=(store, work), name="kg-read-ahead", daemon=True)
            thread.start()
            self._threads.append(thread)

    def take(self, text: str) -> Strings | None:
        """The answer to ``text`` read ahead (waiting for it), handed over once; None if it
        was not read ahead, or could not be (asked the usual way, it says why)."""
        slot = self._slots.pop(text, None)
        if slot is None:
            return None
        slot[0].wait()
        return None if slot[1] is None else _strings(*slot[1])

    def close(self) -> None:
        for thread in self._threads:
            thread.join()
        self._threads, self._slots = [], {}

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _read_lane(store, work) -> None:
    for prepared, slot in work:
        try:
            slot[1] = _engine_text(store, prepared)
        except Exception:  # noqa: BLE001  (none read: asked the usual way when needed, which says why)
            pass
        finally:
            slot[0].set()


class RemoteBackend:
    """A SPARQL 1.1 server reached over HTTP (Oxigraph, Fuseki, GraphDB, kg serve …).

    Parameters
    ----------
    query_url : the query endpoint (``http://127.0.0.1:7878/query``)
    update_url : the update endpoint, for :func:`push` on servers without a Graph Store
    gsp_url : the Graph Store Protocol endpoint (Oxigraph ``/store``, Fuseki ``/ds/data``)

    kg's reports live in named graphs; queries name them as the default graph
    (``default-graph-uri``) so they see the union on any server, whatever its own
    default-graph setting.
    """

    name = "endpoint"

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None, timeout: float = 60):
        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.timeout = timeout
        self._graphs: list[str] | None = None

    def _request(self, url: str, data: bytes, content_type: str, accept: str | None = None, method: str = "POST"):
        headers = {"Content-Type": content_type, "User-Agent": "kg"}
        if accept:
            headers["Accept"] = accept
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip()
            raise KgError(f"{url}: HTTP {exc.code} {exc.reason}: {body[:500]}") from None
        except urllib.error.URLError as exc:
            raise KgError(f"{url}: cannot connect ({exc.reason}); is the server running?") from None

    def report_graphs(self) -> list[str]:
        if self._graphs is None:
            body, _ = self._post_query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", [],
                                       "application/sparql-results+json")
            graphs = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
            self._graphs = sorted(g for g in graphs if _is_kg_graph(g))
        return self._graphs

    def _post_query(self, text: str, default_graphs: Sequence[str], accept: str,
                    named_graphs: Sequence[str] | None = None):
        # kg's graphs form the default graph (their union) and stay reachable with GRAPH <…>
        named = default_graphs if named_graphs is None else named_graphs
        form = ([("query", text)] + [("default-graph-uri", g) for g in default_graphs]
                + [("named-graph-uri", g) for g in named])
        data = urllib.parse.urlencode(form).encode("utf-8")
        return self._request(self.query_url, data, "application/x-www-form-urlencoded", accept)

    def query(self, text: str, bindings: Mapping[str, Any] | None = None, source: str = "query",
              default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None) -> QueryResult:
        prepared, _ = prepare(text, bindings, source)
        form = query_form(prepared)
        if default_graphs is None and named_graphs is None:
            graphs, named = self.report_graphs(), None
        else:
            graphs, named = list(default_graphs or ()), list(named_graphs or ())
        if form in ("SELECT", "ASK"):
            body, _ = self._post_query(prepared, graphs, "application/sparql-results+json", named)
            return _from_json(json.loads(body))
        from rdflib import Graph

        body, _ = self._post_query(prepared, graphs, "application/n-triples", named)
        return QueryResult(form, graph=Graph().parse(data=body.decode("utf-8"), format="nt"))


def _is_kg_graph(iri: str) -> bool:
    """A report's graph or the analysis results (other graphs on a shared server are not kg's)."""
    return iri.startswith(DATA_NS) or iri == ANALYSIS_GRAPH


def _from_json(doc: dict) -> QueryResult:
    if "boolean" in doc:
        return QueryResult("ASK", boolean=bool(doc["boolean"]), raw=doc)
    names = doc["head"].get("vars", [])
    rows = [{k: _term(v) for k, v in b.items()} for b in doc["results"]["bindings"]]
    return QueryResult("SELECT", vars=names, rows=rows, raw=doc)


def _term(binding: dict):
    from rdflib import BNode, Literal, URIRef

    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    return Literal(value, lang=binding.get("xml:lang"), datatype=binding.get("datatype"))


# --------------------------------------------------------------------------- opening a store


def _oxigraph_dataset(directory: str | None):
    try:
        import oxrdflib  # noqa: F401  (registers the "Oxigraph" store)
    except ImportError:
        raise UsageError("the Oxigraph store needs oxrdflib: pip install 'kg[oxigraph]'") from None
    from rdflib import Dataset

    ds = Dataset(store="Oxigraph", default_union=True)
    if directory:
        path = Path(directory)
        if path.exists() and not path.is_dir():
            raise UsageError(f"--store oxigraph:{directory}: not a folder")
        if path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").is_file():
            raise UsageError(f"--store oxigraph:{directory}: the folder holds other files, not an Oxigraph store; "
                             "give a new or empty folder")
        Path(directory).parent.mkdir(parents=True, exist_ok=True)
        try:
            ds.open(str(directory), create=not path.exists())
        except (OSError, ValueError) as exc:
            raise KgError(f"cannot open the Oxigraph store in {directory}: {exc}") from None
    return ds


def _oxigraph_store():
    """A new pyoxigraph Store in memory."""
    try:
        import pyoxigraph as ox
    except ImportError:
        raise UsageError("the Oxigraph store needs pyoxigraph: pip install 'kg[oxigraph]'") from None
    return ox.Store()


def default_store() -> str:
    """``oxigraph`` (Oxigraph's engine, in memory) when pyoxigraph and oxrdflib are installed
    — they are dependencies of kg, so normally — else ``memory`` (rdflib's pure-Python
    engine). (Looked up, not imported: oxrdflib's import alone takes a fifth of a second.)"""
    from importlib.util import find_spec

    return "oxigraph" if find_spec("pyoxigraph") and find_spec("oxrdflib") else "memory"


def parse_store(spec: str) -> tuple[str, str | None]:
    """``memory`` | ``oxigraph`` | ``oxigraph:DIR`` → (kind, directory)."""
    kind, _, directory = spec.partition(":")
    if kind not in ("memory", "oxigraph") or (kind == "memory" and directory):
        raise UsageError(f"--store {spec}: expected memory, oxigraph or oxigraph:DIR")
    return kind, directory or None


def load_into(ds, kg_graph) -> None:
    """Copy every named graph of a KnowledgeGraph into ``ds`` (replacing graphs of the same name)."""
    from .pipeline import serialize

    for g in kg_graph.graph.graphs():
        if len(g):
            ds.remove_graph(ds.graph(g.identifier))
    store = _oxigraph_of(ds)
    if store is not None:
        store.bulk_extend(ox_quads(kg_graph.graph))  # straight in, no text in between
    else:
        ds.parse(data=serialize(kg_graph.graph, "nquads"), format="nquads")


def open_backend(store: str | None = None, endpoint: str | None = None, data: str | Path | None = None,
                 update_url: str | None = None, gsp_url: str | None = None):
    """The backend for a command: a remote endpoint, a persistent Oxigraph folder, or the data.

    * ``endpoint`` — a running SPARQL server (filled by ``kg push``);
    * ``store="oxigraph:DIR"`` — a persistent embedded store; built from the data when empty;
    * ``store="oxigraph"`` (default, see :func:`default_store`) / ``"memory"`` (rdflib's
      engine) — the data loaded for this run.
    """
    if endpoint:
        return RemoteBackend(endpoint, update_url=update_url, gsp_url=gsp_url)
    from .api import load

    kind, directory = parse_store(store or default_store())
    if kind == "memory":
        return GraphBackend(load(data).graph, "memory")
    if directory is None:
        # a bare pyoxigraph Store: asked straight (see GraphBackend.query), it needs neither
        # oxrdflib nor rdflib's SPARQL parser, whose imports took a fifth of a second of
        # every `kg query`
        store = _oxigraph_store()
        fill_from_data(store, data)
        return GraphBackend(store, "oxigraph")
    path = Path(directory)
    if path.is_dir() and any(path.iterdir()):
        ds = _oxigraph_dataset(directory)
        # (does it hold anything: one quad is enough; ``len(ds)`` would read every quad
        # into Python, seconds and GiBs for a large store, on every command that opens it)
        if next(iter(ds.store._inner.quads_for_pattern(None, None, None, None)), None) is not None:
            return GraphBackend(ds, f"oxigraph:{directory}", on_disk=True)
        ds.close()
    # build into a fresh folder beside it and move that into place once complete: a failed
    # build leaves no half-filled store behind for the next command to trust
    import os
    import shutil
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.building-", dir=path.parent))
    staging.rmdir()  # Oxigraph creates it
    try:
        ds = _oxigraph_dataset(str(staging))
        try:
            fill_from_data(ds, data)
            ds.store._inner.flush()
        finally:
            ds.close()  # also on a data error: RocksDB must be shut before its folder is removed
        if path.exists():
            shutil.rmtree(path)
        os.replace(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return GraphBackend(_oxigraph_dataset(directory), f"oxigraph:{directory}", on_disk=True)


@collector_paused()
def fill_from_data(ds, data: str | Path | None = None, workers: int | None = None) -> list[str]:
    """Build the reports under ``data`` (default: the bundled ones) into an Oxigraph store
    ``ds`` (a pyoxigraph Store, or an rdflib dataset kept by oxrdflib).

    One report at a time: each report's models and triples are let go once its quads are
    written, so memory holds the store and a few reports' N-Quads, not the whole corpus
    three times over. With several reports and cores, worker processes read and build
    reports side by side and hand their N-Quads to this process, which streams them into
    one bulk load of the store (:class:`_LoadStream`) while the workers build the next
    (``workers``: how many; default one per core, 1 = none).
    Returns the report ids. A data error is raised after every report has been checked; the
    store then holds only part of the data and must be thrown away.
    """
    from .errors import DataError
    from .loader import find_report_dirs, iter_reports
    from .procs import can_fork, cores
    from .resources import bundled_data_dir

    store = _oxigraph_of(ds)
    data_dir = Path(data) if data is not None else bundled_data_dir()
    dirs = find_report_dirs(data_dir) if data_dir.is_dir() else []
    workers = workers or cores()
    if workers < 2 or len(dirs) < 4 or not can_fork():
        ids = []
        for report in iter_reports(data_dir):
            store.bulk_extend(_report_quads(report))
            ids.append(report.id)
        return ids
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    ids, problems = [], []
    workers = min(workers, len(dirs))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        # a few reports ahead of the store, not all of them: when the store takes them in
        # more slowly than the workers build them, the N-Quads of every report would
        # otherwise wait in this process's memory
        queued = iter(dirs)
        ahead: deque = deque()

        def submit() -> None:
            while len(ahead) < 2 * workers:
                following = next(queued, None)
                if following is None:
                    return
                ahead.append(pool.submit(_report_nquads, following))

        submit()  # (forks the workers: before the loader's thread starts, never after)
        with _LoadStream(store) as load:
            while ahead:
                report_id, nquads, errors = ahead.popleft().result()
                submit()
                problems.extend(errors)
                if nquads and not problems:
                    load.write(nquads)
                    ids.append(report_id)
    if problems:
        raise DataError(problems)
    return ids


class _LoadStream:
    """One bulk load of a store, fed N-Quads as they come: Oxigraph's loader reads a named
    pipe in a thread of its own (it lets go of the GIL) while this process writes into the
    pipe. At 1,000 reports on disk, bulk loads of 32 MiB of bytes cost the loader about 55
    CPU-s more than one load of the whole (219 against 164 CPU-s) and left more RocksDB
    files for every later read; one load of a file written first left the loader's spare
    core idle while the workers ran, and the workers' while it loaded (139 s, the load
    alone 92). (A Python file object as the loader's input is read in small pieces under
    the GIL: slower still.)

    A failed load raises its error from :meth:`write` or at the end of the ``with``."""

    def __init__(self, store):
        self.store = store
        self.error: BaseException | None = None

    def __enter__(self):
        import os
        import tempfile
        import threading

        self.folder = tempfile.mkdtemp(prefix="kg-load-")
        self.path = os.path.join(self.folder, "quads.nq")
        os.mkfifo(self.path, 0o600)
        self.thread = threading.Thread(target=self._load, name="kg-bulk-load", daemon=True)
        self.thread.start()
        try:
            self.pipe = open(self._writer(), "wb")
        except BaseException:
            self._finish()
            raise
        return self

    def _load(self) -> None:
        import pyoxigraph as ox

        try:
            self.store.bulk_load(path=self.path, format=ox.RdfFormat.N_QUADS)
        except BaseException as exc:  # (raised again in the writing thread)
            self.error = exc

    def _writer(self) -> int:
        """The pipe's writing end, once the loader has opened its reading end (tried without
        waiting, so a loader that failed first cannot leave this process waiting forever)."""
        import errno
        import os
        import time

        while True:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # (ENXIO: no reader yet)
                    raise
                if not self.thread.is_alive():
                    raise self.error or KgError("Oxigraph's bulk load ended before reading") from None
                time.sleep(0.001)
                continue
            os.set_blocking(fd, True)
            return fd

    def write(self, nquads: bytes) -> None:
        try:
            self.pipe.write(nquads)
        except BrokenPipeError:  # the loader stopped reading: its error says why
            self._finish()
            raise self.error or KgError("Oxigraph's bulk load stopped reading") from None

    def _finish(self) -> None:
        import shutil

        pipe = getattr(self, "pipe", None)
        if pipe is not None and not pipe.closed:
            try:
                pipe.close()  # the loader reads to the end of what was written
            except BrokenPipeError:
                pass
        self.thread.join()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __exit__(self, exc_type, exc, tb) -> None:
        self._finish()
        if self.error is not None and exc_type is None:
            raise self.error


def _report_quads(report) -> list:
    from .rdf import ReportIRIs, TripleList, add_report

    triples = TripleList()
    add_report(triples, report)
    return ox_quads(set(triples), ReportIRIs(report.id).graph)


def _report_nquads(report_dir: Path):
    """In a worker: (report id, its quads as N-Quads bytes, problems found)."""
    import pyoxigraph as ox

    from .errors import DataError
    from .loader import load_report

    from .rdf import ReportIRIs, TripleList, add_report

    try:
        report = load_report(report_dir, fast=True)  # (a worker: no other thread writes to stderr)
    except DataError as exc:
        return None, b"", exc.problems
    triples = TripleList()
    add_report(triples, report)
    return report.id, _nquads(triples, ReportIRIs(report.id).graph), []


def _nquads(triples, graph) -> bytes:
    """rdflib triples in the named graph ``graph`` as N-Quads, written directly (what
    ``ox.serialize`` of :func:`ox_quads` gives, at a third of the cost; a worker's largest
    step after YAML), each triple once. IRIs are written as they are: kg makes them from
    checked ids, and the store's parser rejects one that is not an IRI.

    Each term object is written once, found by its identity (hashing an rdflib literal
    costs more than writing it); equal terms give equal text, so the lines are deduplicated
    as strings."""
    from rdflib import BNode, Literal, URIRef

    def text(t) -> str:
        if isinstance(t, URIRef):
            return f"<{t}>"
        if isinstance(t, Literal):
            lexical = ('"' + str(t).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                       .replace("\r", "\\r") + '"')
            return (f"{lexical}@{t.language}" if t.language else
                    f"{lexical}^^<{t.datatype}>" if t.datatype is not None and str(t.datatype) != _XSD_STRING else lexical)
        if isinstance(t, BNode):
            return f"_:{t}"
        raise ValueError(f"not an RDF term: {t!r}")

    terms = {id(t): t for triple in triples for t in triple}  # (alive as long as triples)
    written = {key: text(t) for key, t in terms.items()}
    g = f" <{graph}> .\n"
    lines = dict.fromkeys([f"{written[id(s)]} {written[id(p)]} {written[id(o)]}{g}" for s, p, o in triples])
    return "".join(lines).encode("utf-8")


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def run_query(query, params: Mapping[str, Any] | None = None, backend=None, lang: str | None = None,
              data: str | Path | None = None, reports: Sequence[str] | None = None) -> QueryResult:
    """Run a named query or any query text, with parameters bound as RDF terms.

    Parameters
    ----------
    query : a named query's name (see ``kg queries``), a :class:`~kg.sparql.NamedQuery`,
        or SPARQL text
    params : name → value; strings are parsed as terms (a bare word is a plain string),
        rdflib terms are used as they are
    backend : from :func:`open_backend`; default: the bundled data in memory
    lang : "zh" or "en", bound as ``?lang`` when the query declares that parameter
    data : the data folder for the default backend
    reports : report ids: run over these reports' graphs only (their merge is the default
        graph, GRAPH reaches each) instead of every report — a listing of one report of a
        large corpus then costs what that report costs

    Raises
    ------
    QueryError
        A syntax error (line, column, token), a bad or missing parameter.

    Examples
    --------
    >>> from kg.store import run_query
    >>> rows = run_query("entity-facts", {"entity": "alipay"}).dicts()   # doctest: +SKIP
    >>> run_query("ASK { ?d a kgo:Driver }").boolean                      # doctest: +SKIP
    True
    """
    from rdflib.term import Identifier

    from .sparql import NamedQuery, parse_header

    if isinstance(query, NamedQuery):
        named = query
    elif _looks_like_name(query):
        named = get_named_query(query)
    else:
        named = parse_header(query, "query")
    from .sparql import QUERY_DIR

    source = f"{named.name}.rq" if named.path.parent == QUERY_DIR else named.name
    bindings = {}
    for name, value in (params or {}).items():
        bindings[name] = value if isinstance(value, Identifier) else parse_term(str(value), name)
    declared = {p.name: p for p in named.params}
    if declared:
        unknown = set(bindings) - set(declared)
        if unknown:
            raise QueryError(f"unknown parameter(s) {', '.join(sorted(unknown))}; this query takes: "
                             f"{', '.join(declared)}", source=source)
        if lang is not None and "lang" in declared and "lang" not in bindings:
            bindings["lang"] = parse_term(f'"{_check_lang(lang)}"', "lang")
        for p in named.params:
            if p.name not in bindings:
                if p.required:
                    raise QueryError(f"missing required parameter '{p.name}' ({p.description})", source=source)
                bindings[p.name] = parse_term(p.default, p.name)
    elif lang is not None and "?lang" in named.text and "lang" not in bindings:
        bindings["lang"] = parse_term(f'"{_check_lang(lang)}"', "lang")
    backend = backend or open_backend(data=data)
    if reports is None:
        return backend.query(named.text, bindings, source)
    graphs = report_graph_iris(backend, reports)
    return backend.query(named.text, bindings, source, default_graphs=graphs, named_graphs=graphs)


def report_ids(backend) -> list[str]:
    """The ids of the reports in ``backend``, sorted (read off their named graphs' IRIs)."""
    return sorted(g[len(DATA_NS):].rsplit("/graph", 1)[0] for g in backend.report_graphs() if g.startswith(DATA_NS))


def report_graph_iris(backend, reports: Sequence[str]) -> list[str]:
    """The named graphs of these report ids in ``backend``; a UsageError names an unknown one
    and the reports there are."""
    from .rdf import ReportIRIs

    present = set(backend.report_graphs())
    graphs = [str(ReportIRIs(r).graph) for r in reports]
    missing = [r for r, g in zip(reports, graphs) if g not in present]
    if missing:
        known = report_ids(backend)
        shown = ", ".join(known[:20]) + (f", … ({len(known)} in all)" if len(known) > 20 else "")
        raise UsageError(f"no report {', '.join(repr(r) for r in missing)} in this store; "
                         f"its reports: {shown or 'none'}")
    return graphs


def _looks_like_name(query: str) -> bool:
    import re

    return re.fullmatch(r"[\w.-]+", query.strip()) is not None


def _check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise UsageError(f"--lang {lang}: expected zh or en")
    return lang


# --------------------------------------------------------------------------- push


def push(kg_graph, endpoint: str | None = None, gsp_url: str | None = None, update_url: str | None = None,
         store: str | None = None) -> list[str]:
    """Load every report's named graph into a server (or a persistent Oxigraph folder).

    With a Graph Store Protocol URL each graph is replaced by an HTTP PUT of N-Triples;
    with only an update URL, by ``DROP SILENT GRAPH`` then ``INSERT DATA``. Returns the graph
    IRIs written.
    """
    graphs = [g for g in kg_graph.graph.graphs() if len(g)]
    if store:
        kind, directory = parse_store(store)
        if kind != "oxigraph" or directory is None:
            raise UsageError("kg push --store needs oxigraph:DIR (a persistent folder)")
        ds = _oxigraph_dataset(directory)
        load_into(ds, kg_graph)
        ds.close()
        return [str(g.identifier) for g in graphs]
    if not endpoint and not gsp_url and not update_url:
        raise UsageError("kg push needs --endpoint URL (and --gsp-url or --update-url), or --store oxigraph:DIR")
    return put_graphs(graphs, endpoint, gsp_url=gsp_url, update_url=update_url)


def put_graphs(graphs, endpoint: str | None, gsp_url: str | None = None, update_url: str | None = None) -> list[str]:
    """Replace named graphs on a server: HTTP PUT (Graph Store Protocol) when a GSP URL is
    given or can be guessed from ``endpoint``, else ``DROP SILENT GRAPH`` + ``INSERT DATA``."""
    if gsp_url is None and update_url is None:
        gsp_url = _guess_gsp(endpoint)
    remote = RemoteBackend(endpoint or "", update_url=update_url, gsp_url=gsp_url)
    written = []
    for g in graphs:
        nt = serialize_graph(g)
        if gsp_url:
            url = f"{gsp_url}{'&' if '?' in gsp_url else '?'}graph={urllib.parse.quote(str(g.identifier), safe='')}"
            remote._request(url, nt.encode("utf-8"), "application/n-triples", method="PUT")
        else:
            update = f"DROP SILENT GRAPH <{g.identifier}> ;\nINSERT DATA {{ GRAPH <{g.identifier}> {{\n{nt}}} }}"
            remote._request(update_url, update.encode("utf-8"), "application/sparql-update")
        written.append(str(g.identifier))
    return written


def store_graph(backend, graph) -> None:
    """Put one named graph (an rdflib Graph with an identifier) into a backend, replacing a
    graph of the same name: into the dataset of a local store, or onto a remote server."""
    if isinstance(backend, RemoteBackend):
        put_graphs([graph], backend.query_url, gsp_url=backend.gsp_url, update_url=backend.update_url)
        backend._graphs = None
        return
    ds = backend.graph
    store = _oxigraph_of(ds)
    if store is not None:  # one bulk load rather than a call per triple
        import pyoxigraph as ox

        store.remove_graph(ox.NamedNode(str(graph.identifier)))
        store.bulk_extend(ox_quads(graph))
    else:
        ds.remove_graph(ds.graph(graph.identifier))
        target = ds.graph(graph.identifier)
        for triple in graph:
            target.add(triple)


def serialize_graph(g) -> str:
    """One graph's triples as N-Triples (for a Graph Store PUT or an INSERT DATA)."""
    from .pipeline import serialize

    return serialize(g, "ntriples")


def _guess_gsp(endpoint: str | None) -> str:
    if endpoint and endpoint.rstrip("/").endswith("/query"):
        return endpoint.rstrip("/")[: -len("/query")] + "/store"
    raise UsageError("cannot tell the server's Graph Store URL; give --gsp-url (Oxigraph: …/store, "
                     "Fuseki: …/DATASET/data) or --update-url")
