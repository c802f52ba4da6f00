"""`data/` may hold several reports: one named graph each, the union queryable."""

from __future__ import annotations

import shutil

import pytest

import kg
from kg.errors import UsageError
from kg.rdf import ReportIRIs

QUERY = """
PREFIX kgo: <https://w3id.org/strategy-kg/ontology#>
SELECT (COUNT(?c) AS ?n) WHERE { ?c a kgo:Challenge }
"""


def test_two_reports_two_graphs_one_union(data_dir):
    second = data_dir / "second"
    shutil.copytree(data_dir / "tiny", second)
    report = second / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("id: tiny", "id: second"), encoding="utf-8")

    g = kg.load(data_dir)
    assert [r.id for r in g.reports] == ["second", "tiny"]
    assert len(g.report_graph("tiny")) == len(g.report_graph("second"))
    assert len(g.graph) == 2 * len(g.report_graph("tiny"))
    # the union sees both reports' challenges; each named graph only its own
    assert int(next(iter(g.graph.query(QUERY)))[0]) == 4
    assert int(next(iter(g.report_graph("tiny").query(QUERY)))[0]) == 2
    # same id in two reports = two different IRIs
    assert ReportIRIs("tiny").entity("fraud") != ReportIRIs("second").entity("fraud")
    assert len(g.entities("Challenge", report="second")) == 2
    assert g.validate().conforms


def _two_reports(data_dir):
    second = data_dir / "second"
    shutil.copytree(data_dir / "tiny", second)
    report = second / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("id: tiny", "id: second"), encoding="utf-8")
    return data_dir


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_a_query_limited_to_some_reports(data_dir, store):
    from kg.store import open_backend, run_query

    backend = open_backend(store=store, data=_two_reports(data_dir))
    everything = run_query("class-counts", backend=backend).dicts()
    assert {r["reportId"] for r in everything} == {"second", "tiny"}
    for chosen in (["tiny"], ["second"], ["second", "tiny"]):
        rows = run_query("class-counts", backend=backend, reports=chosen).dicts()
        assert rows == [r for r in everything if r["reportId"] in chosen]
    # the chosen graphs are also the named graphs GRAPH can reach, and only they
    graphs = run_query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", backend=backend, reports=["tiny"])
    assert [str(r["g"]) for r in graphs.rows] == [str(ReportIRIs("tiny").graph)]
    with pytest.raises(UsageError, match=r"no report 'nope' in this store; its reports: second, tiny"):
        run_query("class-counts", backend=backend, reports=["nope"])
    g = kg.load(data_dir)
    assert g.query("class-counts", reports=["tiny"]).dicts() == [r for r in everything if r["reportId"] == "tiny"]
    from kg.analysis.graphs import Memo

    memo = Memo(backend)  # the analysis's query memo passes a limited query through, unkept
    assert run_query("class-counts", backend=memo, reports=["tiny"]).dicts() == \
        [r for r in everything if r["reportId"] == "tiny"]
    assert run_query("class-counts", backend=memo).dicts() == everything


def test_kg_query_report_option(data_dir, capsys):
    from kg.cli import main

    data = _two_reports(data_dir)
    assert main(["query", "class-counts", "--data", str(data), "--report", "second", "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("reportId") and len(out) > 2 and all(line.startswith("second,") for line in out[1:])
    assert main(["query", "class-counts", "--data", str(data), "--report", "third"]) == 2
    assert "no report 'third' in this store; its reports: second, tiny" in capsys.readouterr().err


def test_reports_through_a_sparql_server(data_dir):
    # run_query(reports=…) against a server sends them as the request's dataset
    from kg.server import serve
    from kg.store import RemoteBackend, open_backend, run_query

    import threading

    backend = open_backend(data=_two_reports(data_dir))  # Oxigraph: the dataset goes to its engine
    server = serve(backend, "127.0.0.1", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        remote = RemoteBackend(f"{server.url}/sparql")
        assert remote.report_graphs() == [str(ReportIRIs("second").graph), str(ReportIRIs("tiny").graph)]
        local = run_query("class-counts", backend=backend, reports=["tiny"]).dicts()
        assert run_query("class-counts", backend=remote, reports=["tiny"]).dicts() == local
        assert {r["reportId"] for r in local} == {"tiny"}
    finally:
        server.shutdown()
        server.server_close()
