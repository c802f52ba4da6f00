"""kg's views: the overview, influence map, MICMAC plane, coverage, entity and scenario pages.

Each view is a function from a :class:`ViewContext` (the graphs, the analysis and the facts
read once from RDF) to a :class:`~kg.viz.page.Page`; the entity views of a views folder
share one page, ``entities.html`` (see :mod:`kg.viz.explorer`); :func:`build_views` renders them all,
:func:`write_views` writes the folder atomically, and :func:`render_view` gives one page
as a string (for notebooks, see :mod:`kg.viz.notebook`). :func:`render_graph` draws any
networkx graph with the same machinery.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote

import networkx as nx

from ..errors import UsageError
from ..procs import collector_paused
from .facts import READ_LANES, GraphFacts, read_facts
from .layout import plane_positions, scale_for, spring_positions, top_nodes
from .page import Page, esc, legend_html, render_index, render_page

__all__ = ["VIEWS", "DEFAULT_MAX_NODES", "DEFAULT_MAX_ENTITIES", "ViewContext", "build_views", "write_views",
           "render_view", "render_graph", "entity_href", "TYPE_COLOURS"]

VIEWS = ("overview", "influence", "micmac", "coverage", "scenario")
DEFAULT_MAX_NODES = 400
DEFAULT_MAX_ENTITIES = 5000
EXPLORER = "entities.html"
LANGS = ("en", "zh")

TYPE_COLOURS = {
    "Driver": "#1f77b4", "Challenge": "#d62728", "Competitor": "#9467bd", "Technology": "#2ca02c",
    "Recommendation": "#ff7f0e", "Scenario": "#17becf", "Trend": "#8c564b", "Outcome": "#e377c2",
    "Region": "#7f7f7f", "Regulation": "#bcbd22", "Stakeholder": "#6baed6", "Organisation": "#a48ad4",
    "InvestmentTheme": "#5fbf5f", "MarketMetric": "#f0a35e",
}
_OTHER = "#999999"
CLASS_COLOURS = {"influential": "#c0392b", "relay": "#8e44ad", "dependent": "#2980b9", "autonomous": "#95a5a6"}
POLARITY_COLOURS = {"positive": "#2e8b57", "negative": "#c0392b"}
_RELATION_PALETTE = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c",
                     "#ccb974", "#64b5cd", "#2f4b7c", "#a05195", "#665191", "#d45087", "#f95d6a", "#ff7c43",
                     "#003f5c", "#7a5195", "#488f31", "#de425b")
_FIELD_RELATIONS = {"measures", "publishedBy", "scope", "intendedFor", "growthBaseline"}
_UNADDRESSED = "#ff1f1f"
_SCENARIO_UP, _SCENARIO_DOWN, _SCENARIO_FLAT = (26, 152, 80), (215, 48, 39), (236, 236, 236)

_TEXT = {
    "en": {
        "index": "Views", "overview": "Overview", "influence": "Influence map", "micmac": "MICMAC plane",
        "coverage": "Coverage", "scenario": "Scenario", "entity": "Entity",
        "overview.about": "every entity and figure, coloured by class, sized by how connected it is",
        "influence.about": "the signed, weighted influence network, coloured by MICMAC class, sized by influence",
        "micmac.about": "influence against dependence, with the quadrant lines",
        "coverage.about": "who addresses which challenge; unaddressed challenges stand out",
        "scenario.about": "the influence map coloured by the change a what-if run makes",
        "types": "Entity types", "classes": "MICMAC classes", "edges": "Edges", "relations": "Relations",
        "sections": "Sections", "figures": "Figures", "facts": "Facts", "scores": "Scores",
        "capped": "Showing the {shown} most central of {total} nodes; the others are left out to keep the page usable.",
        "capped.entity": "Showing {shown} of the {total} nodes within {hops} step(s), the nearest first.",
        "positive": "positive influence", "negative": "negative influence",
        "unaddressed": "challenge nothing addresses", "addresses": "addresses",
        "increase": "rises in the scenario", "decrease": "falls in the scenario", "unchanged": "about unchanged",
        "clamped": "held fixed (diamond)", "baseline": "baseline", "scenario.value": "scenario", "change": "change",
        "dependence": "Dependence →", "influence.axis": "Influence →",
        "influential": "influential", "relay": "relay", "dependent": "dependent", "autonomous": "autonomous",
        "class": "class", "strength": "strength", "weight": "weight", "pagerank": "PageRank",
        "betweenness": "betweenness", "holds": "What the graph holds", "count": "count", "reports": "Reports",
        "influences": "influences", "relations.count": "relations", "entities": "Entities", "nodes": "nodes",
        "micmac.split": "Quadrant lines at the {split} (influence {inf}, dependence {dep}); nodes with the same "
                        "scores are spread a little around their point.",
        "micmac.attenuated": "The plain matrix powers did not settle on this graph, so the indirect scores come "
                             "from the attenuated series (α = {alpha}, each longer path counts α times less), "
                             "{state}.",
        "micmac.stable": "stable from power {k}",
        "micmac.unstable": "still changing at power {k}",
        "scenario.note": "Held: {clamp}. Baseline {b}, scenario {s}.",
        "converged": "converged", "not_converged": "did not converge",
        "open": "double-click a node to open its entity view",
        "gaps": "Challenges nothing addresses", "none": "none", "hops": "Neighbourhood: {hops} step(s)",
        "report": "report", "figure": "figure", "influence.word": "influence", "dependence.word": "dependence",
        "edges.word": "edges", "sections.word": "sections",
        "explorer": "Entity explorer", "entities.word": "entities",
        "explorer.about": "one view per entity: its neighbourhood, facts, figures, sections and scores; "
                          "a search box jumps between entities",
        "capped.entities": "Showing views of the {shown} most connected of {total} entities; "
                           "the others are left out to keep the page usable.",
        "search": "Search entities", "choose": "Choose an entity from the list.",
        "unknown": "This page has no view of the entity “{id}”. Choose one from the list.",
        "matches": "{shown} of {total} entities",
    },
    "zh": {
        "index": "視圖", "overview": "總覽", "influence": "影響網絡", "micmac": "MICMAC 平面",
        "coverage": "對策覆蓋", "scenario": "情境", "entity": "實體",
        "overview.about": "所有實體與數據，依類別著色，依連結數決定大小",
        "influence.about": "帶正負號與權重的影響網絡，依 MICMAC 類別著色，依影響力決定大小",
        "micmac.about": "影響力對依賴度，附象限分界線",
        "coverage.about": "哪些對策處理哪些挑戰；無對策的挑戰特別標示",
        "scenario.about": "以情境模擬造成的變化為影響網絡著色",
        "types": "實體類別", "classes": "MICMAC 類別", "edges": "連線", "relations": "關係",
        "sections": "章節", "figures": "數據", "facts": "事實", "scores": "分數",
        "capped": "僅顯示 {total} 個節點中最核心的 {shown} 個，其餘省略以保持頁面流暢。",
        "capped.entity": "僅顯示 {hops} 步內 {total} 個節點中最近的 {shown} 個。",
        "positive": "正向影響", "negative": "負向影響",
        "unaddressed": "無任何對策的挑戰", "addresses": "處理",
        "increase": "情境中上升", "decrease": "情境中下降", "unchanged": "幾乎不變",
        "clamped": "固定值（菱形）", "baseline": "基準", "scenario.value": "情境", "change": "變化",
        "dependence": "依賴度 →", "influence.axis": "影響力 →",
        "influential": "影響型", "relay": "中繼型", "dependent": "依賴型", "autonomous": "自主型",
        "class": "類別", "strength": "強度", "weight": "權重", "pagerank": "PageRank",
        "betweenness": "中介度", "holds": "圖譜內容", "count": "數量", "reports": "報告",
        "influences": "影響關係", "relations.count": "關係", "entities": "實體", "nodes": "節點",
        "micmac.split": "象限分界取{split}（影響力 {inf}，依賴度 {dep}）；分數相同的節點在其位置周圍略為分散。",
        "micmac.attenuated": "此圖的矩陣冪次排名未能穩定，間接分數改用衰減級數（α = {alpha}，路徑每長一步權重乘以 α），{state}。",
        "micmac.stable": "自第 {k} 次冪起穩定",
        "micmac.unstable": "至第 {k} 次冪仍在變動",
        "scenario.note": "固定：{clamp}。基準{b}，情境{s}。",
        "converged": "已收斂", "not_converged": "未收斂", "open": "雙擊節點開啟其實體視圖",
        "gaps": "無任何對策的挑戰", "none": "無", "hops": "鄰域：{hops} 步",
        "report": "報告", "figure": "數據", "influence.word": "影響力", "dependence.word": "依賴度",
        "edges.word": "連線", "sections.word": "章節",
        "explorer": "實體瀏覽", "entities.word": "個實體",
        "explorer.about": "每個實體一個視圖：其鄰域、事實、數據、章節與分數；可用搜尋框切換實體",
        "capped.entities": "僅提供 {total} 個實體中連結最多的 {shown} 個的視圖，其餘省略以保持頁面流暢。",
        "search": "搜尋實體", "choose": "請從清單中選擇實體。",
        "unknown": "本頁沒有實體「{id}」的視圖，請從清單中選擇。",
        "matches": "{total} 個實體中的 {shown} 個",
    },
}

TYPE_NAMES_ZH = {
    "Driver": "驅動因素", "Challenge": "挑戰", "Competitor": "競爭者", "Technology": "技術", "Recommendation": "建議",
    "Scenario": "應用場景", "Trend": "趨勢", "Outcome": "結果", "Region": "地區", "Regulation": "法規",
    "Stakeholder": "利害關係人", "Organisation": "組織", "InvestmentTheme": "投資主題", "MarketMetric": "市場數據",
}


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise UsageError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def _type_name(t: str, lang: str) -> str:
    return TYPE_NAMES_ZH.get(t, t) if lang == "zh" else t


def _num(x) -> str:
    return "–" if x is None else f"{x:.3g}" if isinstance(x, float) else str(x)


def entity_href(key) -> str:
    """The relative link to an entity's view in the explorer: ``entities.html#<id>``.

    The node key (``alipay``, or ``report:id`` where reports share an id) is percent-encoded
    as UTF-8, which the page's script reads back with ``decodeURIComponent``.

    Examples
    --------
    >>> entity_href("tiny:fraud"), entity_href("a b/<c>")
    ('entities.html#tiny:fraud', 'entities.html#a%20b%2F%3Cc%3E')
    """
    return f"{EXPLORER}#{quote(str(key), safe=':')}"


def _base_options() -> dict:
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 100, "hideEdgesOnDrag": True, "keyboard": False,
                        "navigationButtons": False, "multiselect": False},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
                  "color": {"inherit": False}, "font": {"size": 10, "align": "middle"}},
        "nodes": {"shape": "dot", "borderWidth": 1, "font": {"size": 14, "face": "sans-serif", "color": "#222222"}},
    }


def _network():
    """A directed pyvis Network (directed, so pyvis does not scan for duplicate edges)."""
    from pyvis.network import Network

    return Network(directed=True, cdn_resources="in_line")


class ViewContext:
    """What every view needs, read once: graphs, analysis, facts, options.

    Parameters
    ----------
    source : KnowledgeGraph, rdflib graph or store backend
    lang : {"en", "zh"}
        Language of node labels and page text; tooltips show both labels.
    hops : int
        Radius of the neighbourhood on entity pages.
    max_nodes : int or None
        The most nodes one page shows; larger graphs keep their most central nodes.
    entities : bool or iterable of str
        Which entities get a view in the explorer: all, none, or those ids (or labels).
    max_entities : int or None
        The most entity views; beyond it the most connected entities are kept, with a note.
    analysis : dict, optional
        A result of :func:`kg.analysis.report.analyze` with its default options for the same
        graph (made here when not given).
    """

    def __init__(self, source, lang: str = "en", hops: int = 1, max_nodes: int | None = DEFAULT_MAX_NODES,
                 entities: bool | Iterable[str] = True, max_entities: int | None = DEFAULT_MAX_ENTITIES,
                 analysis: dict | None = None):
        from ..analysis.graphs import ENTITY_READS, Memo, as_backend, coverage_graph, entity_graph, influence_graph
        from ..analysis.report import analyze

        self.lang = _check_lang(lang)
        if hops < 0:
            raise UsageError(f"hops must be 0 or more, not {hops}")
        if max_nodes is not None and max_nodes < 1:
            raise UsageError(f"max_nodes must be at least 1, not {max_nodes}")
        if max_entities is not None and max_entities < 1:
            raise UsageError(f"max_entities must be at least 1, not {max_entities}")
        self.hops, self.max_nodes, self.max_entities = hops, max_nodes, max_entities
        backend = Memo(as_backend(source))  # the graphs and the analysis share their queries
        self.backend = backend
        # The facts' and the entity graph's reads, read by the store's engine in two lanes
        # beside this thread (see kg.store.ReadAhead; on another store nothing is read
        # ahead): at 1,000 reports on disk 115 s one after another, 61 s so, for a peak
        # 0.35 GiB higher (two reads at once). Asked in about the order the lanes finish
        # them, so that few answers wait in memory (with the entity graph first, the peak was
        # 0.3 GiB higher still). (The reads end with the block: the analysis below forks.)
        entity_reads = () if backend.made("entity_graph") else ENTITY_READS
        with backend.read_ahead(READ_LANES[0], (*READ_LANES[1], *entity_reads)):
            self.G = influence_graph(backend)
            self.C = coverage_graph(backend)
            self.facts: GraphFacts = read_facts(backend)
            self.E = entity_graph(backend)
        self.analysis = analysis if analysis is not None else analyze(backend)
        self.micmac = {row["node"]: row for row in self.analysis["micmac"]["table"]}
        self.centrality = self.analysis["centrality"]
        self.degree = dict(self.E.degree())
        self._iri_key = {}
        for n, d in sorted(self.E.nodes(data=True), key=lambda nd: str(nd[0])):
            self._iri_key.setdefault(d.get("iri"), n)
        self._tooltips: dict = {}
        if entities is True:
            wanted = set(self.E)
        elif entities is False or entities is None:
            wanted = set()
        else:
            wanted = {self.resolve(k) for k in ([entities] if isinstance(entities, str) else entities)}
        #: how many entities asked for a view, before the cap
        self.entities_total = len(wanted)
        kept, _ = top_nodes(self.E.subgraph(wanted), max_entities, self.degree)
        #: node key → relative link to its view in the explorer (``entities.html#id``)
        self.entity_pages = {n: entity_href(n) for n in kept}
        self.scenario = None  # (clamp, ScenarioResult), set by :meth:`run_scenario`

    def t(self, key: str, **kw) -> str:
        """A piece of page text in the context's language, with ``{placeholders}`` filled."""
        text = _TEXT[self.lang][key]
        return text.format(**kw) if kw else text

    def resolve(self, key: str) -> str:
        """The node key of an id or label (zh or en) in the entity graph."""
        if key in self.E:
            return key
        lookup = self.__dict__.get("_lookup")
        if lookup is None:  # folded id or label → the first node (by key) that has it
            lookup = self.__dict__["_lookup"] = {}
            for n, d in sorted(self.E.nodes(data=True), key=lambda nd: str(nd[0])):
                for name in (str(d.get("id", "")), d.get("label_zh", ""), d.get("label_en", "")):
                    if name:
                        lookup.setdefault(name.strip().casefold(), n)
        found = lookup.get(str(key).strip().casefold())
        if found is None:
            raise UsageError(f"no entity '{key}' in the graph")
        return found

    def run_scenario(self, clamp: Mapping[str, float], **options) -> None:
        """Run the fuzzy cognitive map with ``clamp`` held (ids or labels) for the scenario view."""
        from ..analysis.fcm import scenario

        held = {}
        for key, value in clamp.items():
            node = self.resolve(key)
            if node not in self.G:
                raise UsageError(f"'{key}' is not in the influence network")
            held[node] = float(value)
        try:
            self.scenario = (held, scenario(self.G, held, **options))
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    # -- labels and tooltips ------------------------------------------------------------

    def label(self, key, attrs: Mapping | None = None) -> str:
        """The node's label in the context's language (falling back to the other, then the id)."""
        attrs = attrs if attrs is not None else (self.E.nodes[key] if key in self.E else {})
        return attrs.get(f"label_{self.lang}") or attrs.get("label_en") or attrs.get("label_zh") or str(key)

    def tooltip(self, key, attrs: Mapping, extra: Iterable[str] = ()) -> str:
        """Plain text: both labels, type and category, descriptions, sections, figures, scores."""
        extra = list(extra)
        cacheable = not extra and key in self.E and attrs is self.E.nodes[key]
        if cacheable and key in self._tooltips:
            return self._tooltips[key]
        text = self._tooltip(key, attrs, extra)
        if cacheable:
            self._tooltips[key] = text
        return text

    def _tooltip(self, key, attrs: Mapping, extra: list[str]) -> str:
        other = "zh" if self.lang == "en" else "en"
        first, second = self.label(key, attrs), attrs.get(f"label_{other}", "")
        lines = [first] + ([second] if second and second != first else [])
        iri = attrs.get("iri", "")
        info = self.facts.entity(iri)
        kind = _type_name(attrs.get("type", ""), self.lang)
        lines.append(" · ".join(p for p in (kind, info.category) if p))
        for lang in (self.lang, other):
            if info.description.get(lang):
                lines.append(info.description[lang])
        if info.sections:
            lines.append(f"{self.t('sections')}: {', '.join(info.sections)}")
        fig = self.facts.figures.get(iri)
        if fig is not None:
            lines.append(f"{self.t('figure')}: {fig.text()}")
        for f_iri, f in self.facts.figures_of(iri)[:6]:
            lines.append(f"{self._label_of_iri(f_iri)}: {f.text()}")
        row = self.micmac.get(key)
        if row is not None:
            lines.append(f"MICMAC: {self.t(row['indirect_class'])} · {self.t('influence.word')} "
                         f"{_num(row['indirect_influence'])} · {self.t('dependence.word')} "
                         f"{_num(row['indirect_dependence'])}")
        c = self.centrality.get(key)
        if c is not None:
            lines.append(f"{self.t('pagerank')} {_num(c.get('pagerank'))} · {self.t('betweenness')} "
                         f"{_num(c.get('betweenness'))}")
        lines.extend(extra)
        return "\n".join(lines)

    def _label_of_iri(self, iri: str) -> str:
        key = self._iri_key.get(iri)
        return self.label(key) if key is not None else iri.rsplit("/", 1)[-1]

    # -- navigation ------------------------------------------------------------------------

    def views(self) -> list[str]:
        """The network views this context makes (``scenario`` only after :meth:`run_scenario`)."""
        return [v for v in VIEWS if v != "scenario" or self.scenario is not None]

    def nav(self, prefix: str = "") -> list[tuple[str, str]]:
        """Links to the index, every view and the entity explorer (when it has entities)."""
        links = [(f"{prefix}index.html", self.t("index"))] + [(f"{prefix}{v}.html", self.t(v)) for v in self.views()]
        if self.entity_pages:
            links.append((f"{prefix}{EXPLORER}", self.t("explorer")))
        return links

    def links(self, nodes: Iterable, prefix: str = "") -> dict[str, str]:
        """node id → the link to its view in the explorer, for the nodes that have one."""
        return {str(n): prefix + self.entity_pages[n] for n in nodes if n in self.entity_pages}

    def neighbourhood(self, key) -> tuple[list, int]:
        """The nodes within ``hops`` steps of ``key`` (edges taken either way), capped at ``max_nodes``.

        Returns the kept nodes, the nearest first (then the most connected, then by id), and
        how many nodes are within reach before the cap.
        """
        undirected = self.__dict__.get("_undirected")
        if undirected is None:
            undirected = self.__dict__["_undirected"] = self.E.to_undirected(as_view=True)
        dist = nx.single_source_shortest_path_length(undirected, key, cutoff=self.hops)
        keep = sorted(dist, key=lambda n: (dist[n], -self.degree[n], str(n)))
        total = len(keep)
        if self.max_nodes is not None:
            keep = keep[: self.max_nodes]
        return keep, total


# --------------------------------------------------------------------------- building blocks


def _cap_note(ctx_or_lang, shown: int, total: int) -> list[str]:
    if shown >= total:
        return []
    lang = ctx_or_lang if isinstance(ctx_or_lang, str) else ctx_or_lang.lang
    return [_TEXT[lang]["capped"].format(shown=shown, total=total)]


def _size(value: float, peak: float, lo: float = 8, hi: float = 34) -> float:
    if not peak or value is None or value <= 0:
        return lo
    return round(lo + (hi - lo) * math.sqrt(min(value / peak, 1.0)), 2)


def _type_legend(types: Iterable[str], lang: str) -> list[tuple[str, str, str]]:
    return [("node", TYPE_COLOURS.get(t, _OTHER), _type_name(t, lang)) for t in sorted(set(types))]


def _relation_colours(relations: Iterable[str]) -> dict[str, str]:
    return {r: _RELATION_PALETTE[i % len(_RELATION_PALETTE)] for i, r in enumerate(sorted(set(relations)))}


def _mix(a: tuple, b: tuple, t: float) -> str:
    t = max(0.0, min(1.0, t))
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))


def _influence_edges(ctx: ViewContext, net, G, nodes: set) -> None:
    for a, b in sorted((e for e in G.edges() if e[0] in nodes and e[1] in nodes), key=lambda e: (str(e[0]), str(e[1]))):
        d = G.edges[a, b]
        polarity = d.get("polarity", "positive")
        sign = "+" if polarity == "positive" else "−"
        title = "\n".join([f"{ctx.label(a)} → {ctx.label(b)}",
                           f"{ctx.t(polarity)} · {ctx.t('strength')} {d.get('strength')} · "
                           f"{ctx.t('weight')} {sign}{abs(d.get('weight', 0)):.2f}",
                           f"{ctx.t('sections')}: {', '.join(d.get('sections', []))}"])
        net.add_edge(str(a), str(b), id=f"{a}->{b}", title=title, color=POLARITY_COLOURS.get(polarity, _OTHER),
                     width=round(0.8 + 1.4 * float(d.get("strength", 1)), 2), dashes=polarity != "positive")


def _page(ctx: ViewContext, view: str, title: str, net, **kw) -> Page:
    return Page(view=view, title=title, lang=ctx.lang, nodes=net.nodes, edges=net.edges, options=_base_options(), **kw)


# --------------------------------------------------------------------------- the views


def overview(ctx: ViewContext) -> Page:
    """Every entity and figure: colour by class, size by degree centrality, edges by relation."""
    E = ctx.E
    degree = nx.degree_centrality(E) if len(E) > 1 else {n: 0.0 for n in E}
    keep, _ = top_nodes(E, ctx.max_nodes, degree)
    kept = set(keep)
    pos = spring_positions(E.subgraph(keep))
    peak = max((degree[n] for n in keep), default=0)
    net = _network()
    for n in keep:
        d = E.nodes[n]
        x, y = pos[n]
        net.add_node(str(n), label=ctx.label(n, d), title=ctx.tooltip(n, d),
                     color=TYPE_COLOURS.get(d.get("type"), _OTHER),
                     size=_size(degree[n], peak), x=x, y=y)
    relations = sorted({d["relation"] for a, b, d in E.edges(data=True) if a in kept and b in kept})
    colours = _relation_colours(relations)
    for a, b, k, d in sorted(E.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))):
        if a not in kept or b not in kept:
            continue
        rel = d["relation"]
        title = f"{ctx.label(a)} → {rel} → {ctx.label(b)}"
        if d.get("sections"):
            title += f"\n{ctx.t('sections')}: {', '.join(d['sections'])}"
        net.add_edge(str(a), str(b), id=f"{a}|{k}|{b}", title=title, color=colours[rel],
                     dashes=rel in _FIELD_RELATIONS, width=1.2)
    legend = _type_legend((E.nodes[n].get("type", "") for n in keep), ctx.lang)
    legend += [("dashed" if r in _FIELD_RELATIONS else "line", colours[r], r) for r in relations]
    notes = _cap_note(ctx, len(keep), len(E)) + ([ctx.t("open")] if ctx.entity_pages else [])
    return _page(ctx, "overview", ctx.t("overview"), net, notes=notes, nav=ctx.nav(), legend=legend,
                 legend_title=ctx.t("types"), links=ctx.links(keep), total_nodes=len(E))


def influence(ctx: ViewContext, scenario: bool = False) -> Page:
    """The influence map: polarity colours, strength widths, MICMAC class colours, influence sizes.

    With ``scenario=True`` the nodes are coloured by the change of the scenario run instead.
    """
    G = ctx.G
    score = {n: (ctx.micmac.get(n) or {}).get("indirect_influence") or 0.0 for n in G}
    keep, _ = top_nodes(G, ctx.max_nodes, score)
    pos = spring_positions(G.subgraph(keep))
    peak = max((score[n] for n in keep), default=0)
    net = _network()
    held, change = {}, {}
    if scenario:
        held, res = ctx.scenario
        change = res.change
        biggest = max((abs(change.get(n, 0.0)) for n in keep if n not in held), default=0.0) or 1.0
    for n in keep:
        d = G.nodes[n]
        x, y = pos[n]
        cls = (ctx.micmac.get(n) or {}).get("indirect_class", "")
        extra, kw = [], {}
        label = ctx.label(n, d)
        if scenario:
            c = float(change.get(n, 0.0))
            extra = [f"{ctx.t('baseline')} {res.baseline.get(n, 0.0):.3f} → {ctx.t('scenario.value')} "
                     f"{res.scenario.get(n, 0.0):.3f} ({ctx.t('change')} {c:+.3f})"]
            colour = _mix(_SCENARIO_FLAT, _SCENARIO_UP if c > 0 else _SCENARIO_DOWN, abs(c) / biggest)
            if n in held:
                kw = {"shape": "diamond", "borderWidth": 3}
                colour = "#444444"
                label = f"{label} = {held[n]:g}"
            elif abs(c) >= 0.0005:
                label = f"{label} ({c:+.2f})"
        else:
            colour = CLASS_COLOURS.get(cls, _OTHER)
        net.add_node(str(n), label=label, title=ctx.tooltip(n, d, extra), color=colour, size=_size(score[n], peak),
                     x=x, y=y, **kw)
    _influence_edges(ctx, net, G, set(keep))
    if scenario:
        legend = [("node", _mix(_SCENARIO_FLAT, _SCENARIO_UP, 1), ctx.t("increase")),
                  ("node", _mix(_SCENARIO_FLAT, _SCENARIO_DOWN, 1), ctx.t("decrease")),
                  ("node", _mix(_SCENARIO_FLAT, _SCENARIO_UP, 0), ctx.t("unchanged")),
                  ("node", "#444444", ctx.t("clamped"))]
        title, view = ctx.t("scenario"), "scenario"
        clamp = ", ".join(f"{ctx.label(n)} = {v:g}" for n, v in held.items())
        ok = lambda flag: ctx.t("converged") if flag else ctx.t("not_converged")  # noqa: E731
        notes = [ctx.t("scenario.note", clamp=clamp, b=ok(res.baseline_converged), s=ok(res.scenario_converged))]
    else:
        legend = [("node", CLASS_COLOURS[c], ctx.t(c)) for c in CLASS_COLOURS]
        title, view, notes = ctx.t("influence"), "influence", []
    legend += [("line", POLARITY_COLOURS["positive"], ctx.t("positive")),
               ("dashed", POLARITY_COLOURS["negative"], ctx.t("negative"))]
    return _page(ctx, view, title, net, notes=notes + _cap_note(ctx, len(keep), len(G)), nav=ctx.nav(), legend=legend,
                 legend_title=ctx.t("classes") if not scenario else ctx.t("change"), links=ctx.links(keep),
                 total_nodes=len(G))


def scenario_view(ctx: ViewContext) -> Page:
    """The influence map coloured by the change of the scenario run (see :meth:`ViewContext.run_scenario`)."""
    if ctx.scenario is None:
        raise UsageError("no scenario: give clamped values (e.g. scenario={'fraud': 1})")
    return influence(ctx, scenario=True)


def micmac_plane(ctx: ViewContext) -> Page:
    """Nodes at (indirect dependence, indirect influence), with the quadrant lines and names."""
    rows = ctx.micmac
    score = {n: rows[n]["indirect_influence"] + rows[n]["indirect_dependence"] for n in rows}
    keep, _ = top_nodes(ctx.G.subgraph(rows), ctx.max_nodes, score)
    th = ctx.analysis["micmac"]["thresholds"]["indirect"]
    width = 2.4 * scale_for(len(keep))
    pos, frame = plane_positions({n: rows[n]["indirect_dependence"] for n in keep},
                                 {n: rows[n]["indirect_influence"] for n in keep}, width=width, height=0.62 * width,
                                 origin_x=th.get("dependence"), origin_y=th.get("influence"))
    groups = defaultdict(list)
    for n in keep:
        groups[pos[n]].append(n)
    net = _network()
    for (x, y), members in sorted(groups.items()):
        for i, n in enumerate(members):  # spread nodes that share a point on a small ring
            if len(members) > 1:
                r = 10 + 2.5 * len(members)
                x_i = round(x + r * math.cos(2 * math.pi * i / len(members)), 1)
                y_i = round(y + r * math.sin(2 * math.pi * i / len(members)), 1)
            else:
                x_i, y_i = x, y
            d = ctx.G.nodes[n]
            net.add_node(str(n), label=ctx.label(n, d), title=ctx.tooltip(n, d),
                         color=CLASS_COLOURS.get(rows[n]["indirect_class"], _OTHER), size=10, x=x_i, y=y_i)
    pad = round(width / 60, 1)
    left, right = frame["left"] + pad, frame["right"] - pad
    top, bottom = frame["top"] + pad, frame["bottom"] - pad
    quadrants = [  # Godet's plane: influence up, dependence to the right
        {"text": ctx.t("influential"), "x": left, "y": top, "align": "left", "baseline": "top"},
        {"text": ctx.t("relay"), "x": right, "y": top, "align": "right", "baseline": "top"},
        {"text": ctx.t("dependent"), "x": right, "y": bottom, "align": "right", "baseline": "bottom"},
        {"text": ctx.t("autonomous"), "x": left, "y": bottom, "align": "left", "baseline": "bottom"},
    ]
    plane = {"frame": frame, "quadrants": quadrants, "xLabel": ctx.t("dependence"), "yLabel": ctx.t("influence.axis"),
             "fontSize": round(width / 45, 1)}
    mm = ctx.analysis["micmac"]
    notes = [ctx.t("micmac.split", split=mm["split"], inf=_num(th.get("influence")), dep=_num(th.get("dependence")))]
    if mm.get("attenuation"):
        state = (ctx.t("micmac.stable", k=mm["stable_at"]) if mm.get("converged")
                 else ctx.t("micmac.unstable", k=mm.get("power")))
        notes.append(ctx.t("micmac.attenuated", alpha=f"{mm['attenuation']:g}", state=state))
    elif not mm.get("converged") and mm.get("note"):
        notes.append(mm["note"])
    legend = [("node", CLASS_COLOURS[c], ctx.t(c)) for c in CLASS_COLOURS]
    return _page(ctx, "micmac", ctx.t("micmac"), net, notes=notes + _cap_note(ctx, len(keep), len(rows)), nav=ctx.nav(),
                 legend=legend, legend_title=ctx.t("classes"), plane=plane, links=ctx.links(keep),
                 total_nodes=len(rows))


def _unaddressed(ctx: ViewContext) -> set:
    gaps = ctx.analysis["gaps"]
    marked = {n for n, d in ctx.C.nodes(data=True) if d.get("unaddressed")}
    return set(gaps.get("none", [])) | set(gaps.get("marked", [])) | marked


def coverage_view(ctx: ViewContext) -> Page:
    """Recommendations, technologies, regulations … and the challenges they address."""
    C = ctx.C
    open_ = _unaddressed(ctx)
    degree = dict(C.degree())
    keep, _ = top_nodes(C, ctx.max_nodes, {n: degree[n] + (1000 if n in open_ else 0) for n in C})
    kept = set(keep)
    pos = spring_positions(C.subgraph(keep))
    net = _network()
    peak = max((degree[n] for n in keep), default=0)
    for n in keep:
        d = C.nodes[n]
        x, y = pos[n]
        if n in open_ and d.get("type") == "Challenge":
            net.add_node(str(n), label=f"⚠ {ctx.label(n, d)}", title=ctx.tooltip(n, d, [ctx.t("unaddressed")]),
                         color={"background": _UNADDRESSED, "border": "#7a0000"}, shape="star", size=24, borderWidth=3,
                         x=x, y=y, font={"size": 16, "color": "#a00000"})
        else:
            net.add_node(str(n), label=ctx.label(n, d), title=ctx.tooltip(n, d),
                         color=TYPE_COLOURS.get(d.get("type"), _OTHER), size=_size(degree[n], peak, 8, 26), x=x, y=y)
    for a, b in sorted((e for e in C.edges() if e[0] in kept and e[1] in kept), key=lambda e: (str(e[0]), str(e[1]))):
        d = C.edges[a, b]
        title = f"{ctx.label(a)} → {ctx.t('addresses')} → {ctx.label(b)}"
        if d.get("sections"):
            title += f"\n{ctx.t('sections')}: {', '.join(d['sections'])}"
        net.add_edge(str(a), str(b), id=f"{a}->{b}", title=title, color="#7f8c8d", width=1.5)
    legend = _type_legend((C.nodes[n].get("type", "") for n in keep), ctx.lang) + [
        ("node", _UNADDRESSED, ctx.t("unaddressed"))]
    return _page(ctx, "coverage", ctx.t("coverage"), net, notes=_cap_note(ctx, len(keep), len(C)), nav=ctx.nav(),
                 legend=legend, legend_title=ctx.t("types"), links=ctx.links(keep), total_nodes=len(C))


def entity_view(ctx: ViewContext, key: str) -> Page:
    """One entity's neighbourhood (``ctx.hops`` steps) with its facts, figures and sections."""
    E = ctx.E
    key = ctx.resolve(key)
    keep, total = ctx.neighbourhood(key)
    kept = set(keep)
    pos = spring_positions(E.subgraph(keep))
    net = _network()
    for n in sorted(keep, key=str):
        d = E.nodes[n]
        x, y = pos[n]
        centre = n == key
        net.add_node(str(n), label=ctx.label(n, d), title=ctx.tooltip(n, d), x=x, y=y,
                     color=TYPE_COLOURS.get(d.get("type"), _OTHER), size=28 if centre else 14,
                     borderWidth=4 if centre else 1, font={"size": 18 if centre else 14})
    relations = sorted({d["relation"] for a, b, d in E.subgraph(keep).edges(data=True)})
    colours = _relation_colours(d["relation"] for *_, d in E.edges(data=True))  # the explorer's colours
    for a, b, k, d in sorted(E.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))):
        if a in kept and b in kept:
            title = f"{ctx.label(a)} → {d['relation']} → {ctx.label(b)}"
            if d.get("sections"):
                title += f"\n{ctx.t('sections')}: {', '.join(d['sections'])}"
            net.add_edge(str(a), str(b), id=f"{a}|{k}|{b}", title=title, color=colours[d["relation"]],
                         dashes=d["relation"] in _FIELD_RELATIONS, label=d["relation"], width=1.3)
    notes = [ctx.t("hops", hops=ctx.hops)]
    if len(keep) < total:
        notes.append(ctx.t("capped.entity", shown=len(keep), total=total, hops=ctx.hops))
    legend = _type_legend((E.nodes[n].get("type", "") for n in keep), ctx.lang)
    legend += [("dashed" if r in _FIELD_RELATIONS else "line", colours[r], r) for r in relations]
    d = E.nodes[key]
    title = f"{ctx.label(key, d)} · {_type_name(d.get('type', ''), ctx.lang)}"
    return _page(ctx, "entity", title, net, notes=notes, nav=ctx.nav(), legend=legend,
                 legend_title=ctx.t("types"), panel=_entity_panel(ctx, key), links=ctx.links(keep),
                 total_nodes=total)


def panel_data(ctx: ViewContext, key) -> dict:
    """What the side panel says about an entity, as plain strings (never markup).

    Returns
    -------
    dict
        ``title`` (label · type), ``heading``, ``sub`` (other label, type, category, report),
        ``desc`` (list of [text, muted]), ``figure`` (the figure it is, or ""), ``sections``
        (``"1.2 heading"`` lines), ``figures`` (lines), ``facts`` (list of
        [arrow, relation text, other node key, its label, sections]) and ``scores`` (lines).
    """
    E, d = ctx.E, ctx.E.nodes[key]
    other = "zh" if ctx.lang == "en" else "en"
    iri = d.get("iri", "")
    info = ctx.facts.entity(iri)
    kind = _type_name(d.get("type", ""), ctx.lang)
    sub = " · ".join(p for p in (d.get(f"label_{other}", ""), kind, info.category,
                                 f"{ctx.t('report')} {d.get('report', '')}") if p)
    out = {"title": f"{ctx.label(key, d)} · {kind}", "heading": ctx.label(key, d), "sub": sub,
           "desc": [[info.description[lang], lang != ctx.lang] for lang in (ctx.lang, other)
                    if info.description.get(lang)]}
    fig = ctx.facts.figures.get(iri)
    out["figure"] = fig.text() if fig is not None else ""
    sections = []
    for sid in info.sections:
        heading = ctx.facts.section_headings.get((d.get("report", ""), sid), {})
        sections.append(f"{sid} {heading.get(ctx.lang) or heading.get(other) or ''}".strip())
    out["sections"] = sections
    out["figures"] = [f"{ctx._label_of_iri(f_iri)}: {f.text()}" for f_iri, f in ctx.facts.figures_of(iri)]
    facts = []
    for a, b, k, e in E.in_edges(key, keys=True, data=True):
        facts.append(("←", e, a))
    for a, b, k, e in E.out_edges(key, keys=True, data=True):
        facts.append(("→", e, b))
    rows = []
    for arrow, e, n in sorted(facts, key=lambda f: (f[1]["relation"], f[0], str(f[2]))):
        extra = ""
        if e["relation"] == "influences":
            inf = ctx.G.edges[(key, n) if arrow == "→" else (n, key)]
            extra = f" ({ctx.t(inf['polarity'])}, {ctx.t('strength')} {inf['strength']})"
        rows.append([arrow, f"{e['relation']}{extra}", str(n), ctx.label(n), ", ".join(e.get("sections", []))])
    out["facts"] = rows
    row, c = ctx.micmac.get(key), ctx.centrality.get(key)
    scores = []
    if row:
        scores.append(f"MICMAC: {ctx.t(row['indirect_class'])} · {ctx.t('influence.word')} "
                      f"{_num(row['indirect_influence'])} · {ctx.t('dependence.word')} "
                      f"{_num(row['indirect_dependence'])}")
    if c:
        scores.append(f"{ctx.t('pagerank')} {_num(c.get('pagerank'))} · {ctx.t('betweenness')} "
                      f"{_num(c.get('betweenness'))}")
    out["scores"] = scores
    return out


def _entity_panel(ctx: ViewContext, key: str) -> str:
    """The side panel of a one-entity page, as HTML escaped from :func:`panel_data`."""
    p = panel_data(ctx, key)
    out = [f"<h2>{esc(p['heading'])}</h2>", f'<p class="muted">{esc(p["sub"])}</p>']
    for text, muted in p["desc"]:
        cls = ' class="muted"' if muted else ""
        out.append(f"<p{cls}>{esc(text)}</p>")
    if p["figure"]:
        out.append(f"<p><strong>{esc(p['figure'])}</strong></p>")
    lists = [("sections", [esc(x) for x in p["sections"]]), ("figures", [esc(x) for x in p["figures"]])]
    items = []
    for arrow, relation, n, label, secs in p["facts"]:
        page = ctx.entity_pages.get(n) if n in ctx.E else None
        link = f'<a href="{esc(page)}">{esc(label)}</a>' if page else esc(label)
        tail = f' <span class="muted">[{esc(secs)}]</span>' if secs else ""
        items.append(f"{esc(arrow)} {esc(relation)} {link}{tail}")
    lists += [("facts", items), ("scores", [esc(x) for x in p["scores"]])]
    for head, rows in lists:
        if rows:
            out.append(f"<h2>{esc(ctx.t(head))}</h2><ul>{''.join(f'<li>{r}</li>' for r in rows)}</ul>")
    return "\n".join(out)


_BUILDERS = {"overview": overview, "influence": influence, "micmac": micmac_plane, "coverage": coverage_view,
             "scenario": scenario_view}


# --------------------------------------------------------------------------- index


def _index(ctx: ViewContext, pages: Mapping[str, Page]) -> str:
    t, lang = ctx.t, ctx.lang
    other = "zh" if lang == "en" else "en"
    out = [f"<h2>{esc(t('reports'))}</h2><ul>"]
    for rep in ctx.facts.reports:
        first, second = rep.title.get(lang, rep.id), rep.title.get(other, "")
        out.append(f"<li><strong>{esc(first)}</strong>" + (f" — {esc(second)}" if second and second != first else "")
                   + f' <span class="muted">({esc(rep.id)}, {len(rep.sections)} {esc(t("sections.word"))})</span></li>')
    out.append("</ul>")
    out.append(f"<h2>{esc(t('index'))}</h2><ul class=\"views\">")
    for name, page in pages.items():
        out.append(f'<li><a href="{esc(name)}.html">{esc(t(name))}</a> — {esc(t(name + ".about"))} '
                   f'<span class="muted">({len(page.nodes)} {esc(t("nodes"))}, '
                   f'{len(page.edges)} {esc(t("edges.word"))})'
                   f"</span></li>")
    if ctx.entity_pages:
        out.append(f'<li><a href="{EXPLORER}">{esc(t("explorer"))}</a> — {esc(t("explorer.about"))} '
                   f'<span class="muted">({len(ctx.entity_pages)} {esc(t("entities.word"))})</span></li>')
    out.append("</ul>")
    types = Counter(d.get("type", "") for _, d in ctx.E.nodes(data=True))
    relations = Counter(d["relation"] for *_, d in ctx.E.edges(data=True) if d["relation"] != "influences")
    rows = "".join(f'<tr><td><span class="swatch" style="background:{TYPE_COLOURS.get(k, _OTHER)}"></span>'
                   f'{esc(_type_name(k, lang))}</td><td class="num">{v}</td></tr>' for k, v in sorted(types.items()))
    rows += f'<tr><td>{esc(t("influences"))}</td><td class="num">{ctx.G.number_of_edges()}</td></tr>'
    rows += f'<tr><td>{esc(t("relations.count"))}</td><td class="num">{sum(relations.values())}</td></tr>'
    rows += (f'<tr><td>{esc(t("sections"))}</td>'
             f'<td class="num">{sum(len(r.sections) for r in ctx.facts.reports)}</td></tr>')
    out.append(f"<h2>{esc(t('holds'))}</h2><table><tr><th>{esc(t('types'))}</th><th>{esc(t('count'))}</th></tr>"
               f"{rows}</table>")
    out.append(legend_html([("node", CLASS_COLOURS[c], t(c)) for c in CLASS_COLOURS]
                           + [("line", POLARITY_COLOURS["positive"], t("positive")),
                              ("dashed", POLARITY_COLOURS["negative"], t("negative")),
                              ("node", _UNADDRESSED, t("unaddressed"))], t("classes")))
    open_ = sorted(n for n in _unaddressed(ctx) if n in ctx.E)
    items = "".join(f"<li>{_entity_link(ctx, n)}</li>" for n in open_) or f"<li>{esc(t('none'))}</li>"
    out.append(f"<h2>{esc(t('gaps'))}</h2><ul>{items}</ul>")
    if ctx.entity_pages:
        out.append(f"<h2>{esc(t('entities'))}</h2>")
        out.extend(f'<p class="note">{esc(n)}</p>' for n in _entities_note(ctx))
        by_type = defaultdict(list)
        for n in ctx.entity_pages:
            by_type[ctx.E.nodes[n].get("type", "")].append(n)
        for kind in sorted(by_type):
            members = sorted(by_type[kind], key=lambda n: (ctx.label(n), str(n)))
            links = "".join(f"<li>{_entity_link(ctx, n)}</li>" for n in members)
            out.append(f"<details><summary>{esc(_type_name(kind, lang))} ({len(members)})</summary>"
                       f"<ul>{links}</ul></details>")
    out.append(f"<h2>{esc(t('sections'))}</h2>")
    for rep in ctx.facts.reports:
        items = "".join(f'<li style="margin-left:{(s["level"] - 1) * 1.2:.1f}rem">{esc(s["number"])} '
                        f'{esc(s["heading"].get(lang) or s["heading"].get(other, ""))}</li>' for s in rep.sections)
        out.append(f"<details><summary>{esc(rep.title.get(lang, rep.id))} ({len(rep.sections)})</summary>"
                   f'<ul style="list-style:none">{items}</ul></details>')
    titles = [r.title.get(lang, r.id) for r in ctx.facts.reports]
    title = " · ".join(titles) if titles else t("index")
    return render_index(title, lang, "\n".join(out))


def _entities_note(ctx: ViewContext) -> list[str]:
    shown, total = len(ctx.entity_pages), ctx.entities_total
    return [ctx.t("capped.entities", shown=shown, total=total)] if shown < total else []


def _entity_link(ctx: ViewContext, n) -> str:
    page = ctx.entity_pages.get(n)
    name = esc(ctx.label(n))
    return f'<a href="{esc(page)}">{name}</a>' if page else name


# --------------------------------------------------------------------------- public API


@collector_paused()
def build_views(source, lang: str = "en", hops: int = 1, scenario: Mapping[str, float] | None = None,
                max_nodes: int | None = DEFAULT_MAX_NODES, entities: bool | Iterable[str] = True,
                scenario_options: Mapping | None = None,
                max_entities: int | None = DEFAULT_MAX_ENTITIES, analysis: dict | None = None) -> dict[str, str]:
    """Every view as HTML text, keyed by its path in the views folder.

    Parameters
    ----------
    source : KnowledgeGraph, rdflib graph or store backend
    lang : {"en", "zh"}
        Language of node labels and page text (tooltips show both labels).
    hops : int
        Neighbourhood radius of the entity views.
    scenario : mapping, optional
        Concepts to hold (id or label → value); adds ``scenario.html``.
    max_nodes : int or None
        The most nodes a page (or one entity's neighbourhood) shows; the most central are
        kept, with a note.
    entities : bool or iterable of str
        Entities with a view in the explorer ``entities.html``: all (default), none (no
        explorer is written), or these ids or labels.
    scenario_options : mapping, optional
        Passed to :func:`kg.analysis.fcm.scenario` (``transfer``, ``lam``, ``inference`` …).
    max_entities : int or None
        The most entity views in the explorer; beyond it the most connected entities are
        kept, and the explorer and the index say so.
    analysis : dict, optional
        The graph's :func:`kg.analysis.report.analyze` result (default options), when the
        caller has it already.

    Returns
    -------
    dict
        ``"index.html"``, ``"overview.html"``, …, ``"entities.html"`` → HTML.

    Raises
    ------
    UsageError
        An unknown language or entity, or a bad scenario.
    """
    from .explorer import explorer_page

    ctx = ViewContext(source, lang=lang, hops=hops, max_nodes=max_nodes, entities=entities,
                      max_entities=max_entities, analysis=analysis)
    if scenario:
        ctx.run_scenario(scenario, **(scenario_options or {}))
    pages = {name: _BUILDERS[name](ctx) for name in ctx.views()}
    out = {"index.html": _index(ctx, pages)}
    out.update({f"{name}.html": render_page(page) for name, page in pages.items()})
    if ctx.entity_pages:
        out[EXPLORER] = explorer_page(ctx)
    return out


def render_view(source, name: str = "influence", entity: str | None = None, lang: str = "en", hops: int = 1,
                scenario: Mapping[str, float] | None = None, max_nodes: int | None = DEFAULT_MAX_NODES,
                standalone: bool = True, **scenario_options) -> str:
    """One view as an HTML string.

    Parameters
    ----------
    name : str
        ``index``, ``overview``, ``influence``, ``micmac``, ``coverage``, ``scenario`` or ``entity``.
    entity : str, optional
        The entity (id or label) of an ``entity`` view.
    standalone : bool
        Leave out the links to the other views and to ``entities.html`` (they only work
        inside a views folder).

    Examples
    --------
    >>> import kg
    >>> html = render_view(kg.load("tests/fixtures/data"), "micmac")   # doctest: +SKIP
    """
    if name == "index":
        return build_views(source, lang=lang, hops=hops, scenario=scenario, max_nodes=max_nodes, entities=False,
                           scenario_options=scenario_options)["index.html"]
    # inside a views folder (standalone=False), double-clicks and panel links lead to the explorer
    ctx = ViewContext(source, lang=lang, hops=hops, max_nodes=max_nodes, entities=not standalone)
    if scenario:
        ctx.run_scenario(scenario, **scenario_options)
    if name == "entity":
        if entity is None:
            raise UsageError("the entity view needs an entity (id or label)")
        page = entity_view(ctx, entity)
    elif name in _BUILDERS:
        page = _BUILDERS[name](ctx)
    else:
        raise UsageError(f"unknown view '{name}'; expected one of: index, {', '.join(VIEWS)}, entity")
    if standalone:
        page.nav, page.links = [], {}
        page.panel = re.sub(r'<a href="[^"]*">(.*?)</a>', r"\1", page.panel)
    return render_page(page)


def render_graph(G: nx.Graph, title: str = "", lang: str = "en", max_nodes: int | None = DEFAULT_MAX_NODES,
                 score: Mapping | None = None) -> str:
    """Draw any networkx graph as a kg page (precomputed layout, physics off, capped).

    Nodes may carry ``type``, ``label_en``/``label_zh`` (or ``label``) and ``description``;
    they become the colour, label and plain-text tooltip.

    Parameters
    ----------
    G : networkx graph
    title : str
    lang : {"en", "zh"}
    max_nodes : int or None
        Keep only this many nodes, the highest ``score`` (default: degree) first, and say so.
    score : mapping, optional
        node → importance used by the cap.

    Examples
    --------
    >>> import networkx as nx
    >>> page = render_graph(nx.path_graph(3), "a path")
    >>> '"edges": 2' in page
    True
    """
    lang = _check_lang(lang)
    keep, _ = top_nodes(G, max_nodes, score)
    kept = set(keep)
    pos = spring_positions(G.subgraph(keep))
    net = _network()
    ids = {n: str(n) for n in keep}
    for n in keep:
        d = G.nodes[n]
        label = str(d.get(f"label_{lang}") or d.get("label") or n)
        lines = [label] + [str(d[k]) for k in ("label_zh", "label_en", "type", "description")
                           if d.get(k) and str(d[k]) != label]
        x, y = pos[n]
        net.add_node(ids[n], label=label, title="\n".join(lines), color=TYPE_COLOURS.get(d.get("type"), _OTHER),
                     x=x, y=y, size=10)
    edges = sorted(((a, b) for a, b in G.edges() if a in kept and b in kept), key=lambda e: (str(e[0]), str(e[1])))
    for i, (a, b) in enumerate(edges):
        net.add_edge(ids[a], ids[b], id=f"e{i}", color="#8c8c8c", arrows="to" if G.is_directed() else "")
    page = Page(view="graph", title=title or _TEXT[lang]["overview"], lang=lang, nodes=net.nodes, edges=net.edges,
                options=_base_options(), notes=_cap_note(lang, len(keep), len(G)), total_nodes=len(G))
    if not G.is_directed():
        page.options["edges"]["arrows"] = {"to": {"enabled": False}}
    return render_page(page)


def _is_views_folder(path: Path) -> bool:
    if not path.exists():
        return True
    if not path.is_dir():
        return False
    if not any(path.iterdir()):
        return True
    index = path / "index.html"
    return index.is_file() and '<meta name="generator" content="kg views">' in index.read_text(encoding="utf-8",
                                                                                              errors="replace")


def write_views(source, out_dir: str | Path = "viz/out", lang: str = "en", hops: int = 1,
                scenario: Mapping[str, float] | None = None, max_nodes: int | None = DEFAULT_MAX_NODES,
                entities: bool | Iterable[str] = True, scenario_options: Mapping | None = None,
                max_entities: int | None = DEFAULT_MAX_ENTITIES, analysis: dict | None = None) -> dict[str, Path]:
    """Write the views folder: ``index.html``, every view and the entity explorer, as UTF-8.

    The pages are written to a temporary folder next to ``out_dir`` and moved into place
    only when all of them are written, so a failure leaves the previous folder (or none)
    untouched. An existing ``out_dir`` is replaced only if it is empty or holds views kg
    wrote before.

    Parameters
    ----------
    source, lang, hops, scenario, max_nodes, entities, scenario_options, max_entities, analysis
        As for :func:`build_views`.
    out_dir : str or Path
        The folder to write (default ``viz/out``).

    Returns
    -------
    dict
        ``"index"``, ``"overview"``, …, ``"entities"`` (the explorer) → path of the written file.

    Raises
    ------
    UsageError
        ``out_dir`` exists and is not a views folder, or a bad option (see :func:`build_views`).

    Examples
    --------
    >>> import kg
    >>> files = write_views(kg.load(), "viz/out", lang="zh")     # doctest: +SKIP
    >>> files["index"]                                           # doctest: +SKIP
    PosixPath('viz/out/index.html')
    """
    check_views_folder(out_dir)
    pages = build_views(source, lang=lang, hops=hops, scenario=scenario, max_nodes=max_nodes, entities=entities,
                        scenario_options=scenario_options, max_entities=max_entities, analysis=analysis)
    return write_pages(pages, out_dir)


def check_views_folder(out_dir: str | Path) -> None:
    """Raise UsageError unless ``out_dir`` is absent, empty, or a folder of kg views."""
    out = Path(out_dir)
    if not _is_views_folder(out):
        raise UsageError(f"{out} exists and is not a folder of kg views; choose another --out or remove it")


def write_pages(pages: Mapping[str, str], out_dir: str | Path) -> dict[str, Path]:
    """Write :func:`build_views` pages as the folder ``out_dir``, replacing it all at once."""
    out = Path(out_dir)
    check_views_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        for rel, text in pages.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        staging.chmod(0o755)
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{staging.name.rsplit('.', 2)[-2]}")
            out.rename(old)
        try:
            staging.rename(out)
        except BaseException:
            if old is not None:
                old.rename(out)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {rel[: -len(".html")]: out / rel for rel in pages}
