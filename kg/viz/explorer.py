"""The entity explorer: one self-contained page, ``entities.html``, with a view per entity.

One page per entity would inline vis-network (about 470 KB) once per entity: 128 MB for a
report of 263 entities, and impossible for a corpus. The explorer inlines vis-network once
and embeds the entity graph once as JSON: the nodes (label, plain-text tooltip, colour) and
edges (relation, sections) that any entity's neighbourhood needs, and for every entity the
nodes of its neighbourhood with precomputed positions (the same seeded layout as the other
views) and the facts of its side panel. The page's script reads the entity from the URL
fragment (``entities.html#alipay``; ``report:id`` where reports share an id), draws that
neighbourhood with physics off and fills the panel with ``textContent`` only; it computes
nothing random, so the same graph gives the same picture.
"""

from __future__ import annotations

from .layout import spring_positions_many
from .page import esc, render_explorer

__all__ = ["explorer_data", "explorer_page"]


def explorer_data(ctx) -> dict:
    """The JSON the explorer embeds (see the module docstring).

    Parameters
    ----------
    ctx : kg.viz.views.ViewContext
        Its ``entity_pages`` says which entities get a view; ``hops`` and ``max_nodes``
        bound each neighbourhood.

    Returns
    -------
    dict
        ``nodes`` (list of ``{id, label, alt, title, color, type}``, sorted by id; ``type``
        indexes ``types``), ``types`` (list of [name, colour]), ``relations`` (list of
        [name, colour, dashed]), ``edges`` (list of [from, to, relation, key, sections], node
        and relation indexes), ``views`` (entity id → ``{nodes: [[node, x, y], …], total}``,
        ``total`` counting the neighbourhood before the ``max_nodes`` cap), ``panels``
        (entity id → :func:`kg.viz.views.panel_data`), ``list`` (node indexes of the entities
        with a view, by label), ``hops``, ``text`` and ``options``.
    """
    from .views import _FIELD_RELATIONS, _OTHER, TYPE_COLOURS, _base_options, _relation_colours, _type_name, panel_data

    E = ctx.E
    other = "zh" if ctx.lang == "en" else "en"
    keys = sorted(ctx.entity_pages, key=str)
    hoods = {}
    for key in keys:
        keep, total = ctx.neighbourhood(key)
        hoods[key] = (sorted(keep, key=str), total)
    members = sorted({n for keep, _ in hoods.values() for n in keep}, key=str)
    index = {n: i for i, n in enumerate(members)}
    type_names = sorted({E.nodes[n].get("type", "") for n in members})
    type_index = {t: i for i, t in enumerate(type_names)}
    relations = sorted({d["relation"] for _, _, d in E.edges(data=True)})
    colours = _relation_colours(relations)
    rel_index = {r: i for i, r in enumerate(relations)}
    nodes = []
    for n in members:
        d = E.nodes[n]
        label = ctx.label(n, d)
        alt = d.get(f"label_{other}", "") or ""
        nodes.append({"id": str(n), "label": label, "alt": alt if alt != label else "",
                      "title": ctx.tooltip(n, d), "color": TYPE_COLOURS.get(d.get("type"), _OTHER),
                      "type": type_index[d.get("type", "")]})
    edges = []
    for a in members:
        for _, b, k, d in E.out_edges(a, keys=True, data=True):
            if b in index:
                edges.append((str(a), str(b), str(k), [index[a], index[b], rel_index[d["relation"]], str(k),
                                                       ", ".join(d.get("sections", []))]))
    edges.sort(key=lambda e: e[:3])
    views, panels = {}, {}
    layouts = spring_positions_many(E.subgraph(hoods[key][0]) for key in keys)  # all at once: much quicker
    for key, pos in zip(keys, layouts):
        keep, total = hoods[key]
        views[str(key)] = {"nodes": [[index[n], pos[n][0], pos[n][1]] for n in keep], "total": total}
        panels[str(key)] = panel_data(ctx, key)
    listed = sorted(keys, key=lambda n: (ctx.label(n).casefold(), str(n)))
    text = {k: ctx.t(k) for k in ("choose", "unknown", "types", "relations", "sections", "figures", "facts",
                                  "scores", "matches", "capped.entity", "explorer")}
    text["hops"] = ctx.t("hops", hops=ctx.hops)
    return {
        "view": "entity", "hops": ctx.hops, "nodes": nodes,
        "types": [[_type_name(t, ctx.lang), TYPE_COLOURS.get(t, _OTHER)] for t in type_names],
        "relations": [[r, colours[r], r in _FIELD_RELATIONS] for r in relations],
        "edges": [e[3] for e in edges], "views": views, "panels": panels,
        "list": [index[n] for n in listed], "text": text, "options": _base_options(),
    }


def explorer_page(ctx) -> str:
    """The complete ``entities.html`` (vis-network and the data inlined, nothing fetched)."""
    from .views import _entities_note

    t = ctx.t
    side = (
        '<aside id="kg-side">\n'
        '<div id="kg-finder">\n'
        f'<label for="kg-search">{esc(t("search"))}</label>\n'
        f'<input id="kg-search" type="search" autocomplete="off" spellcheck="false" placeholder="{esc(t("search"))}">\n'
        f'<select id="kg-list" size="8" aria-label="{esc(t("entities"))}"></select>\n'
        '<p class="muted" id="kg-matches"></p>\n'
        '</div>\n'
        '<p class="note" id="kg-message" hidden></p>\n'
        '<div id="kg-notes"></div>\n'
        '<div id="kg-panel"></div>\n'
        '<div id="kg-legend"></div>\n'
        '</aside>')
    notes = _entities_note(ctx) + [t("open")]
    return render_explorer(title=t("explorer"), lang=ctx.lang, notes=notes, nav=ctx.nav(), side=side,
                           data=explorer_data(ctx))
