"""RDF → networkx graphs, coverage and gaps, explain, and the report audit."""

from __future__ import annotations

import json
from decimal import Decimal

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.analysis.audit import (_CITATIONS, _SECTION_NUMBERS, audit_figures, implied_cagr, repetitions, restatements,
                               section_contents)
from kg.analysis.coverage import coverage, gaps, indirect_effects, leverage
from kg.analysis.explain import explain, shortest_path, strongest_path
from kg.analysis.graphs import coverage_graph, entity_graph, export_graph, influence_graph
from kg.schema import DATA_NS


@pytest.fixture(scope="module")
def G(tiny_kg):
    return influence_graph(tiny_kg)


def test_influence_graph_from_rdf(G):
    assert G.number_of_edges() == 9
    e = G.edges["fraud", "market-growth"]
    assert e == {"weight": pytest.approx(-2 / 3), "strength": 2, "polarity": "negative", "sign": -1,
                 "sections": ["1.1.1"]}
    n = G.nodes["fraud"]
    assert (n["type"], n["label_zh"], n["label_en"], n["report"]) == ("Challenge", "詐騙", "Fraud", "tiny")


def test_influence_graph_on_embedded_oxigraph_is_the_same(G):
    pytest.importorskip("oxrdflib")
    from kg.store import open_backend

    from .conftest import FIXTURE_DATA

    other = influence_graph(open_backend(store="oxigraph", data=FIXTURE_DATA))
    assert nx.utils.graphs_equal(G, other)


def test_graphs_made_through_a_memo_are_made_once_and_shared(tiny_kg):
    # the build job's analysis and views each wrap the run's Memo in their own: the graphs
    # are kept in the one underneath, so both read the same ones
    from kg.analysis.graphs import Memo

    inner = Memo(tiny_kg.backend())
    for make in (influence_graph, entity_graph, coverage_graph):
        shared = make(Memo(inner))
        assert make(inner) is shared and make(Memo(Memo(inner))) is shared
        alone = make(tiny_kg)
        assert make(tiny_kg) is not alone  # (no Memo: made afresh)
        assert nx.utils.graphs_equal(shared, alone) and list(shared) == list(alone)


def test_analysis_and_views_through_one_memo_ask_each_query_once_and_keep_only_shared_answers(tiny_kg):
    # `kg build --analyze --views`: the analysis and the views share a Memo. Each query goes
    # to the store once (the entity graph reads the influences as the influence graph did),
    # and the Memo keeps the rows of no read that a single graph or the facts make alone
    # (at 1,000 reports those held hundreds of MiB through the views)
    from collections import Counter

    from kg.analysis.graphs import _INFLUENCES, _NODES, _RELATIONS, Memo
    from kg.analysis.report import analyze
    from kg.viz.views import build_views

    asked = Counter()

    class Counting:
        name = "counting"

        def __init__(self, backend):
            self.backend = backend

        def query(self, text, bindings=None, source="query", **dataset):
            asked[str(text)] += 1
            return self.backend.query(text, bindings, source, **dataset)

        def report_graphs(self):
            return self.backend.report_graphs()

    memo = Memo(Counting(tiny_kg.backend()))
    build_views(memo, analysis=analyze(memo))
    assert asked and max(asked.values()) == 1, [t.split("WHERE")[0] for t, n in asked.items() if n > 1]
    assert str(_INFLUENCES) in asked and str(_RELATIONS) in asked
    kept = {str(text) for text, _ in memo._values}
    assert str(_INFLUENCES) in kept and not kept & {str(_NODES), str(_RELATIONS)}


def test_entity_and_coverage_graphs(tiny_kg):
    E = entity_graph(tiny_kg)
    assert E.number_of_nodes() == 19
    rels = {(a, b, d["relation"]) for a, b, d in E.edges(data=True)}
    assert ("paybox", "paybox-group", "partOf") in rels
    assert ("market-2025", "research-co", "publishedBy") in rels
    assert ("phone-adoption", "market-growth", "influences") in rels
    C = coverage_graph(tiny_kg)
    assert set(C.edges()) == {("tokenisation", "fraud"), ("harden-security", "fraud")}
    assert C.nodes["chargeback-cost"]["unaddressed"] is True


def test_ids_collide_across_reports_become_report_prefixed(data_dir):
    import shutil

    import kg

    shutil.copytree(data_dir / "tiny", data_dir / "second")
    (data_dir / "second" / "report.yaml").write_text(
        (data_dir / "tiny" / "report.yaml").read_text(encoding="utf-8").replace("id: tiny", "id: second"),
        encoding="utf-8")
    G2 = influence_graph(kg.load(data_dir))
    assert "tiny:fraud" in G2 and "second:fraud" in G2 and G2.number_of_edges() == 18


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export(G, tmp_path, fmt):
    path = export_graph(G, tmp_path / f"g.{fmt}")
    if fmt == "graphml":
        back = nx.read_graphml(path)
        assert back.edges["fraud", "market-growth"]["sections"] == "1.1.1"
    elif fmt == "gexf":
        back = nx.read_gexf(path)
    else:
        back = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="links")
    assert back.number_of_edges() == G.number_of_edges()


def test_coverage_direct_and_indirect(tiny_kg, G):
    C = coverage_graph(tiny_kg)
    cov = coverage(C, G)
    assert cov["harden-security"].direct == ["fraud"]
    # data-law reduces fraud only through the influence network
    assert cov["data-law"].direct == [] and cov["data-law"].indirect["fraud"][0] == pytest.approx(-1 / 3)
    g = gaps(C, cov)
    assert g["none"] == ["chargeback-cost"] and g["marked"] == ["chargeback-cost"]
    ranked = leverage(cov, {"fraud": 1.0})
    assert ranked[0][1] == 1.0 and {ranked[0][0], ranked[1][0]} == {"harden-security", "tokenisation"}


def test_indirect_effects_keep_the_strongest_path():
    H = nx.DiGraph()
    H.add_edge("r", "a", weight=-1.0)
    H.add_edge("a", "c", weight=1.0)
    H.add_edge("r", "c", weight=0.2)
    assert indirect_effects(H, "r")["c"] == (-1.0, ["r", "a", "c"])


def test_explain_paths():
    H = nx.DiGraph()
    H.add_edge("a", "b", weight=1 / 3, sections=["1"])
    H.add_edge("a", "c", weight=1.0, sections=["2"])
    H.add_edge("c", "b", weight=-2 / 3, sections=["3"])
    strong, short = strongest_path(H, "a", "b"), shortest_path(H, "a", "b")
    assert strong.nodes == ("a", "c", "b") and strong.polarity == "negative"
    assert strong.steps[1].sections == ("3",) and strong.effect == pytest.approx(-2 / 3)
    assert short.nodes == ("a", "b")
    assert strongest_path(H, "b", "a") is None
    with pytest.raises(KeyError):
        explain(H, "a", "zz")


# -- audit --------------------------------------------------------------------------


def fig(id_, value, year, kind, **kw):
    base = dict(id=id_, label=id_, value=Decimal(value), normalized=Decimal(value), unit="money", currency="USD",
                year=year, scope="global", kind=kind, qualifier=None, publisher="p", rate=None, growth_kind=None,
                baseline=None, measures=["m"], sections=["1"])
    base.update(kw)
    return base


def test_implied_cagr():
    assert implied_cagr(Decimal(100), Decimal(121), 2) == pytest.approx(10.0)
    with pytest.raises(ValueError):
        implied_cagr(Decimal(100), Decimal(121), 0)


def test_audit_flags_a_rate_the_figures_do_not_support():
    figures = [fig("a", "800", 2022, "actual"),
               fig("b", "2000", 2025, "forecast", rate=Decimal(20), baseline="a", growth_kind="cagr")]
    [finding] = [f for f in audit_figures(figures) if f.kind == "growth-rate"]
    assert finding.severity == "inconsistent" and finding.data["implied"] == pytest.approx(35.72, abs=0.01)
    assert "800 × (1 + 20%)^3 = 1,382.4" in finding.arithmetic


def test_audit_accepts_a_rate_within_tolerance_and_bounds():
    ok = [fig("a", "100", 2020, "actual"), fig("b", "121", 2022, "forecast", rate=Decimal("10.4"), baseline="a")]
    assert [f.severity for f in audit_figures(ok) if f.kind == "growth-rate"] == ["note"]
    bound = [fig("a", "4.9", 2022, "actual"),
             fig("b", "8", 2027, "forecast", rate=Decimal(12), baseline="a", qualifier="more-than")]
    assert [f.severity for f in audit_figures(bound) if f.kind == "growth-rate"] == ["note"]
    strict = [fig("a", "4.9", 2022, "actual"), fig("b", "8", 2027, "forecast", rate=Decimal(12), baseline="a")]
    assert [f.severity for f in audit_figures(strict) if f.kind == "growth-rate"] == ["inconsistent"]


def test_audit_missing_and_horizons():
    figures = [fig("a", "1", None, "actual", publisher=None),
               fig("b", "5", 2024, "forecast"), fig("c", "6", 2024, "forecast"),
               fig("d", "5", 2020, "actual"), fig("e", "9", 2019, "forecast", rate=Decimal(5), baseline="d")]
    kinds = {(f.kind, f.severity, tuple(f.figures)) for f in audit_figures(figures)}
    assert ("publisher", "missing", ("a",)) in kinds and ("year", "missing", ("a",)) in kinds
    assert ("horizon", "inconsistent", ("b", "c")) in kinds
    assert ("horizon", "inconsistent", ("d", "e")) in kinds


def test_audit_never_compares_across_currencies():
    figures = [fig("a", "800", 2022, "actual", currency="CNY"), fig("b", "2000", 2025, "forecast")]
    assert [f for f in audit_figures(figures) if f.kind == "growth-rate"] == []


def test_section_contents_are_what_cites_each_section(tiny_kg):
    # every entity, figure, relation and influence node that cites a section, counted from
    # the triples themselves; the same on rdflib's engine and on Oxigraph's
    from rdflib.namespace import DCTERMS, PROV

    from kg.analysis.audit import section_contents
    from kg.store import open_backend

    from .conftest import FIXTURE_DATA

    g = tiny_kg.graph
    expected = {}
    for x, sec in g.subject_objects(PROV.wasDerivedFrom):
        expected.setdefault(str(g.value(sec, DCTERMS.identifier)), set()).add(str(x))
    assert sum(map(len, expected.values())) > 30
    for backend in (tiny_kg.backend(), open_backend(store="oxigraph", data=FIXTURE_DATA)):
        contents = section_contents(backend)
        assert contents == {"tiny": expected}
        assert list(contents["tiny"]) == sorted(expected)


def test_repetitions():
    contents = {"1.1": {"a", "b", "c", "d"}, "2.1": {"a", "b", "c", "x"}, "3.1": {"q", "r", "s"}}
    [rep] = repetitions(contents)
    assert rep == {"sections": ["1.1", "2.1"], "overlap": 0.75, "jaccard": 0.6, "shared": 3}
    assert repetitions(contents, threshold=0.8) == []


class _Citations:
    """A backend answering the two reads of the section audit from rows given."""

    def __init__(self, sections, citations):
        self.rows = {_SECTION_NUMBERS: sections, _CITATIONS: citations}

    def values(self, text, *names):
        return self.rows[text]


@st.composite
def cited_sections(draw):
    """Reports' sections citing items from small pools (so that sections overlap), an item
    now and then of another report, a section number twice under two IRIs, a citing of an
    unknown section and a section citing nothing."""
    sections, citations = [], []
    for report in ("r1", "r2", "r10")[:draw(st.integers(1, 3))]:
        numbers = draw(st.lists(st.sampled_from(["1", "1.1", "1.2", "2", "2.1", "10.1", "9.3"]), min_size=1, max_size=6))
        for k, number in enumerate(numbers):
            sec = f"{DATA_NS}{report}/section/{k}"
            sections.append((sec, number))
            items = draw(st.sets(st.sampled_from([f"{DATA_NS}{draw(st.sampled_from([report, 'r1']))}/e{i}"
                                                  for i in range(8)]), max_size=7))
            citations.append((sec, " ".join(sorted(items))))
    citations.append((f"{DATA_NS}r1/section/unknown", f"{DATA_NS}r1/e1 {DATA_NS}r1/e2"))
    return sections, draw(st.permutations(citations))


@settings(max_examples=300, deadline=None)
@given(cited_sections(), st.sampled_from([0.5, 0.3, 1.0]), st.integers(1, 4))
def test_restatements_are_the_repetitions_of_each_report_s_section_contents(cited, threshold, min_items):
    backend = _Citations(*cited)
    expected = sorted(({**r, "report": report} for report, sections in section_contents(backend).items()
                       for r in repetitions(sections, threshold, min_items)),
                      key=lambda d: (-d["overlap"], -d["shared"], d["report"], d["sections"]))
    got = restatements(backend, threshold, min_items)
    assert got == expected
    assert [list(r) for r in got] == [list(r) for r in expected]  # (the keys in the same order: the JSON)
