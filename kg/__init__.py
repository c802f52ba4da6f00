"""kg — a strategy knowledge graph: reports as RDF, analysed with networkx, shown with pyvis.

>>> import kg
>>> g = kg.load()                 # the bundled dataset           # doctest: +SKIP
>>> g.stats().classes["Driver"]                                   # doctest: +SKIP

Heavy libraries (rdflib, pydantic, pyshacl) load on first use, so ``import kg`` and
``kg --help`` stay fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_LAZY = {
    "load": "kg.api",
    "KnowledgeGraph": "kg.api",
    "EntityNotFound": "kg.api",
    "Stats": "kg.api",
    "run_query": "kg.store",
    "open_backend": "kg.store",
    "QueryResult": "kg.store",
    "QueryError": "kg.sparql",
    "named_queries": "kg.sparql",
    "build": "kg.pipeline",
    "BuildResult": "kg.pipeline",
    "KgError": "kg.errors",
    "DataError": "kg.errors",
    "UsageError": "kg.errors",
    "ValidationFailed": "kg.errors",
    "Problem": "kg.errors",
    "Report": "kg.model",
    "Entity": "kg.model",
    "Figure": "kg.model",
    "RelationDef": "kg.model",
    "Influence": "kg.model",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from .api import EntityNotFound, KnowledgeGraph, Stats, load
    from .pipeline import BuildResult, build
    from .sparql import QueryError, named_queries
    from .store import QueryResult, open_backend, run_query
    from .errors import DataError, KgError, Problem, UsageError, ValidationFailed
    from .model import Entity, Figure, Influence, RelationDef, Report
