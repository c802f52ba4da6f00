"""The ontology opens cleanly in standard tools and agrees with kg/schema.py."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS

from kg.rdf import KGO
from kg.resources import ontology_path, shapes_path
from kg.schema import ENTITY_TYPES, FIELD_RELATIONS, ONTOLOGY_NS, RELATIONS


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


def test_parses_with_oxigraph():
    pyoxigraph = pytest.importorskip("pyoxigraph")
    for path in (ontology_path(), shapes_path()):
        with open(path, "rb") as fh:
            triples = list(pyoxigraph.parse(fh, format=pyoxigraph.RdfFormat.TURTLE))
        assert len(triples) > 100, path


def defined_terms(onto: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Ontology)
    return {s for k in kinds for s in onto.subjects(RDF.type, k)
            if isinstance(s, URIRef) and str(s).startswith(ONTOLOGY_NS.rstrip("#"))}


def test_every_term_has_bilingual_labels_and_a_definition(onto):
    terms = defined_terms(onto)
    assert len(terms) > 40
    missing = []
    for term in sorted(terms):
        for prop in (RDFS.label, SKOS.prefLabel, SKOS.definition):
            langs = {o.language for o in onto.objects(term, prop) if isinstance(o, Literal)}
            if not {"en", "zh"} <= langs:
                missing.append(f"{term} {prop} has {sorted(l or '-' for l in langs)}")
    assert not missing, "\n".join(missing)


def test_every_term_the_builder_writes_is_declared(onto, tiny_kg):
    used = {p for p in tiny_kg.graph.predicates() if str(p).startswith(ONTOLOGY_NS)}
    used |= {o for o in tiny_kg.graph.objects(None, RDF.type) if str(o).startswith(ONTOLOGY_NS)}
    assert used - defined_terms(onto) == set()


def test_entity_classes_declared(onto):
    for name in ("Report", "Section", "Influence", "Assertion", *ENTITY_TYPES):
        assert (KGO[name], RDF.type, OWL.Class) in onto, name


def members(onto: Graph, node) -> set[str]:
    """Local names of a class or of an owl:unionOf class."""
    union = onto.value(node, OWL.unionOf)
    nodes = list(Collection(onto, union)) if union is not None else [node]
    return {str(n)[len(ONTOLOGY_NS):] for n in nodes}


@pytest.mark.parametrize("rel", [*RELATIONS.values(), *FIELD_RELATIONS], ids=lambda r: r.prop)
def test_domain_and_range_match_schema(onto, rel):
    prop = KGO[rel.prop]
    assert (prop, RDF.type, OWL.ObjectProperty) in onto
    assert members(onto, onto.value(prop, RDFS.domain)) == set(rel.domain)
    assert members(onto, onto.value(prop, RDFS.range)) == set(rel.range)
    if rel.symmetric:
        assert (prop, RDF.type, OWL.SymmetricProperty) in onto


def test_reuses_standard_vocabularies(onto):
    text = ontology_path().read_text(encoding="utf-8")
    for ns in ("http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/",
               "http://www.w3.org/ns/org#", "https://schema.org/"):
        assert ns in text, ns
    assert (KGO.Influence, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Influence")) in onto
