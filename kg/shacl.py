"""Validate a built graph against ``ontology/shapes.ttl`` with pySHACL."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .errors import KgError
from .procs import collector_paused
from .resources import integrity_path, shapes_path
from .schema import DATA_NS

__all__ = ["ShaclReport", "validate_graph", "validate_in_background", "load_shapes"]


@dataclass
class ShaclReport:
    """The outcome of a SHACL run: whether it conforms, and one readable line per result."""

    conforms: bool
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: str = ""
    graph: Graph | None = None


@lru_cache(maxsize=2)
def load_shapes(strict: bool = False) -> Graph:
    """The shapes graph, parsed once per process; ``strict`` adds the integrity shapes.

    Oxigraph's Turtle parser reads the files (a third of the time of rdflib's, first thing
    in the SHACL process of a build); the prefixes they declare are bound as rdflib binds them.
    """
    import pyoxigraph as ox

    from .store import rdflib_terms

    g = _ShapesGraph()
    term = rdflib_terms()
    for path in (shapes_path(), integrity_path()) if strict else (shapes_path(),):
        parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        g.addN((term(t.subject), term(t.predicate), term(t.object), g) for t in parser)
        for prefix, namespace in parser.prefixes.items():
            g.bind(prefix, namespace)
    return g


class _ShapesGraph(Graph):
    """A shapes graph that answers pySHACL's repeated reads quickly.

    pySHACL reads a shape's parameters again for every focus node it checks: ~19,000 shape
    evaluations on the bundled report, each reading the shape's triples and, for ``sh:in``,
    walking its RDF list. Here the triples sit in rdflib's ``SimpleMemory`` store (no
    named-graph bookkeeping on every read) and each RDF list is walked once, until the graph
    changes (pySHACL adds a few triples of its own before it starts).
    """

    def __init__(self):
        super().__init__(store="SimpleMemory")
        self._lists: dict = {}

    def add(self, triple):
        self._lists.clear()
        return super().add(triple)

    def addN(self, quads):  # noqa: N802  (rdflib's name)
        self._lists.clear()
        return super().addN(quads)

    def remove(self, triple):
        self._lists.clear()
        return super().remove(triple)

    def items(self, list):  # noqa: A002  (rdflib's signature)
        try:
            return iter(self._lists[list])
        except KeyError:
            members = self._lists[list] = tuple(super().items(list))
            return iter(members)


class _ParameterList(list):
    """The same list, with a set's ``in``: see :func:`_speed_up_parameter_lookup`."""

    def __init__(self, items):
        super().__init__(items)
        self._members = frozenset(items)

    def __contains__(self, item) -> bool:
        return item in self._members


def _speed_up_parameter_lookup() -> None:
    """For every shape it evaluates, pySHACL tests each of the shape's predicates with ``in``
    against a list of ~40 parameter IRIs, one rdflib ``__eq__`` call per member (a fifth of
    the bundled report's SHACL time). Give it the same list (same members, same order) with a
    set's lookup. pySHACL keeps that list in ``pyshacl.shape.CONSTRAINT_PARAMS`` (0.40);
    where its internals differ, nothing is changed.
    """
    try:
        from pyshacl import shape
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    except ImportError:  # pragma: no cover  (another pySHACL layout: leave it as it is)
        return
    current = getattr(shape, "CONSTRAINT_PARAMS", None)
    if isinstance(current, tuple) and isinstance(current[0], _ParameterList):
        return
    # (pySHACL's own value, set when it ran before kg asked, is the same list: replaced too)
    own = isinstance(current, tuple) and current[0] is ALL_CONSTRAINT_PARAMETERS and current[1] is CONSTRAINT_PARAMETERS_MAP
    if (current is not None and not own) or not isinstance(ALL_CONSTRAINT_PARAMETERS, list):
        return  # pragma: no cover  (set by someone else, or not the list this expects)
    shape.CONSTRAINT_PARAMS = (_ParameterList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)


@collector_paused()
def validate_graph(data: Graph, where=None, strict: bool = False) -> ShaclReport:
    """Run pySHACL on ``data`` (a Graph or the union of a Dataset).

    Parameters
    ----------
    data : rdflib.Graph
        The data graph. A Dataset is validated as the union of its graphs.
    where : callable, optional
        Maps a focus node IRI to a "file:line" string so messages point at the YAML.
    strict : bool
        Also run ``ontology/integrity.ttl``: SPARQL checks of the builder's invariants
        (slower; the build leaves them out).

    Examples
    --------
    >>> from kg.api import load
    >>> report = validate_graph(load().graph)   # doctest: +SKIP
    >>> report.conforms                          # doctest: +SKIP
    True
    """
    import pyshacl

    _speed_up_parameter_lookup()
    if type(data) is Graph:  # already one graph: read as it is
        union = data
    else:
        union = Graph()
        for triple in data.triples((None, None, None)):
            union.add(triple)
    conforms, results, text = pyshacl.validate(
        union, shacl_graph=load_shapes(strict), inference="none", abort_on_first=False, allow_warnings=True
    )
    if not isinstance(results, Graph):  # pySHACL could not run the shapes themselves
        raise KgError(f"the SHACL shapes in {shapes_path()} cannot be used: {text}")
    violations, warnings = [], []
    for result in results.subjects(SH.resultSeverity, None):
        severity = results.value(result, SH.resultSeverity)
        line = _describe(results, result, where)
        (violations if severity == SH.Violation else warnings).append(line)
    return ShaclReport(bool(conforms), sorted(violations), sorted(warnings), text, results)


class _Pending:
    """A SHACL run going on in a forked child process (see :func:`validate_in_background`)."""

    def __init__(self, job):
        self._job = job

    def result(self) -> ShaclReport:
        """Wait for the child and return its report (raises what the run raised, as KgError)."""
        try:
            conforms, violations, warnings, text, report_ttl = self._job.result()
        except KgError:
            raise
        except ChildProcessError as exc:
            raise KgError(f"the SHACL check stopped: {exc}") from None
        except Exception as exc:  # noqa: BLE001  (what the child raised)
            raise KgError(f"the SHACL check failed: {type(exc).__name__}: {exc}") from None
        return ShaclReport(conforms, violations, warnings, text, Graph().parse(data=report_ttl, format="turtle"))


class _Done:
    def __init__(self, report: ShaclReport):
        self._report = report

    def result(self) -> ShaclReport:
        return self._report


def validate_in_background(kg_graph, strict: bool = False):
    """Start ``kg_graph.validate(strict)`` in a forked child process, so that the caller can
    go on with other work on the second core; ``.result()`` waits for the report.

    Where a fork is not available or not safe (no ``os.fork``; other threads running, as in
    a notebook), the check runs at once in this process instead and ``.result()`` returns it.
    """
    from .procs import can_fork, start_forked

    if not can_fork():
        return _Done(kg_graph.validate(strict=True) if strict else kg_graph.validate())
    # Forked as early as possible: the child builds the one graph it reads, imports pySHACL
    # and parses the shapes while this process builds its dataset and goes on.
    return _Pending(start_forked(_validate_child, kg_graph, strict))


def _validate_child(kg_graph, strict: bool) -> tuple:
    report = kg_graph.validate(strict=True) if strict else kg_graph.validate()
    ttl = report.graph.serialize(format="turtle") if report.graph is not None else ""
    return report.conforms, report.violations, report.warnings, report.text, ttl


def _describe(results: Graph, result, where) -> str:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    message = results.value(result, SH.resultMessage)
    value = results.value(result, SH.value)
    parts = [_short(focus)]
    if where is not None and isinstance(focus, URIRef):
        located = where(focus)
        if located:
            parts[0] += f" ({located})"
    if path is not None:
        parts.append(_short(path) if isinstance(path, URIRef) else str(path))
    text = ": ".join(parts) + ": " + (str(message) if message else "constraint violated")
    if value is not None:
        text += f" (value: {_short(value)})"
    return text


_PREFIXES = {
    "https://w3id.org/strategy-kg/ontology#": "kgo:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
}


def _short(node) -> str:
    s = str(node)
    if s.startswith(DATA_NS):
        return s[len(DATA_NS):]
    for ns, prefix in _PREFIXES.items():
        if s.startswith(ns):
            return prefix + s[len(ns):]
    return s
