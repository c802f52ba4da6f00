"""Views in a notebook: one call from Python, displayed inline.

pyvis's notebook mode points an IFrame at a relative file, which stays blank in VS Code
and Colab; kg puts the whole page into the iframe's ``srcdoc`` instead, so nothing has to
be found on disk or fetched.
"""

from __future__ import annotations

import html
from pathlib import Path

__all__ = ["HtmlView", "view"]


class HtmlView:
    """A rendered page that Jupyter displays inline (``_repr_html_``).

    Attributes
    ----------
    html : str
        The complete, self-contained page.
    height : int
        Height of the inline frame in pixels.
    """

    def __init__(self, page: str, height: int = 640):
        self.html = page
        self.height = int(height)

    def _repr_html_(self) -> str:
        # srcdoc is an attribute: escaping the page (quotes included) keeps it one attribute;
        # the sandbox lets vis-network run but gives the page no access to the notebook
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd"></iframe>')

    def save(self, path: str | Path) -> Path:
        """Write the page as UTF-8 (through a temporary file, so it is complete or absent)."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(self.html, encoding="utf-8", newline="\n")
        tmp.replace(path)
        return path

    def __repr__(self) -> str:
        return f"<HtmlView {len(self.html)} characters>"


def view(source, name: str = "influence", entity: str | None = None, lang: str = "en", hops: int = 1,
         scenario=None, height: int = 640, **options) -> HtmlView:
    """One view of a graph, ready to display in a notebook.

    Parameters
    ----------
    source : KnowledgeGraph, rdflib graph or store backend
    name : str
        ``overview``, ``influence``, ``micmac``, ``coverage``, ``scenario``, ``entity`` or ``index``.
    entity : str, optional
        Id or label of the entity, for ``name="entity"``.
    lang : {"en", "zh"}
    hops : int
        Neighbourhood radius of an entity view.
    scenario : mapping, optional
        Concepts to hold for the scenario view (id or label → value).
    height : int
        Height of the inline frame in pixels.
    **options
        ``max_nodes``, or options of the scenario run (``transfer``, ``lam`` …).

    Examples
    --------
    >>> import kg, kg.viz
    >>> kg.viz.view(kg.load(), "micmac")                        # doctest: +SKIP
    >>> kg.viz.view(kg.load(), "entity", entity="alipay", hops=2)  # doctest: +SKIP
    """
    from .views import render_view

    return HtmlView(render_view(source, name, entity=entity, lang=lang, hops=hops, scenario=scenario, **options),
                    height=height)
