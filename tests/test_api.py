"""``import kg``: load, list entities by class, look one up by id or label."""

from __future__ import annotations

import pytest

import kg

from .conftest import FIXTURE_DATA


def test_load_fixture_and_graph(tiny_kg):
    assert [r.id for r in tiny_kg.reports] == ["tiny"]
    assert len(tiny_kg.graph) > 300
    assert len(tiny_kg.report_graph("tiny")) == len(tiny_kg.graph)


def test_entities_by_class(tiny_kg):
    assert [e.id for e in tiny_kg.entities("Challenge")] == ["chargeback-cost", "fraud"]
    assert {f.id for f in tiny_kg.entities("MarketMetric")} == {"market-2022", "market-2025", "paybox-share"}
    assert len(tiny_kg.entities()) == 19 == len(list(tiny_kg))
    with pytest.raises(kg.EntityNotFound, match="did you mean Challenge"):
        tiny_kg.entities("Challange")


@pytest.mark.parametrize("key", ["paybox", "PayBox", "paybox ", "支付盒"])
def test_get_by_id_or_label(tiny_kg, key):
    assert tiny_kg.get(key).id == "paybox"


def test_get_by_alt_label(tiny_kg):
    assert tiny_kg.get("Smartphone penetration").id == "phone-adoption"


def test_get_missing_suggests(tiny_kg):
    with pytest.raises(kg.EntityNotFound, match="closest: .*paybox"):
        tiny_kg.get("paybx")


def test_stats_from_graph(tiny_kg):
    s = tiny_kg.stats()
    assert s.classes["Driver"] == 1 and s.classes["MarketMetric"] == 3 and s.classes["Section"] == 7
    assert s.relations["addresses"] == 2 and s.influences == 9
    assert s.triples == len(tiny_kg.graph)


@pytest.mark.parametrize("data", [FIXTURE_DATA, None])
def test_copy_and_stats_without_the_rdflib_dataset(data):
    """Until the rdflib Dataset is made, the Oxigraph copy and the counts come straight
    from the reports; they are what the Dataset gives."""
    import pyoxigraph as ox

    from kg.store import _oxigraph_of, ox_quads

    g = kg.load(data)
    copy = _oxigraph_of(g.backend().graph)
    early = g.stats()
    assert not g.has_dataset, "neither the copy nor the counts made the Dataset"
    reference = ox.Store()
    reference.bulk_extend(ox_quads(g.graph))  # (the store writes a decimal its own way: both in one)
    assert set(copy) == set(reference) and len(copy) > 300
    assert early == g.stats() and early.triples == len(g.graph)
    assert _oxigraph_of(g.backend().graph) is not copy, "made again from the Dataset, which may change"


def test_from_dataset_round_trip(tiny_kg):
    again = kg.KnowledgeGraph.from_dataset(tiny_kg.graph)
    assert again.get("fraud") == tiny_kg.get("fraud")


def test_load_bundled_data_by_default():
    g = kg.load()
    assert g.reports and all(r.entities for r in g.reports)


def test_unknown_report(tiny_kg):
    with pytest.raises(kg.EntityNotFound, match="no report 'nope'"):
        tiny_kg.entities(report="nope")


def test_data_error_is_kg_error(tmp_path):
    with pytest.raises(kg.KgError):
        kg.load(tmp_path)


def test_public_functions_have_docstrings_with_examples():
    for name in ("load", "build"):
        doc = getattr(kg, name).__doc__
        assert doc and "Examples" in doc, name
    assert kg.load.__module__ == "kg.api" and isinstance(FIXTURE_DATA.name, str)


def test_importing_submodules_does_not_shadow_api():
    import kg.pipeline  # noqa: F401  (a submodule named like an API function would replace it)

    assert callable(kg.build) and kg.build.__module__ == "kg.pipeline"
    assert callable(kg.load)


@pytest.mark.parametrize("asked", [
    "g = kg.load(); assert g.query('drivers-by-influence').rows",
    # `kg query` (open_backend's store in memory)
    "import kg.cli; assert kg.cli.main(['query', 'drivers-by-influence', '--format', 'csv']) == 0",
])
def test_queries_do_not_import_rdflibs_sparql_engine(asked):
    """A query from Python or from `kg query` asks Oxigraph directly; oxrdflib (and rdflib's
    SPARQL parser with it, a fifth of a second) is not imported for it."""
    import subprocess
    import sys

    code = (f"import sys, kg; {asked}; "
            "print(sorted(m for m in ('oxrdflib', 'rdflib.plugins.sparql') if m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("copy", ["KnowledgeGraph.backend", "open_backend", "on disk"])
def test_store_graph_replaces_a_named_graph(copy, tmp_path):
    """kg.store.store_graph into a bare pyoxigraph Store (KnowledgeGraph.backend, and
    open_backend's in memory) and into an rdflib Dataset on Oxigraph (open_backend's on
    disk): the graph of that name is replaced."""
    from rdflib import Graph, Literal, URIRef

    from kg.schema import ANALYSIS_GRAPH
    from kg.store import open_backend, store_graph

    backend = (kg.load(FIXTURE_DATA).backend() if copy == "KnowledgeGraph.backend" else
               open_backend(data=FIXTURE_DATA) if copy == "open_backend" else
               open_backend(store=f"oxigraph:{tmp_path / 'store'}", data=FIXTURE_DATA))
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ANALYSIS_GRAPH}> {{ ?s ?p ?o }} }}"
    for size in (3, 2):
        graph = Graph(identifier=URIRef(ANALYSIS_GRAPH))
        for i in range(size):
            graph.add((URIRef(f"https://example.org/s{i}"), URIRef("https://example.org/p"), Literal(i)))
        store_graph(backend, graph)
        assert [int(n) for n, in backend.query(count).values("n")] == [size]
    assert ANALYSIS_GRAPH in backend.report_graphs()
