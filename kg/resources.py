"""Where kg's own files are: the ontology, the shapes, the bundled data, view assets.

In a wheel they live in ``kg/_resources/`` (see ``pyproject.toml``); in a source
checkout (editable install, tests) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["resource_dir", "ontology_path", "shapes_path", "integrity_path", "bundled_data_dir", "viz_dir"]

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_resources"
_CHECKOUT = _PACKAGE.parent


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``ontology``, ``data`` or ``viz``) of this installation."""
    for base in (_INSTALLED, _CHECKOUT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kg's '{name}' folder is missing from the installation ({_PACKAGE})")


def ontology_path() -> Path:
    """The OWL ontology (Turtle)."""
    return resource_dir("ontology") / "kg.ttl"


def shapes_path() -> Path:
    """The SHACL shapes (Turtle)."""
    return resource_dir("ontology") / "shapes.ttl"


def integrity_path() -> Path:
    """The SPARQL-based integrity shapes (run by ``kg validate --strict``)."""
    return resource_dir("ontology") / "integrity.ttl"


def bundled_data_dir() -> Path:
    """The report datasets that ship with kg."""
    return resource_dir("data")


def viz_dir() -> Path:
    """View templates and assets."""
    return resource_dir("viz")
