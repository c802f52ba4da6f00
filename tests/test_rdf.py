"""Models → RDF → models loses nothing; the RDF follows docs/rdf-mapping.md."""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, Dataset, Literal
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.loader import load_data
from kg.rdf import KGO, ReportIRIs, build_dataset, reports_from_dataset

from .conftest import FIXTURE_DATA


def test_round_trip_loses_nothing():
    reports = load_data(FIXTURE_DATA)
    back = reports_from_dataset(build_dataset(reports))
    assert [r.normalized() for r in back] == [r.normalized() for r in reports]


def test_round_trip_through_trig_text():
    reports = load_data(FIXTURE_DATA)
    text = build_dataset(reports).serialize(format="trig")
    ds = Dataset()
    ds.parse(data=text, format="trig")
    assert [r.normalized() for r in reports_from_dataset(ds)] == [r.normalized() for r in reports]


def test_one_named_graph_per_report():
    ds = build_dataset(load_data(FIXTURE_DATA))
    iris = ReportIRIs("tiny")
    graph_ids = {g.identifier for g in ds.graphs() if len(g)}
    assert iris.graph in graph_ids
    assert (iris.report, RDF.type, KGO.Report) in ds.graph(iris.graph)


def test_mapping_details():
    ds = build_dataset(load_data(FIXTURE_DATA))
    iris = ReportIRIs("tiny")
    fraud = iris.entity("fraud")
    assert set(ds.objects(fraud, SKOS.prefLabel)) == {Literal("詐騙", lang="zh"), Literal("Fraud", lang="en")}
    assert set(ds.objects(fraud, PROV.wasDerivedFrom)) == {iris.section("1.1.1"), iris.section("2.1.1")}
    assert (iris.section("1.1.1"), DCTERMS.isPartOf, iris.section("1.1")) in ds
    assert (iris.section("1"), DCTERMS.isPartOf, iris.report) in ds
    fig = iris.entity("market-2025")
    assert ds.value(fig, KGO.normalizedValue).toPython() == Decimal("200000000000")
    assert ds.value(fig, KGO.statedGrowthRate).toPython() == Decimal("20")
    assert ds.value(fig, KGO.growthBaseline) == iris.entity("market-2022")
    # a relation is a direct triple plus an assertion node carrying its sections
    assert (iris.entity("tokenisation"), KGO.addresses, fraud) in ds
    [node] = [a for a in ds.subjects(RDF.subject, iris.entity("tokenisation")) if ds.value(a, RDF.object) == fraud]
    assert set(ds.objects(node, PROV.wasDerivedFrom)) == {iris.section("2.1.1")}
    # an influence is qualified: polarity, strength, sections
    [inf] = [i for i in ds.subjects(KGO.influencer, fraud) if ds.value(i, KGO.influenced) == iris.entity("market-growth")]
    assert str(ds.value(inf, KGO.polarity)) == "negative" and ds.value(inf, KGO.strength).toPython() == 2
