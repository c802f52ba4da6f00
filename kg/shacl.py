"""Validate a built graph against ``ontology/shapes.ttl`` with pySHACL."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .errors import KgError
from .resources import integrity_path, shapes_path
from .schema import DATA_NS

__all__ = ["ShaclReport", "validate_graph", "load_shapes"]


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
    """The shapes graph, parsed once per process; ``strict`` adds the integrity shapes."""
    g = Graph()
    g.parse(shapes_path(), format="turtle")
    if strict:
        g.parse(integrity_path(), format="turtle")
    return g


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
