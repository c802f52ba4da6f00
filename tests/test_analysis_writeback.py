"""kg analyze's results written back as RDF: a named graph of scores, classes and findings."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef

import kg
from kg.analysis.report import analyze
from kg.analysis.writeback import CENTRALITY_PROPERTIES, analysis_graph
from kg.resources import ontology_path
from kg.schema import ANALYSIS_GRAPH, ONTOLOGY_NS

from .conftest import FIXTURE_DATA, run_kg

KGO = Namespace(ONTOLOGY_NS)
E = Namespace("https://w3id.org/strategy-kg/report/tiny/entity/")
A = URIRef(ANALYSIS_GRAPH)

SCORES = """
PREFIX kgo: <https://w3id.org/strategy-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?id ?class ?pagerank WHERE {
  GRAPH <https://w3id.org/strategy-kg/analysis> { ?e kgo:micmacClass ?c ; kgo:pageRank ?pagerank }
  ?c skos:prefLabel ?class FILTER(lang(?class) = "en")
  ?e dcterms:identifier ?id .
} ORDER BY DESC(?pagerank) ?id
"""


@pytest.fixture(scope="module")
def result():
    return analyze(kg.load(FIXTURE_DATA))


@pytest.fixture(scope="module")
def graph(result):
    return analysis_graph(result)


def test_every_term_written_is_declared_in_the_ontology(graph):
    onto = Graph().parse(ontology_path())
    declared = set(onto.subjects(RDF.type, None))
    used = {p for p in graph.predicates() if str(p).startswith(ONTOLOGY_NS)}
    used |= {o for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith(ONTOLOGY_NS)}
    assert used - declared == set()
    assert len(used) > 30


def test_scores_and_classes_are_the_results(result, graph):
    for row in result["micmac"]["table"]:
        e = E[row["node"]]
        assert graph.value(e, KGO.micmacInfluence).toPython() == Decimal(str(row["influence"]))
        cls = graph.value(e, KGO.micmacClass)
        assert str(cls).endswith("#" + row["class"].capitalize())
    for node, scores in result["centrality"].items():
        for metric, prop in CENTRALITY_PROPERTIES.items():
            value = graph.value(E[node], KGO[prop])
            assert (value is None) == (scores[metric] is None)
            if value is not None:
                assert float(value.toPython()) == pytest.approx(scores[metric])


def test_hand_checked_facts_on_the_fixture(graph):
    # chargeback cost: nothing addresses it (the fixture marks it so, and the coverage agrees)
    assert graph.value(E["chargeback-cost"], KGO.coverageStatus) == Literal("none")
    assert graph.value(E["fraud"], KGO.coverageStatus) == Literal("direct")
    assert graph.value(E["harden-security"], KGO.leverageRank) == Literal(1)
    # the fixture's 800 → 2000 over 3 years at a stated 20 % is flagged, with the arithmetic
    [finding] = [f for f in graph.subjects(KGO.severity, Literal("inconsistent"))]
    assert set(graph.objects(finding, KGO.findingAbout)) == {E["market-2022"], E["market-2025"]}
    assert "35.72%" in graph.value(finding, KGO.arithmetic)
    # the one loop: phone adoption ⇄ market growth, reinforcing
    [loop] = list(graph.subjects(RDF.type, KGO.FeedbackLoop))
    assert graph.value(loop, KGO.loopPolarity) == Literal("reinforcing")
    assert set(graph.objects(loop, KGO.loopMember)) == {E["phone-adoption"], E["market-growth"]}
    # every community has members and a bilingual name
    for c in graph.subjects(RDF.type, KGO.Community):
        assert any(graph.subjects(KGO.inCommunity, c))
        assert {lbl.language for lbl in graph.objects(c, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))} \
            == {"zh", "en"}


def test_deterministic(result):
    a = analysis_graph(result).serialize(format="nt")
    b = analysis_graph(analyze(kg.load(FIXTURE_DATA))).serialize(format="nt")
    assert sorted(a.splitlines()) == sorted(b.splitlines())


def test_add_analysis_then_query_next_to_the_facts():
    g = kg.load(FIXTURE_DATA)
    before = len(g.graph)
    g.add_analysis()
    size = len(g.graph)
    assert size > before
    rows = g.query(SCORES).dicts()
    assert {r["id"] for r in rows} >= {"phone-adoption", "market-growth", "fraud"}
    assert rows == sorted(rows, key=lambda r: (-r["pagerank"], r["id"]))
    # the report's own graph is untouched, and a second run replaces the first
    assert str(A) not in {str(x.identifier) for x in g.graph.graphs() if str(x.identifier).startswith(str(A) + "/")}
    g.add_analysis()
    assert len(g.graph) == size
    assert g.validate().conforms


def test_each_report_is_audited_on_its_own(data_dir):
    second = data_dir / "second"
    shutil.copytree(data_dir / "tiny", second)
    report = second / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("id: tiny", "id: second"), encoding="utf-8")
    result = analyze(kg.load(data_dir))
    flagged = sorted((f["report"], tuple(f["iris"])) for f in result["audit"]["figures"] if f["severity"] == "inconsistent")
    assert flagged == [
        ("second", ("https://w3id.org/strategy-kg/report/second/entity/market-2022",
                    "https://w3id.org/strategy-kg/report/second/entity/market-2025")),
        ("tiny", (str(E["market-2022"]), str(E["market-2025"]))),
    ]
    graph = analysis_graph(result)
    assert len(set(graph.subjects(KGO.severity, Literal("inconsistent")))) == 2
    assert "tiny:fraud" in result["nodes"] and (URIRef(result["nodes"]["second:fraud"]["iri"]), KGO.micmacClass,
                                                 None) in graph


def test_cli_writes_trig_and_fills_a_persistent_store(tmp_path):
    store = f"oxigraph:{tmp_path / 'store'}"
    r = run_kg("analyze", "--data", str(FIXTURE_DATA), "--store", store, "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert f"<{ANALYSIS_GRAPH}>" in r.stdout
    ds = Dataset().parse(tmp_path / "out" / "analysis.trig", format="trig")
    assert len(ds.graph(A)) == len(analysis_graph(analyze(kg.load(FIXTURE_DATA))))
    query = tmp_path / "q.rq"
    query.write_text(SCORES, encoding="utf-8")
    r = run_kg("query", str(query), "--store", store, "--format", "csv")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "id,class,pagerank" and len(lines) == 1 + 9


def test_cli_query_with_analysis_in_memory(tmp_path):
    query = tmp_path / "q.rq"
    query.write_text(SCORES, encoding="utf-8")
    plain = run_kg("query", str(query), "--data", str(FIXTURE_DATA), "--format", "csv")
    assert plain.returncode == 0 and plain.stdout.splitlines() == ["id,class,pagerank"]
    r = run_kg("query", str(query), "--data", str(FIXTURE_DATA), "--format", "csv", "--with-analysis")
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 1 + 9


def test_push_with_analysis_to_an_oxigraph_server(tmp_path):
    import subprocess

    from kg.store import RemoteBackend, run_query

    from .test_stores import free_port, oxigraph_binary, wait_for

    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "ox"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(f"http://127.0.0.1:{port}/query")
        endpoint = f"http://127.0.0.1:{port}/query"
        r = run_kg("push", "--data", str(FIXTURE_DATA), "--endpoint", endpoint, "--with-analysis")
        assert r.returncode == 0, r.stderr
        assert "pushed 2 graph(s)" in r.stdout and ANALYSIS_GRAPH in r.stdout
        remote = run_query(SCORES, backend=RemoteBackend(endpoint)).dicts()
        local = kg.load(FIXTURE_DATA)
        local.add_analysis()
        assert remote == local.query(SCORES).dicts() and len(remote) == 9
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_readme_example_runs_on_the_bundled_report():
    import re

    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = re.search(r"kg query --with-analysis - <<'EOF'\n(.*?)\nEOF", readme, re.S).group(1)
    r = run_kg("query", "--with-analysis", "-", "--format", "csv", input_text=query)
    assert r.returncode == 0, r.stderr
    header, *rows = r.stdout.splitlines()
    assert header == "entity,class,pagerank" and len(rows) == 5
    assert all(row.split(",")[1] in ("influential", "relay", "dependent", "autonomous") for row in rows)
    scores = [float(row.rsplit(",", 1)[1]) for row in rows]
    assert scores == sorted(scores, reverse=True)
