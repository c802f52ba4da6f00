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
