"""`kg explain` and the analysis commands from the command line."""

from __future__ import annotations

import json

from .conftest import FIXTURE_DATA, run_kg

D = ["--data", str(FIXTURE_DATA)]


def test_explain_text_by_labels_in_both_languages():
    r = run_kg("explain", "Tokenisation", "市場增長", "--lang", "zh", *D)
    assert r.returncode == 0, r.stderr
    assert "strongest path: 2 step(s)" in r.stdout
    assert "令牌化 → 詐騙  −0.67  [2.1.1]" in r.stdout and "詐騙 → 市場增長  −0.67  [1.1.1]" in r.stdout


def test_explain_json():
    r = run_kg("explain", "tokenisation", "market-growth", "--json", *D)
    doc = json.loads(r.stdout)
    assert doc["strongest"]["nodes"] == ["tokenisation", "fraud", "market-growth"]
    assert doc["strongest"]["polarity"] == "positive"  # less fraud, more growth
    assert doc["strongest"]["steps"][0]["sections"] == ["2.1.1"]


def test_explain_no_path_and_unknown_entity():
    r = run_kg("explain", "market-growth", "tokenisation", *D)
    assert r.returncode == 0 and "no path" in r.stdout
    r = run_kg("explain", "tokenisaton", "market-growth", *D)
    assert r.returncode == 1 and "closest: tokenisation" in r.stderr and "Traceback" not in r.stderr


def test_analyze_writes_markdown_json_and_exports(tmp_path):
    out = tmp_path / "analysis"
    r = run_kg("analyze", "--out", str(out), "--lang", "zh", "--export", "graphml", "--export", "json", *D)
    assert r.returncode == 0, r.stderr
    doc = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert doc["graph"]["edges"] == 9
    assert doc["gaps"]["none"] == ["chargeback-cost"]
    assert {row["node"] for row in doc["micmac"]["table"]} >= {"fraud", "market-growth"}
    assert doc["loops"]["count"] == 1 and doc["loops"]["strongest"][0]["polarity"] == "reinforcing"
    assert [f["kind"] for f in doc["audit"]["figures"]].count("growth-rate") == 1
    md = (out / "analysis.md").read_text(encoding="utf-8")
    assert "# 影響分析" in md and "詐騙" in md and "MICMAC" in md
    for name in ("influence.graphml", "entities.graphml", "coverage.graphml", "influence.json"):
        assert (out / name).is_file(), name


def test_analysis_is_deterministic(tmp_path):
    a = run_kg("analyze", "--out", str(tmp_path / "a"), *D)
    b = run_kg("analyze", "--out", str(tmp_path / "b"), *D)
    assert a.returncode == b.returncode == 0
    assert (tmp_path / "a" / "analysis.json").read_bytes() == (tmp_path / "b" / "analysis.json").read_bytes()


def test_counts_that_make_no_sense_are_refused_before_any_work(tmp_path):
    for args, expected in ((["analyze", "--top", "-1"], "--top: expected a whole number, 0 or more, not '-1'"),
                           (["analyze", "--max-loop-length", "0"], "--max-loop-length: expected a whole number, 1 or more"),
                           (["scenario", "--set", "fraud=1", "--top", "ten"], "--top: expected a whole number, 0 or more, not 'ten'")):
        r = run_kg(*args, "--out", str(tmp_path / "a"), *D) if args[0] == "analyze" else run_kg(*args, *D)
        assert r.returncode == 2 and expected in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert not (tmp_path / "a").exists()


def test_scenario_clamps_and_reports_changes():
    r = run_kg("scenario", "--set", "phone-adoption=1", "--json", *D)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["clamped"] == {"phone-adoption": 1.0}
    change = doc["change"]
    assert change["market-growth"]["change"] > 0          # more phones, more growth
    assert change["phone-adoption"]["scenario"] == 1.0
    assert abs(change["fraud"]["change"]) < 1e-9          # fraud does not depend on phones
    r = run_kg("scenario", "--set", "詐騙=1", "--lang", "zh", *D)
    assert r.returncode == 0 and "市場增長" in r.stdout and "-" in r.stdout


def test_scenario_errors():
    assert run_kg("scenario", "--set", "phone-adoption", *D).returncode == 2
    assert run_kg("scenario", "--set", "phone-adoption=high", *D).returncode == 2
    r = run_kg("scenario", "--set", "nothing=1", *D)
    assert r.returncode == 1 and "not in the influence network" in r.stderr
