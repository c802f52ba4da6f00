"""The HTML views (kg.viz): every page written, offline, counts, determinism, escaping, atomicity.

The entity views live in one page, ``entities.html`` (the explorer): the graph embedded once
as JSON, every entity's neighbourhood with precomputed positions, chosen by the URL fragment.

These tests read the written HTML; tests/test_viz_browser.py opens the pages in Chromium.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import networkx as nx
import pytest
import yaml

from kg.analysis.graphs import coverage_graph, entity_graph, influence_graph
from kg.errors import UsageError
from kg.viz.layout import spring_positions

from .conftest import FIXTURE_DATA, ROOT

REAL_DATA = ROOT / "data"
VIEW_FILES = ("index.html", "overview.html", "influence.html", "micmac.html", "coverage.html")

# Markup and script that must stay text wherever a data string reaches a page.
HOSTILE = {
    "label_en": "<script>alert(1)</script>",
    "label_zh": "</script><script>alert(2)</script>",
    "description_en": '"><img src=x onerror=alert(3)>',
    "description_zh": "'><svg onload=alert(4)>&amp;",
    "title_en": "<img src=x onerror=alert(5)>",
    "heading_en": "</title><script>alert(6)</script>",
    "figure_en": "<iframe src=javascript:alert(7)>",
}
RAW_MARKERS = ("<script>alert", "</script><script>", "<img src=x", "<svg onload", "<iframe src=javascript")


def make_hostile(data_dir: Path) -> Path:
    """Put markup and script into labels, descriptions, a title and a heading of the tiny report."""
    tiny = data_dir / "tiny"
    ents = yaml.safe_load((tiny / "entities.yaml").read_text(encoding="utf-8"))
    for e in ents["entities"]:
        if e["id"] == "fraud":
            e["label"] = {"en": HOSTILE["label_en"], "zh": HOSTILE["label_zh"]}
            e["description"] = {"en": HOSTILE["description_en"], "zh": HOSTILE["description_zh"]}
    (tiny / "entities.yaml").write_text(yaml.safe_dump(ents, allow_unicode=True), encoding="utf-8")
    figs = yaml.safe_load((tiny / "figures.yaml").read_text(encoding="utf-8"))
    figs["figures"][0]["label"]["en"] = HOSTILE["figure_en"]
    (tiny / "figures.yaml").write_text(yaml.safe_dump(figs, allow_unicode=True), encoding="utf-8")
    rep = yaml.safe_load((tiny / "report.yaml").read_text(encoding="utf-8"))
    rep["title"]["en"] = HOSTILE["title_en"]
    rep["sections"][2]["heading"]["en"] = HOSTILE["heading_en"]
    (tiny / "report.yaml").write_text(yaml.safe_dump(rep, allow_unicode=True), encoding="utf-8")
    return data_dir


def page_data(text: str) -> dict:
    """The JSON data block of a network page (or of the explorer)."""
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def drawn_view(data: dict, key: str) -> tuple[dict, list]:
    """What the explorer's script draws for ``key``: node id → (x, y), and the edge ids.

    The same selection as viz/templates/explorer.js: the view's nodes, and every embedded
    edge whose two ends are among them.
    """
    table = data["nodes"]
    view = data["views"][key]
    inside = {i for i, _, _ in view["nodes"]}
    nodes = {table[i]["id"]: (x, y) for i, x, y in view["nodes"]}
    edges = [f'{table[a]["id"]}|{k}|{table[b]["id"]}' for a, b, _, k, _ in data["edges"] if a in inside and b in inside]
    return nodes, edges


def two_reports(data_dir: Path) -> Path:
    """A second copy of the tiny report under another id, so every id is shared (keys become report:id)."""
    second = data_dir / "second"
    shutil.copytree(data_dir / "tiny", second)
    report = second / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("id: tiny", "id: second"), encoding="utf-8")
    return data_dir


def expected_view(E: nx.MultiDiGraph, key, hops: int) -> tuple[set, int]:
    """The nodes within ``hops`` steps of ``key`` (either direction) and the edges among them."""
    near = nx.single_source_shortest_path_length(E.to_undirected(as_view=True), key, cutoff=hops)
    return set(near), E.subgraph(near).number_of_edges()


@pytest.fixture(scope="module")
def tiny():
    import kg

    return kg.load(FIXTURE_DATA)


@pytest.fixture(scope="module")
def tiny_views(tiny, tmp_path_factory):
    from kg.viz import write_views

    out = tmp_path_factory.mktemp("views") / "out"
    files = write_views(tiny, out, scenario={"fraud": 1})
    return out, files


@pytest.fixture(scope="module")
def real_pages():
    import kg
    from kg.viz import build_views

    g = kg.load(REAL_DATA)
    return g, build_views(g, scenario={_first_driver(g): 1})


def _first_driver(g) -> str:
    return sorted(e.id for e in g.entities("Driver"))[0]


# --------------------------------------------------------------------------- files


def test_every_view_is_written_for_the_fixture(tiny, tiny_views):
    out, files = tiny_views
    E = entity_graph(tiny)
    for name in (*VIEW_FILES, "scenario.html", "entities.html"):
        assert (out / name).is_file(), name
        assert files[name[: -len(".html")]] == out / name
    assert sorted(p.name for p in out.iterdir()) == sorted([*VIEW_FILES, "scenario.html", "entities.html"])
    assert not (out / "entities").exists()  # no page per entity
    assert sorted(page_data((out / "entities.html").read_text(encoding="utf-8"))["views"]) == sorted(E)
    for path in files.values():
        text = path.read_bytes().decode("utf-8")  # UTF-8, whatever the platform's default
        assert text.startswith("<!DOCTYPE html>")
        assert '<meta charset="utf-8">' in text
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "staging folder left behind"


def test_every_view_is_built_for_the_real_data(real_pages):
    g, pages = real_pages
    E = entity_graph(g)
    assert set(pages) == {*VIEW_FILES, "scenario.html", "entities.html"}
    assert sorted(page_data(pages["entities.html"])["views"]) == sorted(E) and len(E) > 200


def test_the_views_folder_stays_small(real_pages):
    # one explorer instead of a page per entity: vis-network is inlined once per file, not per entity
    _, pages = real_pages
    total = sum(len(text.encode("utf-8")) for text in pages.values())
    assert total < 15_000_000, total
    assert len(pages["entities.html"].encode("utf-8")) < 5_000_000


def _assert_link_resolves(out: Path, href: str, views: dict, where: str) -> None:
    """A relative link to a written page; a fragment on entities.html names an entity view."""
    parts = urlsplit(html.unescape(href))
    assert not parts.scheme and not parts.netloc, (where, href)
    assert (out / parts.path).resolve().is_file(), (where, href)
    if parts.path == "entities.html" and parts.fragment:
        assert unquote(parts.fragment) in views, (where, href)


def test_index_links_every_view_and_entity(tiny, tiny_views):
    out, files = tiny_views
    index = (out / "index.html").read_text(encoding="utf-8")
    hrefs = set(re.findall(r'href="([^"]+)"', index))
    for name in ("overview.html", "influence.html", "micmac.html", "coverage.html", "scenario.html", "entities.html"):
        assert name in hrefs
    views = page_data((out / "entities.html").read_text(encoding="utf-8"))["views"]
    for n in entity_graph(tiny):
        assert f"entities.html#{n}" in hrefs
    for key, path in files.items():  # every link of every page leads to a written page (and entity view)
        text = path.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]+)"', text):
            _assert_link_resolves(out, href, views, key)
        if key not in ("index", "entities"):
            links = page_data(text)["links"]
            assert links, key
            for target in links.values():
                _assert_link_resolves(out, target, views, key)
    explorer = page_data(files["entities"].read_text(encoding="utf-8"))
    for panel in explorer["panels"].values():  # the panel's links go to entity views of the same page
        assert all(row[2] in set(entity_graph(tiny)) for row in panel["facts"])


def test_index_tells_what_the_graph_holds(tiny_views, tiny):
    index = (tiny_views[0] / "index.html").read_text(encoding="utf-8")
    assert "A brief on small payments" in index and "小額支付簡報" in index
    assert "Phones everywhere" in index  # a section heading
    stats = tiny.stats()
    assert f'<td class="num">{stats.influences}</td>' in index
    assert "Chargeback cost" in index  # the challenge marked unaddressed


# --------------------------------------------------------------------------- offline


_REF = re.compile(r"""(?:\bsrc|\bhref|\baction|\bposter|\bdata)\s*=\s*["']?([^"'\s>]+)""", re.I)


def _assert_offline(name: str, text: str) -> None:
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.I), f"{name}: external script"
    assert not re.search(r"<link\b", text, re.I), f"{name}: <link> element"
    assert "@import" not in text, name
    assert "bootstrap" not in text.lower(), name
    assert not re.search(r"""url\(\s*["']?(?!data:)""", text), f"{name}: url() to a file or server"
    # markup outside the inlined vis-network script: every src/href stays on this machine
    outside = re.sub(r"<script>.*?</script>", "", text, flags=re.S)
    for ref in _REF.findall(outside):
        assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", ref, re.I), f"{name}: {ref}"


def test_pages_reference_nothing_off_the_machine(tiny_views, real_pages):
    out, files = tiny_views
    for key, path in files.items():
        _assert_offline(key, path.read_text(encoding="utf-8"))
    for key, text in real_pages[1].items():
        _assert_offline(key, text)


def test_vis_network_is_inlined(tiny_views):
    text = (tiny_views[0] / "influence.html").read_text(encoding="utf-8")
    assert "@version 9.1.2" in text
    assert "div.vis-tooltip" in text
    assert text.count("</script>") == 3  # vis-network, the data block, kg's own script


# --------------------------------------------------------------------------- counts


def test_counts_embedded_equal_the_graphs(tiny, tiny_views):
    out, _ = tiny_views
    G, E, C = influence_graph(tiny), entity_graph(tiny), coverage_graph(tiny)
    expected = {"overview": (E.number_of_nodes(), E.number_of_edges()),
                "influence": (G.number_of_nodes(), G.number_of_edges()),
                "scenario": (G.number_of_nodes(), G.number_of_edges()),
                "micmac": (G.number_of_nodes(), 0),
                "coverage": (C.number_of_nodes(), C.number_of_edges())}
    for view, (n, m) in expected.items():
        data = page_data((out / f"{view}.html").read_text(encoding="utf-8"))
        assert (len(data["nodes"]), len(data["edges"])) == (n, m), view
        assert data["expected"] == {"nodes": n, "edges": m, "total": n, "capped": False}
        assert len({node["id"] for node in data["nodes"]}) == n
        assert len({edge["id"] for edge in data["edges"]}) == m
        assert all(isinstance(node["x"], float) and isinstance(node["y"], float) for node in data["nodes"])
        assert data["options"]["physics"]["enabled"] is False


def test_real_counts_equal_the_graphs(real_pages):
    g, pages = real_pages
    G, E, C = influence_graph(g), entity_graph(g), coverage_graph(g)
    for view, graph in (("overview", E), ("influence", G), ("coverage", C)):
        data = page_data(pages[f"{view}.html"])
        assert (len(data["nodes"]), len(data["edges"])) == (graph.number_of_nodes(), graph.number_of_edges())


def test_colours_follow_the_legend(tiny, tiny_views):
    from kg.viz.views import CLASS_COLOURS, TYPE_COLOURS

    E = entity_graph(tiny)
    overview = page_data((tiny_views[0] / "overview.html").read_text(encoding="utf-8"))
    assert all(n["color"] == TYPE_COLOURS[E.nodes[n["id"]]["type"]] for n in overview["nodes"])
    assert "group" not in overview["nodes"][0]  # a vis group would override the colour
    influence = page_data((tiny_views[0] / "influence.html").read_text(encoding="utf-8"))
    assert {n["color"] for n in influence["nodes"]} <= set(CLASS_COLOURS.values())
    legend = (tiny_views[0] / "overview.html").read_text(encoding="utf-8")
    for colour in {n["color"] for n in overview["nodes"]}:
        assert f"background:{colour}" in legend


def test_entity_page_shows_its_neighbourhood(tiny):
    from kg.viz import render_view

    E = entity_graph(tiny)
    U = E.to_undirected()
    for hops in (1, 2):
        data = page_data(render_view(tiny, "entity", entity="fraud", hops=hops))
        near = nx.single_source_shortest_path_length(U, "fraud", cutoff=hops)
        assert {n["id"] for n in data["nodes"]} == set(near)
        sub = E.subgraph(near)
        assert len(data["edges"]) == sub.number_of_edges()
    page = render_view(tiny, "entity", entity="Fraud")  # by label too
    assert "Card theft and scams." in page and "2.1.1 Harden security" in page
    assert "Harden security" in page and "hinders" in page
    market = render_view(tiny, "entity", entity="market-growth")
    assert "Market size 2022: 800 億 CNY (2022, actual)" in market  # the figures that measure it


@pytest.mark.parametrize("hops", [1, 2])
def test_explorer_holds_every_neighbourhood(tiny, hops):
    from kg.viz import build_views

    E = entity_graph(tiny)
    data = page_data(build_views(tiny, hops=hops)["entities.html"])
    assert data["view"] == "entity" and data["hops"] == hops
    assert data["options"]["physics"]["enabled"] is False
    assert sorted(data["views"]) == sorted(E)
    assert len({n["id"] for n in data["nodes"]}) == len(data["nodes"])
    for key in E:
        near, n_edges = expected_view(E, key, hops)
        nodes, edges = drawn_view(data, key)
        assert set(nodes) == near, key
        assert len(edges) == len(set(edges)) == n_edges, key
        assert data["views"][key]["total"] == len(near)
        # the same seeded layout as a one-entity page: deterministic positions
        assert nodes == {str(n): xy for n, xy in spring_positions(E.subgraph(near)).items()}, key
        assert all(isinstance(x, float) and isinstance(y, float) for x, y in nodes.values())
    # the list is sorted by label, and names every entity with a view
    labels = [data["nodes"][i]["label"] for i in data["list"]]
    assert labels == sorted(labels, key=str.casefold) and len(labels) == len(E)


def test_explorer_panel_holds_the_entity_facts(tiny):
    from kg.viz import build_views

    data = page_data(build_views(tiny)["entities.html"])
    fraud = data["panels"]["fraud"]
    assert fraud["heading"] == "Fraud" and fraud["title"] == "Fraud · Challenge"
    assert ["Card theft and scams.", False] in fraud["desc"] and ["盜刷與詐騙。", True] in fraud["desc"]
    assert "2.1.1 Harden security" in fraud["sections"]
    assert any(row[1] == "hinders" for row in fraud["facts"])
    assert any(row[1].startswith("influences (") for row in fraud["facts"])
    assert any(line.startswith("MICMAC: ") for line in fraud["scores"])
    market = data["panels"]["market-growth"]
    assert "Market size 2022: 800 億 CNY (2022, actual)" in market["figures"]
    node = next(n for n in data["nodes"] if n["id"] == "fraud")
    assert node["title"].split("\n")[:3] == ["Fraud", "詐騙", "Challenge · security"]  # the same tooltip
    assert node["alt"] == "詐騙"
    zh = page_data(build_views(tiny, lang="zh")["entities.html"])
    assert zh["panels"]["fraud"]["heading"] == "詐騙" and zh["text"]["choose"] == "請從清單中選擇實體。"


def test_explorer_real_data_neighbourhoods(real_pages):
    g, pages = real_pages
    E = entity_graph(g)
    data = page_data(pages["entities.html"])
    for key in ("alipay", "wechat-pay", *sorted(E)[::25]):
        near, n_edges = expected_view(E, key, 1)
        nodes, edges = drawn_view(data, key)
        assert set(nodes) == near and len(edges) == n_edges, key


def test_explorer_entities_option_and_cap(tiny):
    from kg.viz import build_views

    some = build_views(tiny, entities=["fraud", "Market growth"])  # ids or labels
    data = page_data(some["entities.html"])
    assert sorted(data["views"]) == ["fraud", "market-growth"]
    index_hrefs = set(re.findall(r'href="([^"]+)"', some["index.html"]))
    assert {"entities.html#fraud", "entities.html#market-growth"} <= index_hrefs
    assert not [h for h in index_hrefs if h.startswith("entities.html#") and h[14:] not in data["views"]]
    # neighbours without a view are drawn, but nothing links to them
    overview = page_data(some["overview.html"])
    assert sorted(overview["links"]) == ["fraud", "market-growth"]
    none = build_views(tiny, entities=False)
    assert "entities.html" not in none and "entities.html" not in none["index.html"]
    assert page_data(none["overview.html"])["links"] == {}
    E = entity_graph(tiny)
    capped = build_views(tiny, max_entities=3)
    data = page_data(capped["entities.html"])
    degree = dict(E.degree())
    kept = set(data["views"])
    assert len(kept) == 3
    assert min(degree[n] for n in kept) >= max(degree[n] for n in E if n not in kept)
    note = f"Showing views of the 3 most connected of {len(E)} entities"
    assert note in capped["entities.html"] and note in capped["index.html"]
    with pytest.raises(UsageError):
        build_views(tiny, max_entities=0)
    with pytest.raises(UsageError):
        build_views(tiny, entities=["no-such-entity"])


def test_explorer_caps_a_neighbourhood_at_max_nodes(real_pages):
    from kg.viz import build_views

    g, _ = real_pages
    E = entity_graph(g)
    hub = max(sorted(E), key=lambda n: E.degree(n))
    data = page_data(build_views(g, entities=[hub], max_nodes=10)["entities.html"])
    nodes, _ = drawn_view(data, hub)
    near, _ = expected_view(E, hub, 1)
    assert len(nodes) == 10 and hub in nodes and set(nodes) <= near
    assert data["views"][hub]["total"] == len(near) > 10
    assert "{shown}" in data["text"]["capped.entity"]


def test_shared_ids_use_report_keys(tmp_path):
    import kg
    from kg.viz import build_views

    data_dir = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data_dir)
    g = kg.load(two_reports(data_dir))
    E = entity_graph(g)
    assert "tiny:fraud" in E and "second:fraud" in E
    pages = build_views(g)
    data = page_data(pages["entities.html"])
    assert sorted(data["views"]) == sorted(E)
    assert 'href="entities.html#tiny:fraud"' in pages["index.html"]
    nodes, edges = drawn_view(data, "second:fraud")
    near, n_edges = expected_view(E, "second:fraud", 1)
    assert set(nodes) == near and len(edges) == n_edges
    assert all(n.startswith("second:") for n in nodes)


def test_entity_href_encodes_ids():
    from kg.viz.views import entity_href

    assert entity_href("alipay") == "entities.html#alipay"
    assert entity_href("r:id") == "entities.html#r:id"
    weird = "a b/#?<x>\"'&中"
    href = entity_href(weird)
    assert unquote(href.split("#", 1)[1]) == weird
    assert not set(href.split("#", 1)[1]) & set(" /#?<>\"'&")


def test_micmac_plane_places_nodes_by_influence_and_dependence(tiny):
    from kg.analysis.report import analyze
    from kg.viz import render_view

    data = page_data(render_view(tiny, "micmac"))
    table = {r["node"]: r for r in analyze(tiny)["micmac"]["table"]}
    pos = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    top = max(table, key=lambda n: table[n]["indirect_influence"])
    low = min(table, key=lambda n: table[n]["indirect_influence"])
    assert pos[top][1] < pos[low][1]  # higher influence is drawn higher (canvas y points down)
    plane = data["plane"]
    assert [q["text"] for q in plane["quadrants"]] == ["influential", "relay", "dependent", "autonomous"]
    assert plane["frame"]["x0"] is not None and plane["frame"]["y0"] is not None


def test_coverage_makes_unaddressed_challenges_stand_out(tiny):
    from kg.viz import render_view

    data = page_data(render_view(tiny, "coverage"))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["chargeback-cost"]["shape"] == "star"
    assert nodes["chargeback-cost"]["label"].startswith("⚠")
    assert nodes["fraud"]["shape"] == "dot"


def test_scenario_colours_by_change(tiny):
    from kg.analysis.fcm import scenario
    from kg.viz import render_view

    data = page_data(render_view(tiny, "scenario", scenario={"fraud": 1}))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["fraud"]["shape"] == "diamond"
    change = scenario(influence_graph(tiny), {"fraud": 1}).change
    fell = min((n for n in change if n != "fraud"), key=lambda n: change[n])
    assert change[fell] < 0 and f"{change[fell]:+.3f}" in nodes[fell]["title"]
    with pytest.raises(UsageError):
        render_view(tiny, "scenario", scenario={"no-such-thing": 1})


def test_tooltips_are_plain_text_with_both_labels(tiny_views):
    data = page_data((tiny_views[0] / "influence.html").read_text(encoding="utf-8"))
    fraud = next(n for n in data["nodes"] if n["id"] == "fraud")
    lines = fraud["title"].split("\n")
    assert lines[:3] == ["Fraud", "詐騙", "Challenge · security"]
    assert "Card theft and scams." in lines and "盜刷與詐騙。" in lines
    assert "Sections: 1.1.1, 2.1.1" in lines
    assert any(line.startswith("MICMAC: ") for line in lines)
    assert "<br" not in fraud["title"]


def test_language_picks_labels_and_page_text(tiny):
    from kg.viz import render_view

    zh = render_view(tiny, "influence", lang="zh")
    data = page_data(zh)
    assert '<html lang="zh">' in zh and "影響網絡" in zh
    fraud = next(n for n in data["nodes"] if n["id"] == "fraud")
    assert fraud["label"] == "詐騙" and fraud["title"].split("\n")[:2] == ["詐騙", "Fraud"]
    with pytest.raises(UsageError):
        render_view(tiny, "influence", lang="fr")


# --------------------------------------------------------------------------- determinism


def test_two_runs_are_byte_identical(tiny, tmp_path):
    from kg.viz import write_views

    a = write_views(tiny, tmp_path / "a")
    b = write_views(tiny, tmp_path / "b")
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].read_bytes() == b[key].read_bytes(), key


def _digest_in_subprocess(out: Path, seed: str) -> str:
    code = ("import kg, kg.viz, hashlib, sys; from pathlib import Path; "
            f"files = kg.viz.write_views(kg.load({str(FIXTURE_DATA)!r}), {str(out)!r}, scenario={{'fraud': 1}}); "
            "h = hashlib.sha256(); [h.update(k.encode() + p.read_bytes()) for k, p in sorted(files.items())]; "
            "print(h.hexdigest())")
    env = {"PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_same_pages_whatever_the_hash_seed(tmp_path):
    # string hashing changes set and SPARQL row order between processes; the pages must not
    assert _digest_in_subprocess(tmp_path / "a", "1") == _digest_in_subprocess(tmp_path / "b", "2")


# --------------------------------------------------------------------------- safety


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory):
    import shutil

    import kg
    from kg.viz import write_views

    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(FIXTURE_DATA, data)
    make_hostile(data)
    g = kg.load(data)
    files = {}
    for lang in ("en", "zh"):
        out = data.parent / f"views-{lang}"
        files[lang] = write_views(g, out, lang=lang, scenario={"fraud": 1})
    return g, files


def test_markup_in_data_stays_inert(hostile_pages):
    _, files = hostile_pages
    for lang, pages in files.items():
        for key, path in pages.items():
            text = path.read_text(encoding="utf-8")
            for marker in RAW_MARKERS:
                assert marker not in text, (lang, key, marker)
            # the document keeps its structure: one title, the expected script elements
            assert text.count("<title>") == 1 and text.count("</title>") == 1
            assert text.count("</script>") == (0 if key == "index" else 3), (lang, key)


def test_hostile_text_survives_as_text(hostile_pages):
    _, files = hostile_pages
    pages = files["en"]
    index = pages["index"].read_text(encoding="utf-8")
    assert html.escape(HOSTILE["title_en"]) in index  # the report title, shown as text
    assert html.escape(HOSTILE["label_en"]) in index  # the entity list
    explorer = page_data(pages["entities"].read_text(encoding="utf-8"))
    fraud = explorer["panels"]["fraud"]  # the side panel's data, shown with textContent
    assert [HOSTILE["description_en"], False] in fraud["desc"]
    assert any(HOSTILE["heading_en"] in line for line in fraud["sections"])  # a section heading
    assert fraud["heading"] == HOSTILE["label_en"]
    data = page_data(pages["influence"].read_text(encoding="utf-8"))
    node = next(n for n in data["nodes"] if n["id"] == "fraud")
    assert node["label"] == HOSTILE["label_en"]  # JSON round-trips the exact text
    assert HOSTILE["label_zh"] in node["title"] and HOSTILE["description_en"] in node["title"]
    market, _ = drawn_view(explorer, "market-growth")
    titles = [n["title"] for n in explorer["nodes"] if n["id"] in market]
    assert any(HOSTILE["figure_en"] in t for t in titles)
    one = render_entity_page(hostile_pages[0])  # the one-entity page escapes its HTML panel
    assert html.escape(HOSTILE["description_en"]) in one and html.escape(HOSTILE["heading_en"]) in one
    for marker in RAW_MARKERS:
        assert marker not in one


def render_entity_page(g) -> str:
    from kg.viz import render_view

    return render_view(g, "entity", entity="fraud")


def test_script_json_escapes_what_could_end_a_script():
    from kg.viz.page import script_json

    text = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_notebook_view_embeds_the_page(tiny):
    import kg.viz

    shown = kg.viz.view(tiny, "influence")
    frame = shown._repr_html_()
    assert frame.startswith("<iframe srcdoc=\"") and 'sandbox="allow-scripts"' in frame
    srcdoc = re.match(r'<iframe srcdoc="([^"]*)"', frame).group(1)
    assert html.unescape(srcdoc) == shown.html
    assert "<script" not in frame  # the page is an attribute value, not markup of the notebook
    assert 'href="index.html"' not in shown.html  # links to sibling files make no sense inline
    entity = kg.viz.view(tiny, "entity", entity="fraud", hops=2)
    assert page_data(entity.html)["view"] == "entity"
    with pytest.raises(UsageError):
        kg.viz.view(tiny, "nonsense")


# --------------------------------------------------------------------------- atomic writes


def test_a_failure_leaves_nothing_half_written(tiny, tmp_path, monkeypatch):
    import kg.viz.views as views

    out = tmp_path / "out"
    views.write_views(tiny, out, entities=["fraud"])
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_write = Path.write_text
    calls = []

    def failing_write(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 4:
            raise OSError("disk full")
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing_write)
    with pytest.raises(OSError, match="disk full"):
        views.write_views(tiny, out, lang="zh")
    monkeypatch.undo()
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # the previous views, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left
    with pytest.raises(OSError):
        monkeypatch.setattr(Path, "write_text", lambda *a, **k: (_ for _ in ()).throw(OSError("no")))
        views.write_views(tiny, tmp_path / "fresh")
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # a new folder is not created at all


def test_refuses_to_replace_a_folder_that_is_not_views(tiny, tmp_path):
    from kg.viz import write_views

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="not a folder of kg views"):
        write_views(tiny, tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


# --------------------------------------------------------------------------- large graphs


def test_large_graph_is_capped_with_a_note():
    from kg.viz import render_graph

    G = nx.gnm_random_graph(3000, 6000, seed=3)
    nx.set_node_attributes(G, {n: f"node {n}" for n in G}, "label_en")
    page = render_graph(G, "big", max_nodes=300)
    data = page_data(page)
    assert len(data["nodes"]) == 300
    assert data["expected"] == {"nodes": 300, "edges": len(data["edges"]), "total": 3000, "capped": True}
    assert "Showing the 300 most central of 3000 nodes" in page
    degree = dict(G.degree())
    kept = {int(n["id"]) for n in data["nodes"]}
    assert min(degree[n] for n in kept) >= max(degree[n] for n in G if n not in kept)
    kept_edges = {(min(a, b), max(a, b)) for a, b in G.edges() if a in kept and b in kept}
    assert len(data["edges"]) == len(kept_edges)
    assert render_graph(G, "big", max_nodes=300) == page  # deterministic as well


def test_views_cap_real_data_when_asked(real_pages):
    from kg.viz import render_view

    g, _ = real_pages
    page = render_view(g, "overview", max_nodes=50)
    data = page_data(page)
    assert len(data["nodes"]) == 50 and data["expected"]["capped"] is True
    assert "Showing the 50 most central of" in page


def test_templates_travel_in_the_wheel():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included.get("viz/templates") == "kg/_resources/viz/templates"
    for name in ("view.html", "index.html", "view.css", "view.js", "explorer.js"):
        assert (ROOT / "viz" / "templates" / name).is_file()


def test_views_are_the_same_on_embedded_oxigraph(tiny):
    pytest.importorskip("oxrdflib")
    from kg.store import open_backend
    from kg.viz import build_views

    assert build_views(open_backend(store="oxigraph", data=FIXTURE_DATA)) == build_views(tiny)


def test_micmac_note_says_which_series_the_plane_shows(real_pages):
    from kg.analysis.report import analyze

    g, pages = real_pages
    mm = analyze(g)["micmac"]
    page = pages["micmac.html"]
    if mm["attenuation"]:
        assert f"attenuated series (α = {mm['attenuation']:g}" in page
        assert (f"stable from power {mm['stable_at']}" if mm["converged"] else "still changing") in page
    else:
        assert "attenuated series" not in page


def test_batched_layout_gives_networkx_spring_layout_positions():
    """spring_positions_many runs networkx's Fruchterman-Reingold for many graphs at once;
    the positions must be networkx's own (up to the rounding to a tenth of a unit)."""
    import math

    from kg.viz.layout import _sorted_simple, scale_for, spring_positions_many

    graphs = [nx.gnp_random_graph(n, 0.2, seed=n) for n in (2, 3, 6, 13, 40, 120)]
    graphs += [nx.star_graph(9), nx.empty_graph(4), nx.Graph(), nx.path_graph(1)]
    for G, got in zip(graphs, spring_positions_many(graphs)):
        H = _sorted_simple(G)
        if len(H) < 2:
            assert got == ({} if len(H) == 0 else {0: (0.0, 0.0)})
            continue
        ref = nx.spring_layout(H, k=1.6 / math.sqrt(len(H)), seed=7, iterations=100, weight=None,
                               scale=scale_for(len(H)))
        assert set(got) == set(H)
        assert max(abs(got[n][i] - ref[n][i]) for n in H for i in (0, 1)) <= 0.051


def test_batched_layout_shared_out_over_processes_gives_the_same_positions(monkeypatch):
    # the explorer of a corpus lays out thousands of neighbourhoods: the batches go to forked
    # workers above a threshold (forced here); the positions are the same as in one process
    from kg import procs
    from kg.viz import layout

    graphs = [nx.gnp_random_graph(n, 0.3, seed=n) for n in range(2, 60)] * 3
    alone = layout.spring_positions_many(graphs)
    shares = []
    real = procs.map_forked

    def forced(func, items, sizes=None, min_total=0, workers=None):
        shares.append((len(items), sum(sizes), min_total))
        return real(func, items, sizes, min_total=0, workers=2)

    monkeypatch.setattr(layout, "map_forked", forced)
    assert layout.spring_positions_many(graphs) == alone
    [(batches, work, threshold)] = shares
    assert batches > 1 and work > 0 and threshold == layout._FORK_FROM


def _top_nodes_reference(G, max_nodes, score):
    """The rule top_nodes follows: highest score, then degree, then id."""
    degree = dict(G.degree())
    ranked = sorted(G, key=lambda n: (-float(score.get(n, 0.0) or 0.0), -degree[n], str(n)))
    return sorted(ranked[:max_nodes], key=str)


def test_top_nodes_breaks_ties_by_degree_then_id_on_views_too():
    import random

    from kg.viz.layout import top_nodes

    rng = random.Random(5)
    for trial in range(60):
        G = nx.gnp_random_graph(rng.randint(5, 40), rng.random() * 0.3, seed=trial, directed=trial % 2 == 0)
        view = G.subgraph([n for n in G if rng.random() < 0.8])
        for H in (G, view):
            # few distinct scores (many ties), some missing or None
            score = {n: rng.choice([0, 1, 1, 2, 3.5, None]) for n in H if rng.random() < 0.9}
            for cap in (1, 3, len(H) // 2 or 1, len(H) - 1 or 1):
                kept, capped = top_nodes(H, cap, score)
                if cap >= len(H):
                    assert not capped
                    continue
                assert capped and kept == _top_nodes_reference(H, cap, score), (trial, cap)
    assert top_nodes(nx.path_graph(4), 2, {0: float("nan"), 3: 1.0}) == ([1, 3], True)
