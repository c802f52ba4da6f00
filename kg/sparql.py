"""SPARQL on the graph: named queries, safely bound parameters, readable syntax errors.

A named query is a ``kg/queries/<name>.rq`` file whose header comment says what it is::

    # title: Drivers ranked by influence
    # question: Which drivers push the market hardest?
    # param: lang = "en"   language of the labels (zh or en)
    # param: entity        id of the entity (required)

Parameters are bound as RDF terms, never pasted as text: each value is parsed into a
term (an IRI, a literal, a number; a bare word is a plain string) and the query gets a
``VALUES`` block for it at the top of its outer ``WHERE`` group, and at the top of every
sub-select that uses the same variable (a parameter is a constant wherever it appears, as
in Jena's parameterised queries; without this a sub-select, evaluated on its own, would
work through the whole graph). The same mechanism works on every store — rdflib in memory,
embedded Oxigraph and a remote SPARQL server — so a query returns the same rows everywhere.

The usual prefixes (``kgo skos prov dcterms rdf rdfs xsd owl schema org``) are declared
for any query that does not declare them itself.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import KgError, UsageError
from .schema import ONTOLOGY_NS

__all__ = [
    "QueryError",
    "NamedQuery",
    "Param",
    "named_queries",
    "get_named_query",
    "parse_header",
    "parse_term",
    "prepare",
    "PREFIXES",
]

QUERY_DIR = Path(__file__).resolve().parent / "queries"

PREFIXES: dict[str, str] = {
    "kgo": ONTOLOGY_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
}


class QueryError(KgError):
    """A query that cannot run: a syntax error (with line, column, token) or a bad parameter."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, source: str = "query"):
        self.line, self.column, self.source = line, column, source
        where = source
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: {message}")


# --------------------------------------------------------------------------- named queries


@dataclass(frozen=True)
class Param:
    """A parameter a named query takes; ``default`` is an RDF term in text form, or None."""

    name: str
    description: str = ""
    default: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class NamedQuery:
    """A query shipped with kg: its name, title, the question it answers, its parameters."""

    name: str
    title: str
    question: str
    params: tuple[Param, ...]
    text: str
    path: Path = field(compare=False)

    @property
    def form(self) -> str:
        return query_form(self.text)


_HEADER = re.compile(r"^#\s*(title|question|param):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*(?:=\s*(\"[^\"]*\"(?:@[\w-]+)?|\S+))?\s*(.*)$")


def _parse_named(path: Path) -> NamedQuery:
    query = parse_header(path.read_text(encoding="utf-8"), path.stem, path)
    if not query.title or not query.question:
        raise QueryError("a named query needs '# title:' and '# question:' header lines", source=str(path))
    return query


def parse_header(text: str, name: str, path: Path | None = None) -> NamedQuery:
    """Read the ``# title: / # question: / # param:`` header of a query (all optional here)."""
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key == "param":
            pm = _PARAM.match(value)
            if pm is None:
                raise QueryError(f"malformed param line: {line!r}", source=str(path or name))
            pname, default, description = pm.groups()
            params.append(Param(pname, description.strip(" -—"), default))
        elif key in meta:
            meta[key] += " " + value.strip()
        else:
            meta[key] = value.strip()
    return NamedQuery(name, meta.get("title", ""), meta.get("question", ""), tuple(params), text,
                      path or Path(name))


@lru_cache(maxsize=1)
def named_queries() -> dict[str, NamedQuery]:
    """Every query shipped in ``kg/queries``, by name (the file name without ``.rq``).

    Examples
    --------
    >>> from kg.sparql import named_queries
    >>> "drivers-by-influence" in named_queries()   # doctest: +SKIP
    True
    """
    return {p.stem: _parse_named(p) for p in sorted(QUERY_DIR.glob("*.rq"))}


def get_named_query(name: str) -> NamedQuery:
    """A named query by name; the error lists the closest names."""
    import difflib

    queries = named_queries()
    if name in queries:
        return queries[name]
    hint = difflib.get_close_matches(name, list(queries), n=3)
    raise UsageError(f"no named query '{name}'" + (f"; did you mean: {', '.join(hint)}?" if hint
                                                   else "; `kg queries` lists them"))


# --------------------------------------------------------------------------- parameters

_IRI = re.compile(r"^[a-zA-Z][\w+.-]*:[^\s<>\"{}|\\^`]*$")
_QUOTED = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')(@[a-zA-Z]+(-[a-zA-Z0-9]+)*|\^\^\S+)?$""")
_BARE_WORD = re.compile(r"^[\w.-]+$", re.UNICODE)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$")


def parse_term(value: str, name: str = "param"):
    """Parse a parameter value into an RDF term.

    Accepted: ``<http://…>``, ``prefix:local`` (known prefixes), ``"text"``, ``"text"@zh``,
    ``"5"^^xsd:integer``, numbers, ``true``/``false``, and a bare word (letters, digits,
    ``-``, ``_``, ``.``), which is a plain string such as an entity id.

    >>> parse_term("alipay")
    rdflib.term.Literal('alipay')
    >>> parse_term('"支付寶"@zh')
    rdflib.term.Literal('支付寶', lang='zh')
    """
    from rdflib import Literal, URIRef
    from rdflib.util import from_n3

    v = value.strip()
    if not v:
        raise QueryError(f"parameter '{name}' is empty; expected an RDF term", source="--param")
    if v.startswith("<"):
        if v.endswith(">") and _IRI.match(v[1:-1]):
            return URIRef(v[1:-1])
        v = "\x00"  # falls through to the error below
    if v[0] in "\"'" and not _QUOTED.match(v):
        v = "\x00"
    try:
        if v in ("true", "false") or _NUMBER.match(v) or v[0] in "<\"'" or (":" in v and not v.startswith("_:")):
            term = from_n3(v, nsm=_namespace_manager())
            if isinstance(term, URIRef) and not _IRI.match(str(term)):
                raise ValueError("not an absolute IRI")
            if isinstance(term, (URIRef, Literal)):
                return term
        elif _BARE_WORD.match(v):
            return Literal(v)
    except Exception:  # rdflib raises many kinds for bad N3
        pass
    raise QueryError(
        f"parameter '{name}': {value!r} is not an RDF term; use <http://…>, prefix:name, \"text\", "
        f"\"text\"@en, a number, true/false, or a bare word such as an id",
        source="--param",
    )


@lru_cache(maxsize=1)
def _namespace_manager():
    from rdflib import Graph

    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g.namespace_manager


# --------------------------------------------------------------------------- query text


# strings, IRIs and comments: no SPARQL code inside
_INERT = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
)
_STRINGS_AND_COMMENTS = re.compile(_INERT)
_TOKEN = re.compile(_INERT + r"|[{}]" + r"|[A-Za-z_][\w-]*")


def _tokens(text: str) -> Iterable[re.Match]:
    return _TOKEN.finditer(text)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (by the first such keyword outside strings/comments)."""
    for m in _tokens(text):
        word = m.group(0).upper()
        if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return word
    return "SELECT"


def _outer_group_start(text: str) -> int | None:
    """Offset just after the ``{`` that opens the outer WHERE group, or None."""
    form = None
    groups: list[int] = []
    depth = 0
    for m in _tokens(text):
        tok = m.group(0)
        if form is None and tok.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = tok.upper()
        if tok == "{":
            if depth == 0:
                groups.append(m.end())
            depth += 1
        elif tok == "}":
            depth -= 1
    if not groups:
        return None
    if form == "CONSTRUCT" and len(groups) >= 2:
        return groups[1]  # the first group is the template
    return groups[0]


def declared_prefixes(text: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"(?im)^\s*PREFIX\s+([\w-]*)\s*:", text)}


def prepare(text: str, bindings: Mapping[str, Any] | None = None, source: str = "query",
            check: bool = True, inline: bool = False) -> tuple[str, int]:
    """The query text to run: known prefixes declared, parameters bound by a VALUES block.

    The result depends only on the arguments, and the parameters' terms only by their N3
    form, so it is kept for the texts (up to 64 kB) and values met most recently: working a
    named query's text over took 2 ms of the 10 ms its run takes on the bundled report.

    Returns the text and the number of lines added before the user's first line (to map
    parser positions back). Raises :class:`QueryError` for a syntax error, with the line
    and column in the user's text and the offending token — unless ``check`` is false,
    for a caller whose engine parses the text anyway and comes back here on a syntax error
    (rdflib's parser, which finds the position, takes longer than most queries on Oxigraph).

    ``inline``: also write each parameter as a constant into the patterns and filters that
    use it (the VALUES blocks stay, for the projection). Same answers; Oxigraph's planner
    orders its joins by the constants it sees, and a value bound by VALUES is not one, so
    without this it can walk the whole store for a one-entity query (see :func:`inline_params`).
    """
    terms = tuple((k, v.n3()) for k, v in bindings.items()) if bindings else ()
    if len(text) > _MEMO_TEXT:  # (a long text is not kept: kg serve takes texts of up to 1 MB)
        return _prepared.__wrapped__(text, terms, source, check, inline)
    return _prepared(text, terms, source, check, inline)


_MEMO_TEXT = 1 << 16  # the longest query text prepare() keeps (named queries: a few kB)


class _N3(str):
    """A term already written as N3 (what :func:`_prepared` needs of a parameter's term)."""

    def n3(self) -> str:
        return str(self)


@lru_cache(maxsize=512)
def _prepared(text: str, terms: tuple, source: str, check: bool, inline: bool) -> tuple[str, int]:
    bindings = {k: _N3(n3) for k, n3 in terms}
    missing = [p for p in PREFIXES if p not in declared_prefixes(text)]
    head = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing)
    full = head + text
    offset = len(missing)
    _check_prefixes(full, offset, source)
    if check:
        check_syntax(full, offset, source)
    if bindings:
        assigned = _assigned_variables(full) if inline else set()
        at = _outer_group_start(full)
        if at is None:
            raise QueryError("cannot bind parameters: the query has no WHERE group", source=source)
        groups = _subselect_groups(full)
        # the outer group binds what the text outside the inner queries' groups uses (a
        # parameter that only inner queries use is bound there alone: a VALUES that joins
        # with a whole inner query makes rdflib lose that query's order)
        outer = full
        for a, b in sorted(groups, reverse=True):
            outer = outer[:a] + " " * (b - a) + outer[b:]
        outer_used = set(re.findall(r"[?$]([A-Za-z_]\w*)", _STRINGS_AND_COMMENTS.sub(" ", outer)))
        inserts = [(at, [k for k in bindings if k in outer_used])]
        for start, end in groups:
            # the variables of this inner query's own patterns, not of those nested in it (a
            # VALUES that joins with a whole inner query makes rdflib lose that query's order)
            own = full[start:end]
            for a, b in sorted((g for g in groups if start < g[0] and g[1] <= end), reverse=True):
                own = own[: a - start] + " " * (b - a) + own[b - start:]
            used = set(re.findall(r"[?$]([A-Za-z_]\w*)", _STRINGS_AND_COMMENTS.sub(" ", own)))
            names = [k for k in bindings if k in used]
            if names:
                inserts.append((start, names))
        for at, names in sorted(inserts, reverse=True):  # from the end, so offsets stay right
            if not names:
                continue
            block = " ".join(f"?{k}" for k in names)
            values = " ".join(bindings[k].n3() for k in names)
            full = f"{full[:at]} VALUES ({block}) {{ ({values}) }} {full[at:]}"
        if inline:
            full = inline_params(full, {k: v for k, v in bindings.items() if k not in assigned})
    return full, offset


_CODE_TOKEN = re.compile(_INERT + r"|[{}]|[?$][A-Za-z_]\w*|[A-Za-z_][\w-]*")
_CLAUSE_WORDS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "GROUP", "ORDER", "HAVING", "LIMIT", "OFFSET", "VALUES"}


def _assigned_variables(text: str) -> set[str]:
    """Variables the query's text assigns: ``AS ?v`` targets and those a VALUES block lists."""
    tokens = list(_CODE_TOKEN.finditer(text))
    found = set()
    for i, m in enumerate(tokens):
        word = m.group(0).upper()
        if word in ("AS", "VALUES") and text[m.start() - 1: m.start()] not in (":", "?", "$"):
            for n in tokens[i + 1:]:
                tok = n.group(0)
                if tok[0] in "?$":
                    found.add(tok[1:])
                    if word == "AS":
                        break
                elif tok in ("{", "}") or word == "AS":
                    break
    return found


def inline_params(text: str, bindings: Mapping[str, Any]) -> str:
    """``text`` with the bound variables written as their terms inside graph patterns.

    Left alone: the projection (from SELECT to its ``{``), solution modifiers (GROUP BY …
    up to the next brace) and VALUES lists; strings, IRIs and comments. The caller leaves
    out variables the query assigns itself (:func:`_assigned_variables`). A constant where
    the grammar wants a variable or an IRI (a literal as predicate) is a syntax error the
    caller answers by running the text without inlining.
    """
    names = {k: v.n3() for k, v in bindings.items()}
    if not names:
        return text
    tokens = _CODE_TOKEN.finditer(text)
    out, last, depth, skip = [], 0, 0, False
    for m in tokens:
        tok = m.group(0)
        if tok in ("{", "}"):
            depth += 1 if tok == "{" else -1
            skip = False
        elif tok[0] in "?$":
            if depth > 0 and not skip and tok[1:] in names:
                out.append(text[last:m.start()])
                out.append(names[tok[1:]])
                last = m.end()
        elif tok.upper() in _CLAUSE_WORDS and text[m.start() - 1: m.start()] not in (":", "?", "$"):
            skip = True
    out.append(text[last:])
    return "".join(out)


_PNAME = re.compile(r"(?<![\w?$:.\-])([A-Za-z][\w\-]*(?:\.[\w\-]+)*)?:(?!/)")


def _check_prefixes(text: str, offset: int, source: str) -> None:
    """A prefixed name whose prefix no PREFIX declares is a QueryError with its position
    (rdflib's parser lets it through and fails later without one)."""
    declared = declared_prefixes(text)
    blank = _STRINGS_AND_COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    for m in _PNAME.finditer(blank):
        prefix = m.group(1) or ""
        if prefix not in declared:
            line = blank.count("\n", 0, m.start()) + 1
            col = m.start() - (blank.rfind("\n", 0, m.start()) + 1) + 1
            known = ", ".join(sorted(PREFIXES))
            raise QueryError(f"undeclared prefix '{prefix}:'; declare it (PREFIX {prefix}: <…>) or use one kg "
                             f"declares for you: {known}", line - offset, col, source)


def _subselect_groups(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the WHERE group of every sub-select: just after its ``{``, at its ``}``."""
    groups: list[tuple[int, int]] = []
    open_at: list[int | None] = []  # per open brace: index into groups when it opens a sub-select
    seen_form = False
    waiting = False
    for m in _tokens(text):
        tok = m.group(0)
        upper = tok.upper()
        if upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and text[m.start() - 1: m.start()] not in (":", "?", "$"):
            if seen_form and upper == "SELECT":
                waiting = True
            seen_form = True
        elif tok == "{":
            if waiting:
                groups.append((m.end(), -1))
                open_at.append(len(groups) - 1)
                waiting = False
            else:
                open_at.append(None)
        elif tok == "}" and open_at:
            index = open_at.pop()
            if index is not None:
                groups[index] = (groups[index][0], m.start())
    return [(a, b) for a, b in groups if b >= 0]


# rdflib's SPARQL parser (pyparsing) is not safe to run from two threads at once (it
# fails with spurious errors), and parsing is most of the cost of a small query: parse
# under a lock, and remember the texts that parsed.
PARSE_LOCK = threading.RLock()
_GOOD: OrderedDict[str, None] = OrderedDict()
_GOOD_MAX = 1024


def _fresh_lock_in_child() -> None:
    # a process forked while another thread held the lock would wait for it forever;
    # kg serve forks with the lock held (so the parser's state is whole), the child starts
    # with a new one
    global PARSE_LOCK
    PARSE_LOCK = threading.RLock()


os.register_at_fork(after_in_child=_fresh_lock_in_child)


def check_syntax(text: str, offset: int = 0, source: str = "query") -> None:
    """Parse ``text`` as a SPARQL 1.1 query; a syntax error becomes a :class:`QueryError`."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    with PARSE_LOCK:
        if text in _GOOD:
            _GOOD.move_to_end(text)
            return
    try:
        with PARSE_LOCK:
            parseQuery(text)
            _GOOD[text] = None
            if len(_GOOD) > _GOOD_MAX:
                _GOOD.popitem(last=False)
    except ParseException as exc:
        line = exc.lineno - offset
        found = _offending_token(exc)
        raise QueryError(f"syntax error at {found}; {_expected(exc)}", line, exc.col, source) from None
    except Exception as exc:  # e.g. an undeclared prefix
        raise QueryError(f"invalid query: {exc}", source=source) from None


def _offending_token(exc) -> str:
    rest = exc.line[exc.col - 1:] if exc.line else ""
    m = re.match(r"\s*(\S+)", rest)
    return f"'{m.group(1)[:30]}'" if m else "end of input"


def _expected(exc) -> str:
    msg = str(exc.msg)
    return msg if msg.lower().startswith("expected") else f"expected {msg}"


def is_update(text: str) -> bool:
    """True when ``text`` parses as a SPARQL Update rather than a query."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with PARSE_LOCK:
            parseUpdate(text)
    except Exception:
        return False
    return True
