"""Quality checks on the bundled micropayment report (issue 3), read from the RDF graph."""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal

import pytest
import yaml
from rdflib import RDF
from rdflib.namespace import DCTERMS, PROV

import kg
from kg.rdf import KGO, ReportIRIs

from .conftest import ROOT

DATA = ROOT / "data"
REPORT = "micropayments"
IRIS = ReportIRIs(REPORT)


@pytest.fixture(scope="module")
def mp():
    return kg.load(DATA)


@pytest.fixture(scope="module")
def graph(mp):
    return mp.report_graph(REPORT)


def ident(graph, node) -> str:
    return str(graph.value(node, DCTERMS.identifier))


def test_structure(mp, graph):
    sections = list(graph.subjects(RDF.type, KGO.Section))
    levels = Counter(int(graph.value(s, KGO.level)) for s in sections)
    assert levels == {1: 7, 2: 16, 3: 44}
    [report] = mp.reports
    assert report.title.zh == "分析微支付行業報告"
    assert report.language == "zh-Hant"
    assert report.truncated is not None and report.truncated.section == "7.1.1"
    assert len(report.leaf_sections()) == 44
    assert report.leaf_sections()[0] == "1.1.1" and report.leaf_sections()[-1] == "7.1.1"


def test_every_leaf_section_is_cited(mp, graph):
    cited = {ident(graph, s) for s in graph.objects(None, PROV.wasDerivedFrom)}
    [report] = mp.reports
    assert set(report.leaf_sections()) - cited == set()


def test_every_entity_has_labels_description_and_sections(mp):
    for e in mp.entities(report=REPORT):
        assert e.label.zh and e.label.en and e.description.zh and e.description.en, e.id
        assert e.sections, e.id


def linked(graph) -> set[str]:
    """Ids of entities taking part in a relation, influence, figure link or audience."""
    props = {KGO[p] for p in ("measures", "publishedBy", "scope", "intendedFor", "influences", "growthBaseline")}
    out = set()
    for a in graph.subjects(RDF.type, KGO.Assertion):
        out |= {ident(graph, graph.value(a, RDF.subject)), ident(graph, graph.value(a, RDF.object))}
    for p in props:
        for s, o in graph.subject_objects(p):
            out |= {ident(graph, s), ident(graph, o)}
    return out


def test_no_orphan_entities(mp, graph):
    orphans = {e.id for e in mp.entities(report=REPORT)} - linked(graph)
    assert orphans == set()


def test_no_duplicate_labels(mp):
    for lang in ("zh", "en"):
        labels = Counter(getattr(e.label, lang).casefold() for e in mp.entities(report=REPORT))
        assert [label for label, n in labels.items() if n > 1] == [], lang


def test_every_recommendation_addresses_a_challenge_and_has_an_audience(mp, graph):
    for rec in mp.entities("Recommendation", report=REPORT):
        node = IRIS.entity(rec.id)
        assert list(graph.objects(node, KGO.addresses)), rec.id
        assert list(graph.objects(node, KGO.intendedFor)), rec.id


def test_every_challenge_is_addressed_or_marked_unaddressed(mp, graph):
    for ch in mp.entities("Challenge", report=REPORT):
        addressed = bool(list(graph.subjects(KGO.addresses, IRIS.entity(ch.id))))
        assert addressed != ch.unaddressed, f"{ch.id}: addressed={addressed}, unaddressed={ch.unaddressed}"


def test_influence_network_is_dense_enough(mp, graph):
    taking_part = {ident(graph, n) for i in graph.subjects(RDF.type, KGO.Influence)
                   for n in (graph.value(i, KGO.influencer), graph.value(i, KGO.influenced))}
    for cls in ("Driver", "Challenge"):
        missing = {e.id for e in mp.entities(cls, report=REPORT)} - taking_part
        assert missing == set(), cls
    n_influences = len(list(graph.subjects(RDF.type, KGO.Influence)))
    assert n_influences >= 150
    # every influence cites the section that justifies it
    for i in graph.subjects(RDF.type, KGO.Influence):
        assert list(graph.objects(i, PROV.wasDerivedFrom))


def test_kinds_of_things_the_report_names(mp):
    names = {e.id for e in mp.entities(report=REPORT)}
    for must in ("alipay", "wechat-pay", "bitcoin", "ethereum", "idc", "iresearch", "statista", "tls-1-3",
                 "aes-256", "blockchain", "five-g", "iot", "china", "india", "global", "investors", "smes"):
        assert must in names, must
    counts = mp.stats().classes
    for cls, at_least in {"Driver": 5, "Challenge": 20, "Competitor": 8, "Technology": 15, "Recommendation": 20,
                          "Scenario": 8, "Trend": 5, "Region": 4, "Regulation": 2, "Stakeholder": 5,
                          "Organisation": 5, "InvestmentTheme": 3, "Outcome": 5, "MarketMetric": 13}.items():
        assert counts[cls] >= at_least, cls


# Every figure of the report, written down from the text independently of the YAML:
# (value, scale, unit, currency, year, scope, kind, qualifier, publisher, stated growth %, sections)
FIGURES = {
    "fig-global-micropayment-market-2023": ("1200", "億", "money", "USD", 2023, "global", "actual", None, "idc", None, {"1.1.1"}),
    "fig-global-micropayment-market-2027": ("2000", "億", "money", "USD", 2027, "global", "forecast", "more-than", "idc", "14.5", {"1.1.1"}),
    "fig-china-micropayment-market-2022": ("800", "億", "money", "CNY", 2022, "china", "actual", None, "iresearch", None, {"1.1.2"}),
    "fig-china-micropayment-market-2025": ("2000", "億", "money", "CNY", 2025, "china", "forecast", "more-than", "iresearch", "20", {"1.1.2"}),
    "fig-global-mobile-internet-users-2023": ("50", "億", "users", None, 2023, "global", "actual", "more-than", "itu", None, {"1.2.1"}),
    "fig-global-ecommerce-market-2022": ("4.9", "萬億", "money", "USD", 2022, "global", "actual", None, "statista", None, {"1.2.2"}),
    "fig-global-ecommerce-market-2027": ("8", "萬億", "money", "USD", 2027, "global", "forecast", "more-than", "statista", "12", {"1.2.2"}),
    "fig-global-micropayment-fraud-losses-2022": ("100", "億", "money", "USD", 2022, "global", "actual", "more-than", "fraudwatchglobal", None, {"1.3.1"}),
    "fig-global-micropayment-fraud-losses-2025": ("200", "億", "money", "USD", 2025, "global", "forecast", "more-than", "fraudwatchglobal", None, {"1.3.1"}),
    "fig-global-data-breach-losses-2022": ("400", "億", "money", "USD", 2022, "global", "actual", "more-than", "global-privacy-advisor", None, {"1.3.2", "4.1.2"}),
    "fig-global-data-breach-losses-2025": ("600", "億", "money", "USD", 2025, "global", "forecast", "more-than", "global-privacy-advisor", None, {"1.3.2", "4.1.2"}),
    "fig-alipay-user-penetration-china": ("80", None, "percent", None, None, "china", "actual", None, None, None, {"2.1.1"}),
    "fig-wechat-pay-user-penetration-china": ("70", None, "percent", None, None, "china", "actual", "at-least", None, None, {"2.1.1"}),
}


def test_figures_exactly_as_stated(mp):
    found = {f.id: f for f in mp.entities("MarketMetric", report=REPORT)}
    assert set(found) == set(FIGURES)
    for fid, (value, scale, unit, currency, year, scope, kind, qualifier, publisher, growth, sections) in FIGURES.items():
        f = found[fid]
        got = (f.value, f.scale, f.unit, f.currency, f.year, f.scope, f.kind, f.qualifier, f.publisher,
               f.growth.rate if f.growth else None, set(f.sections))
        want = (Decimal(value), scale, unit, currency, year, scope, kind, qualifier, publisher,
                Decimal(growth) if growth else None, sections)
        assert got == want, fid


def test_normalised_values(mp):
    assert mp.get("fig-global-micropayment-market-2023").normalized_value == Decimal("120000000000")
    assert mp.get("fig-global-ecommerce-market-2022").normalized_value == Decimal("4900000000000.0")


def test_forecasts_point_to_their_baseline(mp):
    for f in mp.entities("MarketMetric", report=REPORT):
        if f.growth:
            base = mp.get(f.growth.baseline)
            assert base.kind == "actual" and base.year < f.year and base.unit == f.unit, f.id


def test_shacl_conforms_including_integrity(mp):
    report = mp.validate(strict=True)
    assert report.conforms, report.violations[:5]


# -- no sentence of the report is copied ---------------------------------------------

FINGERPRINTS = ROOT / "tests" / "fixtures" / "fingerprints" / f"{REPORT}.txt"


@pytest.fixture(scope="module")
def copy_checker():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import fingerprint_source
    finally:
        sys.path.remove(str(ROOT / "tools"))
    known = {line.strip() for line in FINGERPRINTS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")}

    def copied(text: str) -> list[str]:
        return [w for w in fingerprint_source.windows(text) if fingerprint_source.digest(w) in known]

    return fingerprint_source, copied


def strings(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from strings(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from strings(v, (*path, i))
    elif isinstance(node, str):
        yield path, node


def test_copy_checker_catches_a_copy(copy_checker):
    module, _ = copy_checker
    made_up = "這是一段為了測試而寫的句子，它足夠長，可以產生多個二十字的窗口，用來確認檢查會生效。"
    prints = module.fingerprints(made_up)
    quoted = list(module.windows("前言：" + made_up[3:40].replace("，", ",")))  # ASCII commas fold too
    assert prints and quoted and sum(module.digest(w) in prints for w in quoted) >= len(quoted) - 3
    fresh = "另外一段完全不同的文字，內容與上面毫無關係，只是用來確認不會誤報任何東西。"
    assert not any(module.digest(w) in prints for w in module.windows(fresh))


def test_no_sentence_of_the_report_is_copied(copy_checker):
    _, copied = copy_checker
    hits = []
    for path in sorted((DATA / REPORT).iterdir()):
        text = path.read_text(encoding="utf-8")
        items = strings(yaml.safe_load(text)) if path.suffix == ".yaml" else [((), text)]
        for where, value in items:
            if "heading" in where:  # section headings may be quoted
                continue
            if copied(value):
                hits.append(f"{path.name} {where}: {copied(value)[0]}")
    assert hits == []


def test_fingerprints_cover_the_report():
    lines = FINGERPRINTS.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 10_000
