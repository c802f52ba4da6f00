"""Every named query gives the same answer on every store: rdflib in memory, embedded
Oxigraph (oxrdflib), a real `oxigraph serve` filled by `kg push`, and `kg serve` read by an
independent client (SPARQLWrapper)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

import kg
from kg.sparql import named_queries, parse_term, prepare
from kg.store import GraphBackend, RemoteBackend, open_backend, run_query

from .conftest import FIXTURE_DATA, run_kg

pytest.importorskip("oxrdflib")

# sample values for the parameters named queries require
SAMPLES = {"entity": "paybox", "section": "1.1.1", "type": "kgo:Challenge", "audience": "enterprises",
           "challenge": "fraud", "source": "phone-adoption", "target": "market-growth"}
QUERIES = sorted(named_queries())


def params_for(name: str) -> dict[str, str]:
    out = {}
    for p in named_queries()[name].params:
        if p.required:
            assert p.name in SAMPLES, f"add a sample value for parameter '{p.name}' of {name}"
            out[p.name] = SAMPLES[p.name]
    return out


def normalise(result):
    """Comparable form of a result: rows of plain values, numbers compared by value."""
    if result.form == "ASK":
        return result.boolean
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return sorted(" ".join(t.n3() for t in triple) for triple in result.graph)
    rows = []
    for row in result.dicts():
        rows.append({k: (float(v) if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else v)
                     for k, v in row.items()})
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def memory():
    return open_backend(data=FIXTURE_DATA, store="memory")  # rdflib's engine


@pytest.fixture(scope="module")
def embedded():
    return open_backend(store="oxigraph", data=FIXTURE_DATA)


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.fail("the oxigraph server binary is missing: pip install the test extras (package 'oxigraph')")
    return found


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(f"http://127.0.0.1:{port}/query")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def remote(oxigraph_server):
    r = run_kg("push", "--data", str(FIXTURE_DATA), "--endpoint", f"{oxigraph_server}/query")
    assert r.returncode == 0, r.stderr
    assert "pushed 1 graph(s)" in r.stdout
    return RemoteBackend(f"{oxigraph_server}/query")


@pytest.fixture(scope="module")
def kg_server():
    from kg.server import serve

    server = serve(GraphBackend(kg.load(FIXTURE_DATA).graph), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_there_are_named_queries():
    assert len(QUERIES) >= 15


@pytest.mark.parametrize("name", QUERIES)
def test_same_rows_in_memory_and_embedded_oxigraph(memory, embedded, name):
    params = params_for(name)
    assert normalise(run_query(name, params, backend=memory)) == normalise(run_query(name, params, backend=embedded))


GRAPH_QUERIES = [n for n in QUERIES if named_queries()[n].form in ("CONSTRUCT", "DESCRIBE")] + [
    "CONSTRUCT { ?d ?p ?o } WHERE { ?d a kgo:Driver ; ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s a kgo:NoSuchClass ; ?p ?o }",
]


@pytest.mark.parametrize("query", GRAPH_QUERIES)
def test_a_graph_from_oxigraph_is_written_by_oxigraph_with_the_same_triples(memory, embedded, query):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from kg.results import render

    params = params_for(query) if query in named_queries() else {}
    ours, theirs = run_query(query, params, backend=embedded), run_query(query, params, backend=memory)
    assert ours.engine_triples is not None and theirs.engine_triples is None
    assert len(ours) == len(theirs)  # counted without making the rdflib graph …
    assert ours._graph is None
    # … whose N-Triples are the very lines rdflib writes, and whose Turtle is the same graph,
    # with the prefixes it uses declared, and the same text on every run
    assert render(ours, "nt") == render(theirs, "nt")
    turtle = render(ours, "turtle")
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), theirs.graph)
    assert turtle == render(run_query(query, params, backend=embedded), "turtle")
    assert ours._graph is None  # (both written from Oxigraph's triples)
    if len(ours):
        assert "@prefix kgo: <https://w3id.org/strategy-kg/ontology#> ." in turtle
        assert "@prefix org:" not in turtle  # (not used by these answers)
    assert isomorphic(Graph().parse(data=render(ours, "jsonld"), format="json-ld"), theirs.graph)  # (rdflib's)
    assert len(ours.graph) == len(theirs.graph) and ours.engine_triples is not None


def test_a_description_from_oxigraph_is_written_by_oxigraph(embedded):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from kg.results import render

    # (what DESCRIBE gives is up to the engine: Oxigraph's own answer, written both ways)
    ours = run_query("DESCRIBE ?c WHERE { ?c a kgo:Challenge }", backend=embedded)
    assert len(ours) > 10 and ours.engine_triples is not None
    assert isomorphic(Graph().parse(data=render(ours, "turtle"), format="turtle"), ours.graph)
    nt = render(ours, "ntriples")
    assert nt.splitlines() == sorted(nt.splitlines()) and len(nt.splitlines()) == len(ours)


def canonical(rows: list[tuple]) -> list[tuple]:
    """Rows in one order, each GROUP_CONCAT's parts too (an engine concatenates in its own)."""
    return sorted((tuple(" ".join(sorted(v.split(" "))) if v else v for v in row) for row in rows), key=repr)


def test_answers_as_strings_are_the_same_on_every_engine(memory, embedded, remote):
    # Oxigraph's answer written whole by the engine (embedded), a term at a time (rdflib, a
    # server): the same strings, the same unbound values
    from kg.analysis.audit import _CITATIONS
    from kg.analysis.graphs import _NODES, select_values

    notes = "SELECT ?i ?n WHERE { ?i a kgo:Influence OPTIONAL { ?i rdfs:comment ?n } }"  # (most unbound)
    for text in (_NODES, _CITATIONS, notes):
        expected = canonical(memory.query(text).values())
        assert len(expected) > 2
        for backend in (embedded, memory, remote):
            assert canonical(select_values(backend, text)) == expected, (backend.name, text)
    assert any(None in row for row in memory.query(notes).values())


@pytest.mark.parametrize("name", QUERIES)
def test_same_rows_on_an_oxigraph_server(memory, remote, name):
    params = params_for(name)
    assert normalise(run_query(name, params, backend=memory)) == normalise(run_query(name, params, backend=remote))


@pytest.mark.parametrize("name", QUERIES)
def test_sparqlwrapper_against_kg_serve(memory, kg_server, name):
    from SPARQLWrapper import JSON, N3, SPARQLWrapper

    query = named_queries()[name]
    bindings = {k: parse_term(v, k) for k, v in params_for(name).items()}
    bindings.update({p.name: parse_term(p.default, p.name) for p in query.params if not p.required})
    text, _ = prepare(query.text, bindings)
    client = SPARQLWrapper(f"{kg_server.url}/sparql")
    client.setQuery(text)
    expected = normalise(run_query(name, params_for(name), backend=memory))
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        client.setReturnFormat(N3)
        from rdflib import Graph

        g = Graph().parse(data=client.query().convert(), format="turtle")
        assert sorted(" ".join(t.n3() for t in triple) for triple in g) == expected
        return
    client.setReturnFormat(JSON)
    doc = client.query().convert()
    from kg.store import _from_json

    assert normalise(_from_json(doc)) == expected


def test_push_then_query_a_persistent_oxigraph_store(tmp_path):
    store = f"oxigraph:{tmp_path / 'store'}"
    r = run_kg("push", "--data", str(FIXTURE_DATA), "--store", store)
    assert r.returncode == 0, r.stderr
    q = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a kgo:Challenge }"
    r = run_kg("query", "-", "--store", store, "--format", "csv", input_text=q)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["n", "2"]


def test_query_the_remote_server_from_the_cli(remote, oxigraph_server):
    r = run_kg("query", "-", "--endpoint", f"{oxigraph_server}/query", "--format", "csv",
               input_text="SELECT ?l WHERE { ?d a kgo:Driver ; skos:prefLabel ?l FILTER(lang(?l) = 'zh') }")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["l", "手機普及"]


def test_unreachable_endpoint_is_a_clear_error():
    r = run_kg("query", "-", "--endpoint", f"http://127.0.0.1:{free_port()}/query", input_text="ASK { ?s ?p ?o }")
    assert r.returncode == 1 and "cannot connect" in r.stderr and "Traceback" not in r.stderr


# --------------------------------------------------------------------------- the default store


def test_oxigraph_is_the_default_store():
    from kg.store import default_store

    assert default_store() == "oxigraph"
    assert open_backend(data=FIXTURE_DATA).name == "oxigraph"
    assert kg.load(FIXTURE_DATA).backend().name == "oxigraph"
    assert kg.load(FIXTURE_DATA).backend("memory").name == "memory"


def test_a_knowledge_graph_answers_from_a_copy_that_follows_its_changes():
    from rdflib import RDF, RDFS, Literal, URIRef

    g = kg.load(FIXTURE_DATA)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a kgo:Driver }"
    before = g.query(count).dicts()[0]["n"]
    assert g.backend() is g.backend()  # made once
    graph = next(iter(g.graph.graphs()))
    for i in range(3):
        graph.add((URIRef(f"https://example.org/d{i}"), RDF.type, URIRef(kg.schema.ONTOLOGY_NS + "Driver")))
    assert g.query(count).dicts()[0]["n"] == before + 3
    graph.add((URIRef("https://example.org/d0"), RDFS.label, Literal("x")))
    assert g.query("ASK { ?s rdfs:label \"x\" }").boolean
    g.add_analysis()
    assert g.query("ASK { GRAPH <%s> { ?s ?p ?o } }" % kg.schema.ANALYSIS_GRAPH).boolean


def test_parameters_are_bound_inside_inner_queries_that_use_them():
    text = ('SELECT ?a WHERE { ?a <urn:p> ?entity . '
            '{ SELECT ?a (COUNT(*) AS ?n) WHERE { ?a <urn:q> ?entity ; <urn:r> "SELECT { ?lang" } GROUP BY ?a } '
            'OPTIONAL { SELECT ?z WHERE { ?z ?y ?w } } }')
    out, _ = prepare(text, {"entity": parse_term("alipay", "entity"), "lang": parse_term('"en"', "lang")})
    body = out[out.index("SELECT ?a"):]
    assert body.count("VALUES") == 2
    assert 'SELECT ?a WHERE { VALUES (?entity) { ("alipay") }  ?a <urn:p>' in body  # each group: what it uses
    assert 'GROUP BY' in body and 'WHERE { VALUES (?entity) { ("alipay") }  ?a <urn:q>' in body
    assert "SELECT ?z WHERE { ?z" in body                                          # untouched
    assert '"SELECT { ?lang"' in body                                              # strings are not code
    # a parameter only an inner query uses is not joined with that query from outside (it
    # would cost rdflib the inner query's order); one the outer projection names is bound there
    out, _ = prepare('SELECT ?n ?entity WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?a <urn:q> ?entity } } }',
                     {"entity": parse_term("alipay", "entity")})
    assert out.count("VALUES") == 2
    out, _ = prepare('SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?a <urn:q> ?entity } } }',
                     {"entity": parse_term("alipay", "entity")})
    assert out.count("VALUES") == 1 and out.index("VALUES") > out.index("COUNT")


def test_parameters_are_written_in_as_constants_where_oxigraph_plans_by_them():
    text = ('SELECT ?a ?entity (COUNT(?b) AS ?n) WHERE { ?a <urn:p> ?entity ; <urn:q> "?entity" . '
            'FILTER(lang(?l) = ?lang) { SELECT ?a (SAMPLE(?entity) AS ?s) WHERE { ?a <urn:r> ?entity } GROUP BY ?a ?entity } '
            'BIND(?lang AS ?copy) } GROUP BY ?a ?entity ORDER BY ?entity')
    bindings = {"entity": parse_term("alipay", "entity"), "lang": parse_term('"en"', "lang")}
    out, _ = prepare(text, bindings, inline=True)
    body = out[out.index("SELECT ?a"):]
    assert body.startswith("SELECT ?a ?entity (COUNT(?b) AS ?n) WHERE { VALUES (?entity ?lang)")  # projection kept
    assert '?a <urn:p> "alipay" ; <urn:q> "?entity"' in body           # patterns; strings untouched
    assert 'FILTER(lang(?l) = "en")' in body and 'BIND("en" AS ?copy)' in body
    assert '(SAMPLE(?entity) AS ?s)' in body and '?a <urn:r> "alipay" } GROUP BY ?a ?entity }' in body
    assert body.endswith("GROUP BY ?a ?entity ORDER BY ?entity")          # modifiers kept
    # a variable the query assigns itself stays a variable
    out, _ = prepare('SELECT * WHERE { ?a <urn:p> ?x . BIND(1 AS ?entity) }', bindings, inline=True)
    assert "BIND(1 AS ?entity)" in out and '?a <urn:p> ?x' in out
    # the same answers on Oxigraph (inlined) and rdflib (VALUES alone); where a constant
    # cannot stand (a literal as predicate) Oxigraph runs the text without inlining
    import kg
    for store in ("oxigraph", "memory"):
        backend = kg.store.open_backend(store=store)
        rows = backend.query("SELECT ?e WHERE { ?e dcterms:identifier ?entity }", bindings).rows
        assert len(rows) == 1 and str(rows[0]["e"]).endswith("/alipay")
        assert backend.query("SELECT ?s WHERE { ?s ?entity ?o }", bindings).rows == []
        rows = backend.query("SELECT ?s ?entity WHERE { ?s ?p ?entity }", bindings).rows
        assert [str(r["entity"]) for r in rows] == ["alipay"]  # still projected


@pytest.mark.parametrize("name", [n for n in QUERIES if any(p.required for p in named_queries()[n].params)])
def test_inner_queries_of_per_item_queries_name_the_item(name):
    """A query about one entity or section must not work through the whole graph in an inner
    query (stores evaluate those on their own): each inner query names a required parameter,
    so kg binds it there too and the cost stays with the item, not the corpus."""
    from kg.sparql import _subselect_groups

    q = named_queries()[name]
    required = {p.name for p in q.params if p.required}
    text, _ = prepare(q.text)
    for start, end in _subselect_groups(text):
        inner = text[start:end]
        assert any(f"?{p}" in inner for p in required), f"{name}: an inner query does not name {required}: {inner[:120]}"


# --------------------------------------------------------------------------- building into Oxigraph


@pytest.fixture(scope="module")
def four_reports(tmp_path_factory):
    from bench.synth import generate_corpus

    out = tmp_path_factory.mktemp("corpus")
    generate_corpus(out, 4, seed=3)
    return out


def _quads(store) -> set:
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


@pytest.fixture
def own_temp(tmp_path, monkeypatch):
    """The system's temporary folder for this test alone (to see what is left in it)."""
    import tempfile

    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_reports_stream_into_oxigraph_as_the_whole_dataset_would(four_reports, workers, own_temp):
    """Report by report (and in worker processes, their N-Quads streamed into one bulk load)
    gives the very quads of the rdflib dataset, and leaves no pipe behind."""
    from kg.store import _oxigraph_dataset, fill_from_data, load_into

    streamed = _oxigraph_dataset(None)
    ids = fill_from_data(streamed, four_reports, workers=workers)
    whole = _oxigraph_dataset(None)
    load_into(whole, kg.load(four_reports))
    assert ids == sorted(ids) and len(ids) == 4
    assert _quads(streamed.store._inner) == _quads(whole.store._inner)
    assert list(own_temp.iterdir()) == []


def test_reports_stream_into_a_store_on_disk(four_reports, tmp_path):
    from kg.store import _oxigraph_dataset, fill_from_data, load_into

    on_disk = _oxigraph_dataset(str(tmp_path / "db"))
    try:
        fill_from_data(on_disk, four_reports, workers=2)
        whole = _oxigraph_dataset(None)
        load_into(whole, kg.load(four_reports))
        assert _quads(on_disk.store._inner) == _quads(whole.store._inner)
    finally:
        on_disk.close()


def test_a_failed_bulk_load_is_raised_not_waited_for(own_temp):
    """The loader's error reaches the writer (its pipe closed under it, or at the end), and a
    loader that fails before it opens the pipe leaves nothing waiting; no pipe is left."""
    import pyoxigraph as ox

    from kg.store import _LoadStream

    line = b'<http://example.org/s> <http://example.org/p> "o" <http://example.org/g> .\n'
    with pytest.raises(SyntaxError):
        with _LoadStream(ox.Store()) as load:
            load.write(b"<not an iri> <http://example.org/p> <http://example.org/o> .\n")
            for _ in range(64):
                load.write(line * 4096)
    good = ox.Store()
    with _LoadStream(good) as load:
        load.write(line)
    assert len(good) == 1

    class Closed:
        def bulk_load(self, **kwargs):
            raise OSError("the store is closed")

    with pytest.raises(OSError, match="closed"):
        with _LoadStream(Closed()):
            pass
    assert list(own_temp.iterdir()) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_report_fails_the_stream_with_every_problem(four_reports, tmp_path, workers, own_temp):
    import shutil

    from kg.errors import DataError
    from kg.store import _oxigraph_dataset, fill_from_data

    data = tmp_path / "data"
    shutil.copytree(four_reports, data)
    for name in sorted(p.name for p in data.iterdir())[1:3]:  # two of the four reports
        (data / name / "report.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        fill_from_data(_oxigraph_dataset(None), data, workers=workers)
    assert len({p.file for p in info.value.problems}) == 2
    assert list(own_temp.iterdir()) == []


def test_a_persistent_store_is_built_whole_or_not_at_all(four_reports, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(four_reports, data)
    last = sorted(p.name for p in data.iterdir())[-1]
    (data / last / "report.yaml").write_text("id: [\n", encoding="utf-8")
    store = tmp_path / "stores" / "kg-db"
    r = run_kg("query", "class-counts", "--data", str(data), "--store", f"oxigraph:{store}")
    assert r.returncode == 1 and "report.yaml" in r.stderr and "Traceback" not in r.stderr
    assert not store.exists() and list((tmp_path / "stores").iterdir()) == []  # nothing half-built
    shutil.rmtree(data / last)
    r = run_kg("query", "class-counts", "--data", str(data), "--store", f"oxigraph:{store}", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert len({line.split(",")[0] for line in r.stdout.splitlines()[1:]}) == 3  # three reports


def test_a_folder_that_is_not_an_oxigraph_store_is_left_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    r = run_kg("query", "class-counts", "--data", str(FIXTURE_DATA), "--store", f"oxigraph:{tmp_path}")
    assert r.returncode == 2 and "not an Oxigraph store" in r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


_VALUES_QUERY = """
SELECT ?e ?id ?label ?count ?missing WHERE {
  ?e dcterms:identifier ?id ; skos:prefLabel ?label .
  FILTER(lang(?label) = "zh")
  OPTIONAL { ?e kgo:noSuchProperty ?missing }
  BIND(STRLEN(?id) AS ?count)
} ORDER BY ?e"""


def test_values_are_the_rows_as_plain_strings_on_every_engine(memory, embedded, remote):
    expected = None
    for backend in (memory, embedded, remote):
        result = backend.query(_VALUES_QUERY)
        got = result.values("id", "label", "count", "missing", "e")
        assert got is result.values("id", "label", "count", "missing", "e")  # kept
        assert all(isinstance(v, str) for row in got for v in (row[0], row[1], row[2], row[4]))
        assert {row[3] for row in got} == {None}
        # the same strings as the rdflib rows give, in the same order
        assert got == [(str(r["id"]), str(r["label"]), str(r["count"]), None, str(r["e"])) for r in result.rows]
        assert result.values() == [tuple(None if r.get(v) is None else str(r[v]) for v in result.vars) for r in result.rows]
        expected = expected or got
        assert got == expected and len(got) > 1
    with pytest.raises(KeyError, match="no variable nope"):
        embedded.query(_VALUES_QUERY).values("id", "nope")
    assert embedded.query("SELECT * WHERE {}").values() == [()]  # a row with no variables
    for backend in (memory, embedded):  # (rdflib gives that query no row at all) and no rows
        assert backend.query("SELECT ?x WHERE { FILTER(false) }").values() == []


def test_oxigraph_rows_are_made_when_first_read():
    backend = open_backend(store="oxigraph", data=FIXTURE_DATA)
    result = backend.query(_VALUES_QUERY)
    assert result._rows is None and len(result) > 1  # (counted without making them)
    ids = result.values("id")
    assert result._rows is None
    assert [str(r["id"]) for r in result.rows] == [i for (i,) in ids]
    assert result._fields is None  # the engine's answer is let go once the rows exist
    assert result.values("id") == ids


def test_oxigraph_answer_read_as_tsv_gives_the_engines_terms():
    """A SELECT on Oxigraph is read from the engine's SPARQL TSV: every kind of term comes
    out as the rdflib term made from Oxigraph's own term object, and values() as its text."""
    import pyoxigraph as ox

    from kg.store import _from_oxigraph, rdflib_terms

    xsd = "http://www.w3.org/2001/XMLSchema#"
    objects = [ox.Literal(v) for v in ['a "quoted" \\ back', "line\nbreak\r\n\ttab", "", "中文 ✓ \u2028 \x7f", 'x\\"y', "1"]]
    objects += [ox.Literal("x", language="en"), ox.Literal("文", language="zh-Hant"), ox.BlankNode("b1"),
                ox.NamedNode("https://e/o?q=1#f")]
    objects += [ox.Literal(v, datatype=ox.NamedNode(xsd + t)) for v, t in [
        ("1.50", "decimal"), ("-.5", "decimal"), ("3", "integer"), ("-07", "integer"), ("+4", "integer"),
        ("true", "boolean"), ("0", "boolean"), ("1.0E6", "double"), ("-2e-3", "double"), ("INF", "double"),
        ("NaN", "float"), ("1.5", "float"), ("2025", "gYear"), ("s", "string"), ("x y", "anyURI"), ("12", "int")]]
    store = ox.Store()
    s, p = ox.NamedNode("https://e/s"), ox.NamedNode("https://e/p")
    store.extend([ox.Quad(s, p, o, ox.NamedNode("https://e/g")) for o in objects])
    query = "SELECT ?o ?nothing WHERE { ?s ?p ?o OPTIONAL { ?o ?p ?nothing } } ORDER BY STR(?o)"
    result = _from_oxigraph(store.query(query, use_default_graph_as_union=True))
    term = rdflib_terms()
    engine = [term(sol["o"]) for sol in store.query(query, use_default_graph_as_union=True)]
    assert result.values("o") == [(t.value,) for sol in store.query(query, use_default_graph_as_union=True)
                                  for t in [sol["o"]]]
    rows = result.rows
    assert len(rows) == len(objects) and all(set(r) == {"o"} for r in rows)
    for got, want in zip([r["o"] for r in rows], engine):
        assert (type(got), got, getattr(got, "datatype", None), getattr(got, "language", None)) == \
            (type(want), want, getattr(want, "datatype", None), getattr(want, "language", None))


def test_nquads_written_directly_are_what_oxigraph_serialises():
    """The build workers write a report's N-Quads themselves: the same quads as ox_quads
    gives, for awkward text too (quotes, backslashes, line breaks, empty, non-ASCII)."""
    from decimal import Decimal

    import pyoxigraph as ox
    from rdflib import XSD, BNode, Literal, URIRef

    from kg.rdf import TripleList, add_report
    from kg.store import _nquads, ox_quads

    graph = URIRef("https://w3id.org/strategy-kg/report/x/graph")
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    objects = [Literal(v) for v in ['a "quoted" \\ back', "line\nbreak\r\n\ttab", "", "中文 ✓ \u2028 \x7f", 'x\\"y']]
    objects += [Literal("x", lang="en"), Literal("文", lang="zh"), Literal(Decimal("1.50")), Literal(3), Literal(True),
                Literal("2025", datatype=XSD.gYear), Literal("s", datatype=XSD.string), BNode("b1"), URIRef("https://e/o")]
    odd = [(s, p, o) for o in objects]
    tiny = TripleList()
    add_report(tiny, kg.load(FIXTURE_DATA).reports[0])
    for triples in (odd, tiny):
        written = set(ox.parse(_nquads(triples, graph), format=ox.RdfFormat.N_QUADS))
        assert written == set(ox_quads(set(triples), graph))
    assert len(set(ox.parse(_nquads(odd, graph), format=ox.RdfFormat.N_QUADS))) == len(objects)


def test_values_share_one_string_per_term_and_the_memo_keeps_only_them(embedded):
    from kg.analysis.graphs import Memo, select_values

    text = "SELECT ?e ?cls WHERE { ?e a ?cls } ORDER BY ?cls ?e"
    got = embedded.query(text).values("cls")
    firsts = {}
    for (cls,) in got:
        assert firsts.setdefault(cls, cls) is cls  # the same str object for the same class
    memo = Memo(embedded)
    kept = select_values(memo, text, "cls")
    assert kept == got and select_values(memo, text, "cls") is kept
    assert text not in memo._answers  # (the RDF terms were not kept, only the strings)
    asked = Memo(embedded)
    result = asked.query(text)
    assert select_values(asked, text, "cls") is result.values("cls")


def test_reopening_a_store_on_disk_does_not_read_every_quad(tmp_path, monkeypatch):
    from rdflib import Dataset

    store = f"oxigraph:{tmp_path / 'store'}"
    built = open_backend(store=store, data=FIXTURE_DATA)
    count = len(built.graph.store._inner)
    built.graph.close()

    def read_all(self):
        raise AssertionError("len() of the rdflib view reads every quad")

    monkeypatch.setattr(Dataset, "__len__", read_all)
    again = open_backend(store=store, data=FIXTURE_DATA)
    assert again.name == store and len(again.graph.store._inner) == count > 0
    assert run_query("class-counts", backend=again).rows
