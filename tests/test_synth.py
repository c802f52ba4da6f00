"""The synthetic corpus generator (bench/synth.py): deterministic, valid, shaped like the real report.

These check the generator's output, never timings (benchmarks live in bench/run.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import kg
from bench.synth import PROFILE, generate_corpus, generate_report, measure_profile, report_id

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "data"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate_corpus(out, reports=3, seed=7)
    return out


@pytest.fixture(scope="module")
def loaded(corpus):
    return kg.load(corpus)


def test_same_seed_same_bytes(corpus, tmp_path):
    generate_corpus(tmp_path, reports=3, seed=7)
    assert _files(tmp_path) == _files(corpus)


def test_other_seed_other_data(corpus, tmp_path):
    generate_corpus(tmp_path, reports=3, seed=8)
    assert _files(tmp_path) != _files(corpus)


def test_a_report_does_not_depend_on_corpus_size():
    assert generate_report(2, seed=7) == generate_report(2, seed=7)
    assert generate_report(2, seed=7) != generate_report(3, seed=7)


def test_ids_and_folders(corpus, loaded):
    assert [r.id for r in loaded.reports] == [report_id(i) for i in (1, 2, 3)] == ["synth-00001", "synth-00002",
                                                                                 "synth-00003"]
    assert sorted(p.name for p in corpus.iterdir()) == ["synth-00001", "synth-00002", "synth-00003"]


def test_loads_and_validates(loaded):
    report = loaded.validate()
    assert report.conforms, report.text[:3000]


def test_labels_bilingual_and_made_up(loaded):
    real_labels = {e.label.en for e in kg.load(REAL).reports[0].entities}
    for report in loaded.reports:
        for e in report.entities:
            assert e.label.zh and e.label.en
            assert all("\u4e00" <= ch <= "\u9fff" for ch in e.label.zh)
            assert e.label.en not in real_labels


def test_regenerating_replaces_the_corpus(tmp_path):
    generate_corpus(tmp_path, reports=3, seed=1)
    generate_corpus(tmp_path, reports=2, seed=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["synth-00001", "synth-00002"]


# --------------------------------------------------------------------------- shape


@pytest.fixture(scope="module")
def real():
    return kg.load(REAL)


def _per_report(g):
    stats = g.stats()
    n = len(stats.reports)
    return stats, n


def test_profile_is_the_real_reports_shape(real):
    """PROFILE was measured from data/micropayments; it must still roughly describe it.

    Small edits of the dataset are fine; when this fails, refresh PROFILE with
    ``python bench/synth.py --print-profile data/micropayments``.
    """
    [report] = [r for r in real.reports if r.id == "micropayments"]
    measured = measure_profile(report)
    assert set(measured["entities"]) == set(PROFILE["entities"])
    for key in ("entities", "relations", "influences", "polarity_strength"):
        assert _close(sum(PROFILE[key].values()), sum(measured[key].values()), 0.15), key


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """Ten reports: enough for averages to settle near the profile."""
    out = tmp_path_factory.mktemp("synth10")
    generate_corpus(out, reports=10, seed=3)
    return kg.load(out)


def _close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * abs(b)


def test_class_mix_close_to_real(real, big):
    rs, rn = _per_report(real)
    ss, sn = _per_report(big)
    real_total = sum(v for k, v in rs.classes.items() if k not in ("Report", "Section"))
    synth_total = sum(v for k, v in ss.classes.items() if k not in ("Report", "Section"))
    assert _close(synth_total / sn, real_total / rn, 0.2)
    for cls, count in rs.classes.items():
        if cls in ("Report",):
            continue
        share_real = count / real_total
        share_synth = ss.classes[cls] / synth_total
        assert abs(share_synth - share_real) <= 0.02 + 0.25 * share_real, cls


def test_relations_and_influences_per_entity_close_to_real(real, big):
    rs, _ = _per_report(real)
    ss, _ = _per_report(big)
    real_ent = sum(v for k, v in rs.classes.items() if k not in ("Report", "Section", "MarketMetric"))
    synth_ent = sum(v for k, v in ss.classes.items() if k not in ("Report", "Section", "MarketMetric"))
    assert _close(sum(ss.relations.values()) / synth_ent, sum(rs.relations.values()) / real_ent, 0.1)
    assert _close(ss.influences / synth_ent, rs.influences / real_ent, 0.1)
    for rtype, count in rs.relations.items():
        assert _close(ss.relations[rtype] / synth_ent, count / real_ent, 0.5), rtype
    # triples per report within 20 % of the real report's
    assert _close(ss.triples / len(ss.reports), rs.triples / len(rs.reports), 0.2)


def test_polarity_strength_mix_close_to_real(real, big):
    def mix(g):
        c = Counter((i.polarity, i.strength) for r in g.reports for i in r.influences)
        total = sum(c.values())
        return {k: v / total for k, v in c.items()}

    real_mix, synth_mix = mix(real), mix(big)
    for key, share in real_mix.items():
        assert abs(synth_mix.get(key, 0) - share) <= 0.05, key


def test_figures_and_sections_close_to_real(real, big):
    def shape(g):
        reports = g.reports
        leaves = sum(len(r.leaf_sections()) for r in reports)
        chapters = sum(1 for r in reports for s in r.sections if s.parent is None)
        mid = sum(1 for r in reports for s in r.sections if s.number.count(".") == 1)
        figures = sum(len(r.figures) for r in reports)
        cited = {(r.id, s) for r in reports for f in r.figures for s in f.sections}
        return {"figures/leaf": figures / leaves, "sections/chapter": mid / chapters, "leaves/section": leaves / mid,
                "figures/figure-section": figures / len(cited)}

    r, s = shape(real), shape(big)
    for key in r:
        assert _close(s[key], r[key], 0.3), (key, s[key], r[key])
