"""Query results in every format kg speaks: defined once, used by ``kg query`` and ``kg serve``.

SELECT: ``table`` (aligned, Chinese-width aware), ``csv`` and ``tsv`` (SPARQL 1.1 CSV/TSV
results), ``json`` (SPARQL 1.1 JSON results), ``jsonl`` (one plain object per row), ``xml``
(SPARQL XML results). ASK: the same formats carry a boolean; ``table`` prints true/false.
CONSTRUCT/DESCRIBE: ``turtle``, ``jsonld``, ``ntriples`` (a graph from Oxigraph is written
in Turtle and N-Triples by Oxigraph's serializer, without making an rdflib graph first).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from xml.sax.saxutils import escape, quoteattr

from .schema import DATA_NS
from .sparql import PREFIXES
from .store import QueryResult

__all__ = ["SELECT_FORMATS", "GRAPH_FORMATS", "MEDIA_TYPES", "render"]

SELECT_FORMATS = ("table", "csv", "tsv", "json", "jsonl", "xml")
GRAPH_FORMATS = ("turtle", "jsonld", "ntriples")
GRAPH_ALIASES = {"ttl": "turtle", "json-ld": "jsonld", "nt": "ntriples"}

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "table": "text/plain; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
}


def render(result: QueryResult, fmt: str) -> str:
    """The result as text in ``fmt`` (see the module docstring); raises ValueError for a
    format that does not fit the query form."""
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        fmt = GRAPH_ALIASES.get(fmt, fmt)
        if fmt not in GRAPH_FORMATS:
            raise ValueError(f"a {result.form} query gives a graph: use --format {', '.join(GRAPH_FORMATS)}")
        if result.engine_triples is not None and fmt in ("turtle", "ntriples"):
            return _oxigraph_text(result.engine_triples, fmt)
        from .rdf import bind_prefixes

        g = result.graph
        bind_prefixes(g)
        text = g.serialize(format={"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}[fmt])
        return _sorted_lines(text) if fmt == "ntriples" else text
    if fmt not in SELECT_FORMATS:
        raise ValueError(f"a {result.form} query gives rows: use --format {', '.join(SELECT_FORMATS)}")
    if result.form == "ASK":
        return _ask(result.boolean, fmt)
    return {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "jsonl": _jsonl, "xml": _xml}[fmt](result)


def _oxigraph_text(triples, fmt: str) -> str:
    """Turtle or N-Triples of a graph from Oxigraph, written by Oxigraph's own serializer
    (at 50,000 triples a tenth of a second, where rdflib's Turtle took four), as ``kg build``
    writes its files: the triples in order (N-Triples: the same sorted lines as from rdflib's
    graph), Turtle with the prefixes of :data:`kg.sparql.PREFIXES` that its IRIs use."""
    import pyoxigraph as ox

    from .pipeline import _order, _used_prefixes

    if fmt == "ntriples":
        return _sorted_lines(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
    triples = sorted(triples, key=_order)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                        prefixes=_used_prefixes(PREFIXES.items(), triples)).decode("utf-8")


def _sorted_lines(text: str) -> str:
    """N-Triples text with its lines sorted (the same graph gives the same text)."""
    return "".join(sorted(line + "\n" for line in text.splitlines() if line.strip()))


# --------------------------------------------------------------------------- ASK


def _ask(value: bool, fmt: str) -> str:
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n")
    if fmt == "jsonl":
        return json.dumps({"boolean": value}) + "\n"
    if fmt in ("csv", "tsv"):
        return f"{'?' if fmt == 'tsv' else ''}boolean\n{word}\n"
    return word + "\n"


# --------------------------------------------------------------------------- terms


def short(term) -> str:
    """A compact, readable form: prefixed names, ``report:id`` for kg's own IRIs, literal text."""
    from rdflib import URIRef

    if term is None:
        return ""
    if isinstance(term, URIRef):
        s = str(term)
        if s.startswith(DATA_NS):
            rid, _, rest = s[len(DATA_NS):].partition("/")
            kind, _, local = rest.partition("/")
            return f"{rid}:{local}" if kind == "entity" else f"{rid}:{rest}" if rest else rid
        for prefix, ns in PREFIXES.items():
            if s.startswith(ns):
                return f"{prefix}:{s[len(ns):]}"
        return f"<{s}>"
    return str(term)


def _kind(term) -> str:
    from rdflib import BNode, URIRef

    return "uri" if isinstance(term, URIRef) else "bnode" if isinstance(term, BNode) else "literal"


def _json_term(term) -> dict:
    kind = _kind(term)
    out = {"type": kind, "value": str(term)}
    if kind == "literal":
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
    return out


# --------------------------------------------------------------------------- SELECT


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(result: QueryResult) -> str:
    header = result.vars
    rows = [[short(r.get(v)).replace("\n", " ") for v in header] for r in result.rows]
    widths = [max([_width(h)] + [_width(row[i]) for row in rows]) for i, h in enumerate(header)]

    def line(cells):
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _csv(result: QueryResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(result.vars)
    for r in result.rows:
        w.writerow(["" if r.get(v) is None else str(r[v]) for v in result.vars])
    return buf.getvalue()


def _tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    for r in result.rows:
        lines.append("\t".join("" if r.get(v) is None else r[v].n3() for v in result.vars))
    return "\n".join(lines) + "\n"


def _json(result: QueryResult) -> str:
    doc = {
        "head": {"vars": result.vars},
        "results": {"bindings": [{k: _json_term(v) for k, v in r.items()} for r in result.rows]},
    }
    return json.dumps(doc, ensure_ascii=False) + "\n"


def _jsonl(result: QueryResult) -> str:
    return "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in result.dicts())


def _xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in result.vars]
    out += ["</head>", "<results>"]
    for r in result.rows:
        out.append("<result>")
        for name, term in r.items():
            kind = _kind(term)
            if kind == "literal":
                attr = (f" xml:lang={quoteattr(term.language)}" if term.language
                        else f" datatype={quoteattr(str(term.datatype))}" if term.datatype else "")
                body = f"<literal{attr}>{escape(str(term))}</literal>"
            else:
                body = f"<{kind}>{escape(str(term))}</{kind}>"
            out.append(f"<binding name={quoteattr(name)}>{body}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"
