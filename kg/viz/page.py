"""One self-contained HTML page per view: pyvis builds the data, kg writes the page.

pyvis's own template links Bootstrap from a CDN in every mode and inserts some strings
raw, so kg uses pyvis for what it is good at (the vis-network node and edge records and
options) and renders them through its own template: vis-network's script and stylesheet
are inlined from the copy that ships with pyvis, the data travels as escaped JSON in a
``<script type="application/json">`` block, and every other string is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from string import Template

__all__ = ["Page", "render_page", "render_index", "render_explorer", "script_json", "esc", "vis_assets",
           "template_dir"]

VIS_VERSION = "9.1.2"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def esc(text) -> str:
    """HTML-escape any value (quotes included) for text and attribute positions."""
    return html.escape(str(text), quote=True)


def script_json(value) -> str:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (so no ``</script>``
    or ``<!--`` can appear), and the line separators U+2028/U+2029 are escaped as well.
    Keys are sorted, so the same data gives the same text.

    Examples
    --------
    >>> script_json({"label": "</script>"})
    '{"label": "\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def template_dir() -> Path:
    """The folder of kg's view templates (``viz/templates``, in a wheel ``kg/_resources``)."""
    from ..resources import viz_dir

    return viz_dir() / "templates"


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    return (template_dir() / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, read from the copy bundled with pyvis.

    The stylesheet's rules with ``url(...)`` (icons of the navigation and editing
    buttons, which kg does not enable) are left out; what remains styles the canvas and
    the tooltip.

    Raises
    ------
    FileNotFoundError
        When the installed pyvis does not ship vis-network.
    ValueError
        When the script holds text that would end or confuse a ``<script>`` element.
    """
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    css = re.sub(r"[^{}]*\{[^{}]*url\([^{}]*\}", "", css)
    for bad in ("</script", "<!--"):
        if bad in js.lower():
            raise ValueError(f"the bundled vis-network script contains {bad!r}; it cannot be inlined safely")
    if "</style" in css.lower():
        raise ValueError("the bundled vis-network stylesheet contains '</style'")
    return js, css


@dataclass
class Page:
    """Everything one network view shows.

    Attributes
    ----------
    view : str
        Short name (``influence``, ``entity``, …), exposed to the page's script.
    title : str
        Plain text; escaped when rendered.
    lang : str
        ``zh`` or ``en`` (the page's ``lang`` attribute).
    nodes, edges : list of dict
        vis-network records (as pyvis builds them); strings in them stay data.
    options : dict
        vis-network options.
    notes : list of str
        Plain-text notes shown under the title (for instance that a graph was capped).
    nav : list of (href, text)
        Links to the other views; hrefs are relative file names made by kg.
    legend : list of (kind, colour, text)
        ``kind`` is ``node``, ``line`` or ``dashed``; ``colour`` a ``#rrggbb`` value.
    legend_title : str
    panel : str
        An HTML fragment for the side panel, built with :func:`esc` by the caller.
    plane : dict, optional
        The MICMAC overlay (frame, quadrant names, axis labels) drawn on the canvas.
    links : dict
        node id → relative page to open on double-click.
    total_nodes : int, optional
        Nodes of the whole graph when the page shows only some of them.
    """

    view: str
    title: str
    lang: str
    nodes: list[dict]
    edges: list[dict]
    options: dict
    notes: list[str] = field(default_factory=list)
    nav: list[tuple[str, str]] = field(default_factory=list)
    legend: list[tuple[str, str, str]] = field(default_factory=list)
    legend_title: str = ""
    panel: str = ""
    plane: dict | None = None
    links: dict[str, str] = field(default_factory=dict)
    total_nodes: int | None = None


def _notes(notes) -> str:
    return "\n".join(f'<p class="note">{esc(n)}</p>' for n in notes)


def _nav(links) -> str:
    if not links:
        return ""
    return "<nav>" + "".join(f'<a href="{esc(href)}">{esc(text)}</a>' for href, text in links) + "</nav>"


def legend_html(items, title: str = "") -> str:
    """A legend as an HTML list: swatches (colours checked to be ``#rrggbb``) and escaped text."""
    if not items:
        return ""
    rows = []
    for kind, colour, text in items:
        if not _COLOUR.match(colour):
            raise ValueError(f"legend colour {colour!r} is not #rrggbb")
        cls = {"node": "swatch", "line": "swatch line", "dashed": "swatch line dashed"}[kind]
        style = f"background:{colour};color:{colour}"
        rows.append(f'<li><span class="{cls}" style="{style}"></span>{esc(text)}</li>')
    head = f"<h2>{esc(title)}</h2>" if title else ""
    return f'{head}<ul class="legend">{"".join(rows)}</ul>'


def _side(page: Page) -> str:
    inner = "\n".join(p for p in (page.panel, legend_html(page.legend, page.legend_title)) if p)
    return f'<aside id="kg-side">\n{inner}\n</aside>' if inner else ""


def render_page(page: Page) -> str:
    """The complete HTML of a network view (vis-network inlined, nothing fetched).

    Examples
    --------
    >>> p = Page("demo", "<b>x</b>", "en", [{"id": "a", "label": "</script>"}], [], {})
    >>> out = render_page(p)
    >>> "<b>x</b>" in out, "&lt;b&gt;x&lt;/b&gt;" in out, "</script>\\"" in out
    (False, True, False)
    """
    js, css = vis_assets()
    data = {
        "view": page.view,
        "nodes": page.nodes,
        "edges": page.edges,
        "options": page.options,
        "plane": page.plane,
        "links": page.links,
        "expected": {"nodes": len(page.nodes), "edges": len(page.edges),
                     "total": page.total_nodes if page.total_nodes is not None else len(page.nodes),
                     "capped": page.total_nodes is not None and page.total_nodes > len(page.nodes)},
    }
    return Template(_template("view.html")).substitute(
        lang=esc(page.lang), title=esc(page.title), vis_css=css, page_css=_template("view.css"),
        nav=_nav(page.nav), notes=_notes(page.notes), side=_side(page), vis_js=js, data=script_json(data),
        page_js=_template("view.js"))


def render_explorer(title: str, lang: str, notes, nav, side: str, data: dict) -> str:
    """The entity explorer (``entities.html``): the network page with kg's explorer script.

    ``side`` is an HTML fragment built with :func:`esc` by the caller (the search box and
    the empty containers the script fills with text); ``data`` travels as escaped JSON.
    """
    js, css = vis_assets()
    return Template(_template("view.html")).substitute(
        lang=esc(lang), title=esc(title), vis_css=css, page_css=_template("view.css"), nav=_nav(nav),
        notes=_notes(notes), side=side, vis_js=js, data=script_json(data), page_js=_template("explorer.js"))


def render_index(title: str, lang: str, body: str, notes=()) -> str:
    """The index page; ``body`` is an HTML fragment built with :func:`esc` by the caller."""
    return Template(_template("index.html")).substitute(
        lang=esc(lang), title=esc(title), page_css=_template("view.css"), notes=_notes(notes), body=body)
