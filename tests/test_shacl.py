"""SHACL: the valid graph conforms, and every kind of constraint fires on a crafted violation.

Each test copies the fixture graph, breaks one thing, and checks that pySHACL reports a
violation on that node and property (not merely that *something* failed).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, SH

from kg.rdf import KGO, ReportIRIs
from kg.schema import ENTITY_TYPES, INFLUENCE_TYPES, RELATIONS
from kg.shacl import load_shapes, validate_graph

IRIS = ReportIRIs("tiny")
E = IRIS.entity
LABELLED = ("Report", "Section", *ENTITY_TYPES)
CITED = (*ENTITY_TYPES, "Influence", "Assertion")


@pytest.fixture(scope="module")
def base(tiny_kg) -> Graph:
    g = Graph()
    for t in tiny_kg.graph.triples((None, None, None)):
        g.add(t)
    return g


@pytest.fixture
def g(base) -> Graph:
    copy = Graph()
    for t in base:
        copy.add(t)
    return copy


def results(graph: Graph) -> list[tuple]:
    import pyshacl

    conforms, report, _ = pyshacl.validate(graph, shacl_graph=load_shapes(), inference="none")
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(r, SH.resultSeverity) == SH.Violation:
            out.append((report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.resultMessage)))
    assert conforms == (not out)
    return out


def fires(graph: Graph, focus, path=None) -> list:
    found = results(graph)
    hits = [r for r in found if r[0] == focus and (path is None or r[1] == path)]
    assert hits, f"no violation on {focus} {path}; got {found}"
    assert all(r[2] for r in hits), "every violation should carry a readable message"
    return hits


def node_of(graph: Graph, cls: str):
    return sorted(graph.subjects(RDF.type, KGO[cls]))[0]


def test_valid_graph_conforms(base):
    assert results(base) == []


def test_validate_graph_maps_focus_to_yaml(tiny_kg, g):
    fraud = E("fraud")
    g.remove((fraud, SKOS.prefLabel, Literal("詐騙", lang="zh")))
    report = validate_graph(g, where=lambda iri: "entities.yaml:9" if iri == fraud else None)
    assert not report.conforms
    assert any(v.startswith("tiny/entity/fraud (entities.yaml:9): skos:prefLabel") for v in report.violations)


# -- labels and provenance, for every class ------------------------------------------


@pytest.mark.parametrize("cls", LABELLED)
def test_missing_chinese_label(g, cls):
    node = node_of(g, cls)
    for label in [o for o in g.objects(node, SKOS.prefLabel) if o.language == "zh"]:
        g.remove((node, SKOS.prefLabel, label))
    fires(g, node, SKOS.prefLabel)


@pytest.mark.parametrize("cls", LABELLED)
def test_two_english_labels(g, cls):
    node = node_of(g, cls)
    g.add((node, SKOS.prefLabel, Literal("A second name", lang="en")))
    fires(g, node, SKOS.prefLabel)


@pytest.mark.parametrize("cls", ENTITY_TYPES)
def test_missing_definition(g, cls):
    node = node_of(g, cls)
    g.remove((node, SKOS.definition, None))
    fires(g, node, SKOS.definition)


@pytest.mark.parametrize("cls", CITED)
def test_no_provenance(g, cls):
    node = node_of(g, cls)
    g.remove((node, PROV.wasDerivedFrom, None))
    fires(g, node, PROV.wasDerivedFrom)


@pytest.mark.parametrize("cls", CITED)
def test_provenance_must_be_a_section(g, cls):
    node = node_of(g, cls)
    g.add((node, PROV.wasDerivedFrom, E("china")))
    fires(g, node, PROV.wasDerivedFrom)


@pytest.mark.parametrize("cls", ENTITY_TYPES)
def test_entity_needs_identifier(g, cls):
    node = node_of(g, cls)
    g.remove((node, DCTERMS.identifier, None))
    fires(g, node, DCTERMS.identifier)


def test_section_number_pattern_and_parent(g):
    s = IRIS.section("1.1.1")
    g.set((s, DCTERMS.identifier, Literal("one.one")))
    fires(g, s, DCTERMS.identifier)
    g.add((s, DCTERMS.isPartOf, IRIS.section("2")))
    fires(g, s, DCTERMS.isPartOf)


def test_report_needs_truncated_flag(g):
    g.remove((IRIS.report, KGO.truncated, None))
    fires(g, IRIS.report, KGO.truncated)


# -- figures -----------------------------------------------------------------------


FIG = E("market-2025")


@pytest.mark.parametrize("prop,value", [
    (KGO.year, Literal(1800)),
    (KGO.year, Literal("2025")),
    (KGO.currency, Literal("usd")),
    (KGO.value, Literal(Decimal("-1"), datatype=XSD.decimal)),
    (KGO.value, Literal("lots")),
    (KGO.normalizedValue, Literal(-5)),
    (KGO.metricKind, Literal("guess")),
    (KGO.qualifier, Literal("roughly")),
    (KGO.growthKind, Literal("weird")),
    (KGO.statedGrowthRate, Literal("fast")),
    (KGO.publishedBy, E("china")),
    (KGO.scope, E("research-co")),
    (KGO.growthBaseline, E("china")),
], ids=lambda v: str(v).rsplit("#", 1)[-1])
def test_figure_values(g, prop, value):
    g.set((FIG, prop, value))
    fires(g, FIG, prop)


def test_figure_needs_measures_and_unit(g):
    g.remove((FIG, KGO.measures, None))
    g.remove((FIG, KGO.unit, None))
    fires(g, FIG, KGO.measures)
    fires(g, FIG, KGO.unit)


def test_currency_only_with_money(g):
    share = E("paybox-share")  # a percentage
    g.add((share, KGO.currency, Literal("USD")))
    fires(g, share)


def test_money_needs_currency(g):
    g.remove((FIG, KGO.currency, None))
    fires(g, FIG)


# -- influences and assertions ------------------------------------------------------


INF = URIRef(f"{IRIS.base}/influence/fraud.market-growth")


@pytest.mark.parametrize("prop,value", [
    (KGO.strength, Literal(5)),
    (KGO.strength, Literal(0)),
    (KGO.strength, Literal("strong")),
    (KGO.polarity, Literal("up")),
    (KGO.influencer, E("china")),          # a Region cannot influence
    (KGO.influenced, E("market-2022")),    # nor be influenced, nor a figure
], ids=lambda v: str(v).rsplit("/", 1)[-1])
def test_influence_values(g, prop, value):
    g.set((INF, prop, value))
    fires(g, INF, prop)


def test_influence_types_match_schema():
    assert "Region" not in INFLUENCE_TYPES and "MarketMetric" not in INFLUENCE_TYPES


def test_assertion_needs_subject(g):
    node = node_of(g, "Assertion")
    g.remove((node, RDF.subject, None))
    fires(g, node, RDF.subject)


def test_recommendation_needs_audience(g):
    rec = E("harden-security")
    g.remove((rec, KGO.intendedFor, None))
    fires(g, rec, KGO.intendedFor)


def test_unaddressed_is_boolean(g):
    g.set((E("chargeback-cost"), KGO.unaddressed, Literal("yes")))
    fires(g, E("chargeback-cost"), KGO.unaddressed)


# -- allowed targets of every relation ---------------------------------------------

# one fixture entity per type, to build relations that break the domain or range
BY_TYPE = {
    "Driver": "phone-adoption", "Challenge": "fraud", "Competitor": "paybox", "Technology": "tokenisation",
    "Recommendation": "harden-security", "Scenario": "tipping", "Trend": "mobile-first",
    "Outcome": "market-growth", "Region": "china", "Regulation": "data-law", "Stakeholder": "enterprises",
    "Organisation": "research-co", "InvestmentTheme": "security-tech", "MarketMetric": "market-2022",
}


def outside(allowed) -> str:
    return sorted(set(BY_TYPE) - set(allowed))[0]


@pytest.mark.parametrize("name", sorted(RELATIONS))
def test_relation_range(g, name):
    rel = RELATIONS[name]
    subject = E(BY_TYPE[sorted(rel.domain)[0]])
    g.add((subject, KGO[rel.prop], E(BY_TYPE[outside(rel.range)])))
    fires(g, subject, KGO[rel.prop])


@pytest.mark.parametrize("name", sorted(RELATIONS))
def test_relation_domain(g, name):
    rel = RELATIONS[name]
    subject = E(BY_TYPE[outside(rel.domain)])
    g.add((subject, KGO[rel.prop], E(BY_TYPE[sorted(rel.range)[0]])))
    fires(g, subject)


# -- the integrity shapes (kg validate --strict) and the generator ---------------------


def strict_results(graph: Graph) -> list:
    report = validate_graph(graph, strict=True)
    return report.violations


def test_strict_valid_graph_conforms(base):
    assert strict_results(base) == []


@pytest.mark.parametrize("breakage", [
    "drop direct relation triple", "drop assertion node", "drop direct influence triple",
    "wrong section level", "wrong normalised value", "two English labels, tags differ",
])
def test_integrity_shapes_fire(g, breakage):
    if breakage == "drop direct relation triple":
        g.remove((E("tokenisation"), KGO.addresses, E("fraud")))
        focus = "assertion/tokenisation.addresses.fraud"
    elif breakage == "drop assertion node":
        node = next(a for a in g.subjects(RDF.predicate, KGO.uses))
        g.remove((node, None, None))
        focus = "tiny/entity/paybox"
    elif breakage == "drop direct influence triple":
        g.remove((E("fraud"), KGO.influences, E("market-growth")))
        focus = "influence/fraud.market-growth"
    elif breakage == "two English labels, tags differ":
        # (two values, two tags: the core counts pass; "en" and "en-GB" are one language)
        node = E("fraud")
        g.remove((node, SKOS.prefLabel, Literal("詐騙", lang="zh")))
        g.add((node, SKOS.prefLabel, Literal("Fraud risk", lang="en-GB")))
        focus = "tiny/entity/fraud"
    elif breakage == "wrong section level":
        g.set((IRIS.section("1.1.1"), KGO.level, Literal(2)))
        focus = "section/1.1.1"
    else:
        g.set((FIG, KGO.normalizedValue, Literal(Decimal("2000"), datatype=XSD.decimal)))
        focus = "entity/market-2025"
    assert results(g) == [], "the core shapes do not look at builder invariants"
    violations = strict_results(g)
    assert any(focus in v for v in violations), violations


def test_generated_shapes_are_up_to_date():
    import subprocess
    import sys

    from .conftest import ROOT

    r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_shapes.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# -- kg's speed-ups of pySHACL give pySHACL's own report -------------------------------


def _all_results(report: Graph) -> set[tuple]:
    keys = (SH.focusNode, SH.resultPath, SH.sourceConstraintComponent, SH.resultSeverity, SH.value)
    return {tuple(report.value(r, k) for k in keys) for r in report.subjects(RDF.type, SH.ValidationResult)}


def test_the_speed_up_also_replaces_pyshacls_own_list_when_pyshacl_ran_first(g, monkeypatch):
    from pyshacl import shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    from kg.shacl import _ParameterList

    monkeypatch.setattr(shape, "CONSTRAINT_PARAMS", (ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP), raising=False)
    validate_graph(g)
    assert isinstance(shape.CONSTRAINT_PARAMS[0], _ParameterList)
    assert list(shape.CONSTRAINT_PARAMS[0]) == ALL_CONSTRAINT_PARAMETERS
    other = (list(ALL_CONSTRAINT_PARAMETERS), dict(CONSTRAINT_PARAMETERS_MAP))  # (someone else's: left alone)
    monkeypatch.setattr(shape, "CONSTRAINT_PARAMS", other)
    validate_graph(g)
    assert shape.CONSTRAINT_PARAMS is other


def test_speed_ups_give_plain_pyshacls_report(g, monkeypatch):
    """The shapes graph that walks each RDF list once and the set lookup of shape parameters
    (kg.shacl) find exactly what pySHACL finds with a plain rdflib Graph and its own list."""
    import pyshacl
    from pyshacl import shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    from kg.resources import shapes_path
    from kg.shacl import _ParameterList

    node = node_of(g, "Driver")
    g.add((node, SKOS.prefLabel, Literal("A second name", lang="en")))      # qualified max count
    g.remove((node, SKOS.definition, None))                                 # min count
    g.set((INF, KGO.polarity, Literal("up")))                               # sh:in
    g.set((INF, KGO.influencer, E("china")))                                # sh:in over rdf:type
    g.add((node_of(g, "Trend"), PROV.wasDerivedFrom, E("china")))           # sh:class
    g.set((FIG, KGO.year, Literal("2025")))                                 # datatype
    fast = validate_graph(g)
    assert isinstance(shape.CONSTRAINT_PARAMS[0], _ParameterList)
    assert not fast.conforms and len(fast.violations) >= 6

    monkeypatch.setattr(shape, "CONSTRAINT_PARAMS", (ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP))
    plain_shapes = Graph().parse(shapes_path(), format="turtle")
    conforms, plain, _ = pyshacl.validate(g, shacl_graph=plain_shapes, inference="none", allow_warnings=True)
    assert conforms is False
    assert _all_results(fast.graph) == _all_results(plain)


def test_shapes_graph_reads_a_changed_list_again():
    from rdflib import BNode
    from rdflib.collection import Collection

    from kg.shacl import _ShapesGraph

    sg = _ShapesGraph()
    head = BNode()
    Collection(sg, head, [Literal("a"), Literal("b")])
    assert list(sg.items(head)) == [Literal("a"), Literal("b")]
    Collection(sg, head).append(Literal("c"))
    assert list(sg.items(head)) == [Literal("a"), Literal("b"), Literal("c")]


def test_validate_reads_the_same_triples_before_the_dataset_is_built(data_dir):
    """Before ``.graph`` exists, validate() checks a plain graph built for it from the models:
    the same triples as the dataset's union, so the same report."""
    import kg
    from kg.rdf import build_union_graph

    fresh = kg.load(data_dir)
    early = fresh.validate()
    assert fresh._dataset is None
    union = build_union_graph(fresh.reports)
    assert set(union) == set(fresh.graph.triples((None, None, None)))
    late = fresh.validate()
    assert (early.conforms, early.violations, early.warnings) == (late.conforms, late.violations, late.warnings)


def test_shapes_read_by_oxigraph_are_what_rdflib_reads():
    """load_shapes parses with Oxigraph's Turtle parser: the same graph and prefixes as rdflib's."""
    from rdflib.compare import isomorphic

    from kg.resources import integrity_path, shapes_path
    from kg.shacl import load_shapes

    for strict in (False, True):
        plain = Graph().parse(shapes_path(), format="turtle")
        if strict:
            plain.parse(integrity_path(), format="turtle")
        ours = load_shapes.__wrapped__(strict)  # (a fresh parse: pySHACL adds to the kept one)
        assert len(ours) == len(plain) and isomorphic(ours, plain)
        assert dict(ours.namespaces()) == dict(plain.namespaces())
