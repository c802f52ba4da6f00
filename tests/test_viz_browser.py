"""The HTML views in a real browser: Chromium, driven by Playwright, with the network cut off.

For each page: every request that leaves the machine is aborted and recorded (there must be
none), no page or console errors, the drawn node and edge counts equal the expected ones,
and the canvas has painted pixels after a completed ``afterDrawing``. The entity explorer
(``entities.html#<id>``) is opened once and driven by changing ``location.hash``, so every
entity is also reached through ``hashchange``. An injection test checks that markup and
script in the data never run.

The browser is the system's Chromium (Debian: ``apt-get install chromium chromium-driver``);
Playwright never downloads one. Without it the module is skipped on a developer machine,
but fails when the ``CI`` environment variable is set: CI must run these tests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import FIXTURE_DATA, ROOT
from .test_viz import HOSTILE, expected_view, make_hostile, two_reports

CHROMIUM = os.environ.get("KG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver, or set KG_CHROMIUM)"
    return None


_REASON = _missing()
if _REASON is not None:
    if os.environ.get("CI"):
        pytest.fail(f"the browser tests must run in CI: {_REASON}", pytrace=False)
    pytest.skip(_REASON, allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

REAL_SAMPLE = ("alipay", "wechat-pay")

_SETTLED = "() => window.network !== undefined && window.kgView !== undefined && window.kgView.drawn > 0"

# Wait for one more complete frame, then count the canvas pixels that are not transparent
# or white (vis-network's canvas has a transparent background on the white page).
_PAINTED = """async () => {
  await new Promise((resolve) => { network.once("afterDrawing", resolve); network.redraw(); });
  const canvas = document.querySelector("#kg-network canvas");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const a = pixels[i + 3];
    if (a > 0 && !(pixels[i] > 245 && pixels[i + 1] > 245 && pixels[i + 2] > 245)) painted += 1;
  }
  return {painted: painted, width: canvas.width, height: canvas.height};
}"""

_COUNTS = """() => ({
  dataNodes: network.body.data.nodes.length,
  dataEdges: network.body.data.edges.length,
  drawnNodes: network.body.nodeIndices.length,
  drawnEdges: network.body.edgeIndices.length,
  expected: window.kgView,
})"""


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


class Visit:
    """One page opened offline, with what it tried to fetch, its errors and its dialogs."""

    def __init__(self, browser, path: Path, fragment: str | None = None):
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.requests, self.errors, self.dialogs = [], [], []
        self.context.route("**/*", self._route)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        self.page.on("dialog", self._dialog)
        self.page.add_init_script("window.__kgAlerts = []; window.alert = (m) => window.__kgAlerts.push(String(m));")
        self.page.goto(path.resolve().as_uri() + (f"#{fragment}" if fragment is not None else ""))

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self):
        self.context.close()


def check_network_page(browser, path: Path, nodes: int | None = None, edges: int | None = None,
                       fragment: str | None = None) -> Visit:
    """Open a view and check it offline: settles, counts, painted canvas, no errors."""
    visit = Visit(browser, path, fragment)
    try:
        visit.page.wait_for_function(_SETTLED, timeout=15_000)
        counts = visit.page.evaluate(_COUNTS)
        expected = counts["expected"]
        if nodes is not None:
            assert expected["nodes"] == nodes, path.name
        if edges is not None:
            assert expected["edges"] == edges, path.name
        assert counts["dataNodes"] == counts["drawnNodes"] == expected["nodes"], (path.name, counts)
        assert counts["dataEdges"] == counts["drawnEdges"] == expected["edges"], (path.name, counts)
        painted = visit.page.evaluate(_PAINTED)
        assert painted["painted"] > 200, (path.name, painted)
        assert visit.requests == [], (path.name, visit.requests)
        assert visit.errors == [], (path.name, visit.errors)
        assert visit.dialogs == [] and visit.page.evaluate("window.__kgAlerts") == [], path.name
        return visit
    except BaseException:
        visit.close()
        raise


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory):
    import kg
    from kg.viz import write_views

    out = tmp_path_factory.mktemp("browser") / "tiny"
    write_views(kg.load(FIXTURE_DATA), out, scenario={"fraud": 1})
    return out


@pytest.fixture(scope="module")
def real_out(tmp_path_factory):
    import kg
    from kg.viz import write_views

    g = kg.load(ROOT / "data")
    driver = sorted(e.id for e in g.entities("Driver"))[0]
    out = tmp_path_factory.mktemp("browser") / "real"
    write_views(g, out, lang="zh", scenario={driver: 1}, entities=REAL_SAMPLE)
    return g, out


def _expected_counts(source):
    from kg.analysis.graphs import coverage_graph, entity_graph, influence_graph

    G, E, C = influence_graph(source), entity_graph(source), coverage_graph(source)
    return {"overview": (len(E), E.number_of_edges()), "influence": (len(G), G.number_of_edges()),
            "scenario": (len(G), G.number_of_edges()), "micmac": (len(G), 0),
            "coverage": (len(C), C.number_of_edges())}


@pytest.mark.parametrize("view", ["overview", "influence", "micmac", "coverage", "scenario"])
def test_fixture_views_render_offline(browser, tiny_out, view):
    import kg

    nodes, edges = _expected_counts(kg.load(FIXTURE_DATA))[view]
    check_network_page(browser, tiny_out / f"{view}.html", nodes, edges).close()


_SHOWN = "(key) => window.kgView !== undefined && window.kgView.entity === key && window.kgView.drawn > 0"


def show_entity(visit: Visit, key: str, nodes: int, edges: int, navigate: bool = True, painted: bool = True) -> dict:
    """Go to ``key`` by setting location.hash (a hashchange in the same page), then check the drawing."""
    page = visit.page
    if navigate:
        page.evaluate("(key) => { window.location.hash = encodeURIComponent(key); }", key)
    page.wait_for_function(_SHOWN, arg=key, timeout=15_000)
    counts = page.evaluate(_COUNTS)
    assert counts["expected"]["entity"] == key
    assert counts["dataNodes"] == counts["drawnNodes"] == counts["expected"]["nodes"] == nodes, (key, counts)
    assert counts["dataEdges"] == counts["drawnEdges"] == counts["expected"]["edges"] == edges, (key, counts)
    assert page.evaluate("document.getElementById('kg-message').hidden") is True
    assert page.evaluate("document.querySelector('#kg-panel h2').textContent") != ""
    if painted:
        result = page.evaluate(_PAINTED)
        assert result["painted"] > 200, (key, result)
    assert visit.requests == [] and visit.errors == [], (key, visit.requests, visit.errors)
    assert visit.dialogs == [] and page.evaluate("window.__kgAlerts") == [], key
    return counts


def tour(browser, path: Path, graph, keys, hops: int = 1) -> None:
    """Open the explorer at the first key, then reach every other key through hashchange."""
    keys = list(keys)
    visit = Visit(browser, path, keys[0])
    try:
        for i, key in enumerate(keys):
            near, n_edges = expected_view(graph, key, hops)
            show_entity(visit, key, len(near), n_edges, navigate=i > 0)
        assert visit.page.evaluate("window.performance.getEntriesByType('navigation').length") == 1  # one page load
    finally:
        visit.close()


def test_every_fixture_entity_renders_in_the_explorer(browser, tiny_out):
    import kg
    from kg.analysis.graphs import entity_graph

    E = entity_graph(kg.load(FIXTURE_DATA))
    assert not (tiny_out / "entities").exists()
    tour(browser, tiny_out / "entities.html", E, sorted(E))


def test_explorer_with_two_hops(browser, tmp_path):
    import kg
    from kg.analysis.graphs import entity_graph
    from kg.viz import write_views

    g = kg.load(FIXTURE_DATA)
    write_views(g, tmp_path / "out", hops=2, entities=["fraud", "market-growth", "paybox"])
    tour(browser, tmp_path / "out" / "entities.html", entity_graph(g), ["fraud", "market-growth", "paybox"],
         hops=2)


def test_explorer_unknown_or_empty_fragment(browser, tiny_out):
    import kg
    from kg.analysis.graphs import entity_graph

    E = entity_graph(kg.load(FIXTURE_DATA))
    for fragment in ("", "no-such-entity", "%E0%A4%A", "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"):
        visit = Visit(browser, tiny_out / "entities.html", fragment)
        try:
            page = visit.page
            page.wait_for_function("() => window.kgView !== undefined && window.kgView.entity === null", timeout=15_000)
            state = page.evaluate("""() => ({
              message: document.getElementById('kg-message').textContent,
              hidden: document.getElementById('kg-message').hidden,
              options: document.querySelectorAll('#kg-list option').length,
              nodes: network.body.data.nodes.length, img: document.querySelector('img') !== null })""")
            assert not state["hidden"] and state["message"], fragment
            assert state["options"] == len(E) and state["nodes"] == 0 and not state["img"], fragment
            if fragment == "":
                assert state["message"] == "Choose an entity from the list."
            elif fragment.startswith("%3C"):
                assert "<img src=x onerror=alert(1)>" in state["message"]  # shown as text
            assert visit.requests == [] and visit.errors == [] and visit.dialogs == []
            assert page.evaluate("window.__kgAlerts") == []
            # from here, a known fragment draws its entity
            near, n_edges = expected_view(E, "fraud", 1)
            show_entity(visit, "fraud", len(near), n_edges)
        finally:
            visit.close()


def test_search_box_jumps_to_an_entity(browser, tiny_out):
    import kg
    from kg.analysis.graphs import entity_graph

    E = entity_graph(kg.load(FIXTURE_DATA))
    visit = Visit(browser, tiny_out / "entities.html", "fraud")
    try:
        page = visit.page
        near, n_edges = expected_view(E, "fraud", 1)
        show_entity(visit, "fraud", len(near), n_edges, navigate=False)
        page.fill("#kg-search", "market gro")
        assert page.evaluate("Array.from(document.querySelectorAll('#kg-list option')).map(o => o.value)") == \
            ["market-growth"]
        assert page.text_content("#kg-matches") == f"1 of {len(E)} entities"
        page.press("#kg-search", "Enter")
        near, n_edges = expected_view(E, "market-growth", 1)
        show_entity(visit, "market-growth", len(near), n_edges, navigate=False)
        assert page.evaluate("window.location.hash") == "#market-growth"
        page.fill("#kg-search", "")  # the whole list again; choosing an option jumps too
        assert page.evaluate("document.querySelectorAll('#kg-list option').length") == len(E)
        page.select_option("#kg-list", "fraud")
        near, n_edges = expected_view(E, "fraud", 1)
        show_entity(visit, "fraud", len(near), n_edges, navigate=False)
        page.fill("#kg-search", "詐騙")  # the other language's label finds it as well
        assert "fraud" in page.evaluate("Array.from(document.querySelectorAll('#kg-list option')).map(o => o.value)")
        page.go_back()  # the browser's history follows the entities
        near, n_edges = expected_view(E, "market-growth", 1)
        show_entity(visit, "market-growth", len(near), n_edges, navigate=False)
    finally:
        visit.close()


def _double_click(page, node: str) -> None:
    point = page.evaluate("""(node) => {
      const p = network.canvasToDOM(network.getPosition(node));
      const r = document.querySelector("#kg-network canvas").getBoundingClientRect();
      return {x: r.left + p.x, y: r.top + p.y};
    }""", node)
    page.mouse.dblclick(point["x"], point["y"])


def test_double_click_opens_the_entity_view(browser, tiny_out):
    import kg
    from kg.analysis.graphs import entity_graph

    E = entity_graph(kg.load(FIXTURE_DATA))
    visit = check_network_page(browser, tiny_out / "overview.html")
    try:
        _double_click(visit.page, "fraud")
        visit.page.wait_for_url("**/entities.html#fraud", timeout=15_000)
        near, n_edges = expected_view(E, "fraud", 1)
        show_entity(visit, "fraud", len(near), n_edges, navigate=False)
        neighbour = sorted(n for n in near if n != "fraud")[0]
        _double_click(visit.page, neighbour)  # inside the explorer: a hashchange, same page
        near, n_edges = expected_view(E, neighbour, 1)
        show_entity(visit, neighbour, len(near), n_edges, navigate=False)
    finally:
        visit.close()


def test_shared_ids_in_the_browser(browser, tmp_path):
    import kg
    from kg.analysis.graphs import entity_graph
    from kg.viz import write_views

    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    g = kg.load(two_reports(data))
    E = entity_graph(g)
    write_views(g, tmp_path / "out")
    visit = Visit(browser, tmp_path / "out" / "entities.html", "tiny:fraud")  # written as is …
    try:
        near, n_edges = expected_view(E, "tiny:fraud", 1)
        show_entity(visit, "tiny:fraud", len(near), n_edges, navigate=False)
        visit.page.evaluate("window.location.hash = 'second%3Afraud'")  # … or percent-encoded
        near, n_edges = expected_view(E, "second:fraud", 1)
        show_entity(visit, "second:fraud", len(near), n_edges, navigate=False)
    finally:
        visit.close()


@pytest.mark.parametrize("view", ["overview", "influence", "micmac", "coverage", "scenario"])
def test_real_views_render_offline(browser, real_out, view):
    g, out = real_out
    nodes, edges = _expected_counts(g)[view]
    check_network_page(browser, out / f"{view}.html", nodes, edges).close()


def test_real_entities_render_in_the_explorer(browser, real_out):
    from kg.analysis.graphs import entity_graph

    g, out = real_out
    tour(browser, out / "entities.html", entity_graph(g), [*REAL_SAMPLE, REAL_SAMPLE[0]])


def test_every_real_entity_renders(browser, tmp_path_factory):
    # the full explorer of the bundled report: every entity reached by hashchange in one page
    import kg
    from kg.analysis.graphs import entity_graph
    from kg.viz import write_views

    g = kg.load(ROOT / "data")
    out = tmp_path_factory.mktemp("browser") / "all"
    write_views(g, out)
    E = entity_graph(g)
    keys = sorted(E)
    visit = Visit(browser, out / "entities.html", keys[0])
    try:
        for i, key in enumerate(keys):
            near, n_edges = expected_view(E, key, 1)
            # paint checks on a sample keep the test short; counts for all
            show_entity(visit, key, len(near), n_edges, navigate=i > 0, painted=i % 20 == 0)
    finally:
        visit.close()


def test_index_pages_open_offline(browser, tiny_out, real_out):
    for path in (tiny_out / "index.html", real_out[1] / "index.html"):
        visit = Visit(browser, path)
        try:
            visit.page.wait_for_load_state("load")
            assert visit.page.locator("a[href='influence.html']").count() == 1
            assert visit.page.locator("a[href='entities.html']").count() == 1
            assert visit.requests == [] and visit.errors == [] and visit.dialogs == []
        finally:
            visit.close()


def test_a_view_settles_quickly(browser, real_out):
    # physics is off and positions are precomputed: the first frame comes at once
    _, out = real_out
    for view in ("overview", "influence", "micmac", "entities"):
        visit = Visit(browser, out / f"{view}.html", REAL_SAMPLE[0] if view == "entities" else None)
        try:
            visit.page.wait_for_function(_SETTLED, timeout=5_000)
            # milliseconds from the start of navigation to the first complete frame
            assert visit.page.evaluate("window.kgView.firstFrameAt") < 3_000, view
        finally:
            visit.close()


def test_several_thousand_nodes_stay_usable(browser, tmp_path):
    import networkx as nx

    from kg.viz import render_graph

    G = nx.gnm_random_graph(3000, 6000, seed=5)
    path = tmp_path / "big.html"
    path.write_text(render_graph(G, "3000 nodes", max_nodes=None), encoding="utf-8")
    visit = Visit(browser, path)
    try:
        visit.page.wait_for_function(_SETTLED, timeout=15_000)
        assert visit.page.evaluate("window.kgView.firstFrameAt") < 8_000
    finally:
        visit.close()
    check_network_page(browser, path, 3000, 6000).close()


# --------------------------------------------------------------------------- injection


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory):
    import kg
    from kg.viz import write_views

    data = tmp_path_factory.mktemp("hostile-browser") / "data"
    shutil.copytree(FIXTURE_DATA, data)
    make_hostile(data)
    out = data.parent / "views"
    write_views(kg.load(data), out, scenario={"fraud": 1})
    return out


_INJECTED = """() => ({
  img: document.querySelector("img") !== null,
  svg: document.querySelector("svg") !== null,
  iframe: document.querySelector("iframe") !== null,
  scripts: document.querySelectorAll("script").length,
  text: document.body.innerText,
  allText: document.body.textContent,
})"""


@pytest.mark.parametrize("name", ["overview.html", "influence.html", "micmac.html", "coverage.html", "scenario.html",
                                  "entities.html#fraud", "entities.html#market-growth"])
def test_markup_in_labels_never_runs(browser, hostile_out, name):
    path, _, fragment = name.partition("#")
    visit = check_network_page(browser, hostile_out / path, fragment=fragment or None)
    try:
        found = visit.page.evaluate(_INJECTED)
        assert not found["img"] and not found["svg"] and not found["iframe"]
        assert found["scripts"] == 3
        if fragment == "fraud":  # the side panel shows the description, heading and label as text
            assert HOSTILE["description_en"] in found["text"]
            assert HOSTILE["heading_en"] in found["text"]
            assert visit.page.text_content("#kg-panel h2") == HOSTILE["label_en"]
            assert HOSTILE["label_en"] in visit.page.title()
        if fragment:  # the list shows the hostile label as an option's text
            options = visit.page.evaluate("Array.from(document.querySelectorAll('#kg-list option')).map(o => o.text)")
            assert any(o.startswith(HOSTILE["label_en"]) for o in options)
            visit.page.fill("#kg-search", "<script>")
            visit.page.press("#kg-search", "Enter")
            visit.page.wait_for_function(_SHOWN, arg="fraud", timeout=15_000)
            assert visit.page.evaluate(_INJECTED)["scripts"] == 3
        _hover_fraud(visit)
        assert visit.dialogs == [] and visit.page.evaluate("window.__kgAlerts") == []
    finally:
        visit.close()


def _hover_fraud(visit: Visit) -> None:
    """Hover the hostile node: its tooltip shows the markup as text and nothing runs."""
    page = visit.page
    if not page.evaluate("network.body.data.nodes.get('fraud') !== null"):
        return
    point = page.evaluate("""() => {
      const p = network.canvasToDOM(network.getPosition("fraud"));
      const r = document.querySelector("#kg-network canvas").getBoundingClientRect();
      return {x: r.left + p.x, y: r.top + p.y};
    }""")
    page.mouse.move(point["x"] - 40, point["y"] - 40)
    page.mouse.move(point["x"], point["y"], steps=4)
    page.wait_for_function("() => { const t = document.querySelector('div.vis-tooltip');"
                           " return t && t.style.visibility === 'visible'; }", timeout=5_000)
    tip = page.evaluate("document.querySelector('div.vis-tooltip').innerText")
    assert HOSTILE["label_en"] in tip and HOSTILE["description_en"] in tip
    assert page.evaluate("document.querySelector('div.vis-tooltip').children.length") == \
        page.evaluate("document.querySelectorAll('div.vis-tooltip br').length")  # text and line breaks only


def test_hostile_index_shows_text(browser, hostile_out):
    visit = Visit(browser, hostile_out / "index.html")
    try:
        visit.page.wait_for_load_state("load")
        found = visit.page.evaluate(_INJECTED)
        assert not found["img"] and not found["svg"] and not found["iframe"] and found["scripts"] == 0
        assert HOSTILE["title_en"] in found["text"]
        assert HOSTILE["label_en"] in found["allText"]  # in the (folded) list of entities
        assert visit.page.title() == HOSTILE["title_en"]
        assert visit.dialogs == [] and visit.errors == [] and visit.requests == []
    finally:
        visit.close()


def test_notebook_frame_renders(browser, tmp_path):
    # what Jupyter shows: the page inside a sandboxed iframe's srcdoc
    import kg
    import kg.viz

    shown = kg.viz.view(kg.load(FIXTURE_DATA), "influence")
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body>{shown._repr_html_()}</body></html>", encoding="utf-8")
    visit = Visit(browser, host)
    try:
        visit.page.wait_for_load_state("load")
        frame = next(f for f in visit.page.frames if f != visit.page.main_frame)
        frame.wait_for_function(_SETTLED, timeout=15_000)
        counts = frame.evaluate(_COUNTS)
        assert counts["drawnNodes"] == counts["expected"]["nodes"] == 9
        assert counts["drawnEdges"] == counts["expected"]["edges"] == 9
        assert frame.evaluate(_PAINTED)["painted"] > 200
        assert visit.requests == [] and visit.errors == [] and visit.dialogs == []
    finally:
        visit.close()
