"""Interactive HTML views of the graph (pyvis and vis-network), offline and safe.

>>> import kg, kg.viz
>>> files = kg.viz.write_views(kg.load(), "viz/out")          # doctest: +SKIP
>>> kg.viz.view(kg.load(), "influence")                       # in a notebook  # doctest: +SKIP

Every page is self-contained (vis-network inlined, nothing fetched when it opens), written
as UTF-8, with precomputed positions and physics off; strings from the data reach a page
only as escaped text or escaped JSON. The entity views share one page, ``entities.html``
(the explorer), addressed by the URL fragment: ``entities.html#alipay`` (``report:id``
where several reports share an id, see :func:`entity_href`).
"""

from __future__ import annotations

from .notebook import HtmlView, view
from .views import (DEFAULT_MAX_ENTITIES, DEFAULT_MAX_NODES, VIEWS, build_views, entity_href, render_graph,
                    render_view, write_views)

__all__ = ["write_views", "build_views", "render_view", "render_graph", "view", "HtmlView", "VIEWS",
           "DEFAULT_MAX_NODES", "DEFAULT_MAX_ENTITIES", "entity_href"]
