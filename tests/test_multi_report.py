"""`data/` may hold several reports: one named graph each, the union queryable."""

from __future__ import annotations

import shutil

import kg
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
