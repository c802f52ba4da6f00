"""`kg serve`: each SPARQL 1.1 Protocol case, each error status, the limits, the pages."""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
import urllib.error
import urllib.parse
import urllib.request

import pytest

import kg
from kg.server import negotiate, serve
from kg.store import GraphBackend

from .conftest import FIXTURE_DATA

TINY_GRAPH = "https://w3id.org/strategy-kg/report/tiny/graph"
DRIVERS = "SELECT ?l WHERE { ?d a kgo:Driver ; skos:prefLabel ?l } ORDER BY ?l"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def start(**options):
    backend = GraphBackend(kg.load(FIXTURE_DATA).graph)
    server = serve(backend, "127.0.0.1", 0, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@contextmanager
def running(**options):
    s = start(**options)
    try:
        yield s
    finally:
        s.shutdown()
        s.server_close()


@pytest.fixture(scope="module")
def server():
    with running() as s:
        yield s


def request(server, path, *, method="GET", data=None, headers=None, params=None):
    url = server.url + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


def labels(body: str) -> list[str]:
    return [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]]


# -- the three ways to send a query ------------------------------------------------


def test_get(server):
    status, headers, body = request(server, "/sparql", params={"query": DRIVERS})
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
    assert labels(body) == ["Phone adoption", "手機普及"]


def test_post_form(server):
    data = urllib.parse.urlencode({"query": DRIVERS}).encode()
    status, _, body = request(server, "/sparql", method="POST", data=data,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and labels(body) == ["Phone adoption", "手機普及"]


def test_post_direct(server):
    status, _, body = request(server, "/sparql", method="POST", data=DRIVERS.encode(),
                              headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert status == 200 and labels(body) == ["Phone adoption", "手機普及"]


# -- the RDF dataset of a request --------------------------------------------------


def test_default_graph_uri(server):
    status, _, body = request(server, "/sparql", params={"query": DRIVERS, "default-graph-uri": TINY_GRAPH})
    assert status == 200 and len(labels(body)) == 2
    status, _, body = request(server, "/sparql", params={"query": DRIVERS, "default-graph-uri": "http://example.org/none"})
    assert status == 200 and labels(body) == []


def test_named_graph_uri(server):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = request(server, "/sparql", params={"query": q, "named-graph-uri": TINY_GRAPH})
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [TINY_GRAPH]
    status, _, body = request(server, "/sparql", params={"query": q, "named-graph-uri": "http://example.org/none",
                                                         "default-graph-uri": TINY_GRAPH})
    assert json.loads(body)["results"]["bindings"] == []


# -- content negotiation -----------------------------------------------------------


@pytest.mark.parametrize("accept,ctype,check", [
    ("application/sparql-results+json", "application/sparql-results+json", '"bindings"'),
    ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql xmlns"),
    ("text/csv", "text/csv; charset=utf-8", "l\r\nPhone adoption\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", '?l\n"Phone adoption"@en'),
    ("*/*", "application/sparql-results+json", '"bindings"'),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", "<literal"),
])
def test_select_negotiation(server, accept, ctype, check):
    status, headers, body = request(server, "/sparql", params={"query": DRIVERS}, headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"] == ctype and check in body


@pytest.mark.parametrize("accept,ctype,check", [
    ("text/turtle", "text/turtle; charset=utf-8", "@prefix"),
    ("application/ld+json", "application/ld+json", '"@id"'),
    ("application/n-triples", "application/n-triples", "> ."),
])
def test_graph_negotiation(server, accept, ctype, check):
    q = "CONSTRUCT { ?d ?p ?o } WHERE { ?d a kgo:Driver ; ?p ?o }"
    status, headers, body = request(server, "/sparql", params={"query": q}, headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"] == ctype and check in body


def test_ask(server):
    status, _, body = request(server, "/sparql", params={"query": "ASK { ?d a kgo:Driver }"})
    assert status == 200 and json.loads(body)["boolean"] is True


def test_negotiate_unit():
    offers = {"application/sparql-results+json": "json", "text/csv": "csv"}
    assert negotiate(None, offers) == "json"
    assert negotiate("text/*", offers) == "csv"
    assert negotiate("text/csv;q=0, */*;q=0.1", offers) == "json"
    assert negotiate("image/png", offers) is None


# -- errors ------------------------------------------------------------------------


def test_malformed_query_is_400_with_position(server):
    status, _, body = request(server, "/sparql", params={"query": "SELECT ?x WHERE {\n  ?x a kgo:Driver\n  FILTR }"})
    assert status == 400 and "query:3:" in body and "FILTR" in body


def test_missing_query_is_400(server):
    assert request(server, "/sparql")[0] == 400


def test_update_as_query_is_400(server):
    status, _, body = request(server, "/sparql", params={"query": "DELETE WHERE { ?s ?p ?o }"})
    assert status == 400 and "update" in body


def test_unacceptable_is_406(server):
    status, _, body = request(server, "/sparql", params={"query": DRIVERS}, headers={"Accept": "image/png"})
    assert status == 406


def test_unsupported_media_type_is_415(server):
    status, _, _ = request(server, "/sparql", method="POST", data=b"x", headers={"Content-Type": "text/plain"})
    assert status == 415


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(server, method):
    status, headers, _ = request(server, "/sparql", method=method, data=b"" if method != "DELETE" else None)
    assert status == 405 and "GET" in headers["Allow"]


def test_updates_refused_by_default(server):
    data = urllib.parse.urlencode({"update": "DELETE WHERE { ?s ?p ?o }"}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert request(server, "/update", method="POST", data=data, headers=form)[0] == 403
    assert request(server, "/sparql", method="POST", data=data, headers=form)[0] == 403
    assert request(server, "/sparql", method="POST", data=b"DELETE WHERE { ?s ?p ?o }",
                   headers={"Content-Type": "application/sparql-update"})[0] == 403
    assert labels(request(server, "/sparql", params={"query": DRIVERS})[2]) == ["Phone adoption", "手機普及"]


def test_unknown_path_is_404(server):
    assert request(server, "/nothing")[0] == 404


# -- limits ------------------------------------------------------------------------


def test_time_limit_stops_a_runaway_query_and_server_survives():
    with running(timeout=1.0) as s:
        status, _, body = request(s, "/sparql", params={"query": SLOW})
        assert status == 503 and "limit of 1 s" in body
        assert request(s, "/sparql", params={"query": DRIVERS})[0] == 200


def test_result_size_limit():
    with running(max_rows=5) as s:
        status, _, body = request(s, "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert status == 400 and "limit of 5" in body
        assert request(s, "/sparql", params={"query": DRIVERS})[0] == 200


def test_request_size_limit():
    with running(max_request=100) as s:
        big = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 200).encode()
        status, _, _ = request(s, "/sparql", method="POST", data=big,
                               headers={"Content-Type": "application/sparql-query"})
        assert status == 413


@pytest.mark.parametrize("store", ["memory", "oxigraph", "oxigraph:DIR"])
def test_updates_when_enabled(store, tmp_path):
    # an update reads the union of the report graphs, as a query does, on every store (a
    # bare pyoxigraph Store's own update would read its empty default graph alone)
    from kg.store import open_backend

    backend = open_backend(store=store.replace("DIR", str(tmp_path / "db")), data=FIXTURE_DATA)
    s = serve(backend, "127.0.0.1", 0, allow_update=True)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    try:
        assert labels(request(s, "/sparql", params={"query": DRIVERS})[2])
        status, _, _ = request(s, "/update", method="POST",
                               data=b"PREFIX kgo: <https://w3id.org/strategy-kg/ontology#> DELETE WHERE { ?d a kgo:Driver }",
                               headers={"Content-Type": "application/sparql-update"})
        assert status == 204
        assert labels(request(s, "/sparql", params={"query": DRIVERS})[2]) == []
    finally:
        s.shutdown()
        s.server_close()


def test_binds_loopback_by_default():
    s = serve(GraphBackend(kg.load(FIXTURE_DATA).graph), port=0)
    try:
        assert s.server_address[0] == "127.0.0.1"
    finally:
        s.server_close()


# -- pages -------------------------------------------------------------------------


def test_query_page_is_offline_and_lists_named_queries(server):
    from kg.sparql import named_queries

    status, headers, body = request(server, "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", body), "the page must not load anything remote"
    for name in named_queries():
        assert name in body


def test_queries_json(server):
    from kg.sparql import named_queries

    status, _, body = request(server, "/queries")
    assert status == 200 and {q["name"] for q in json.loads(body)} == set(named_queries())


def test_views_served_when_built(tmp_path):
    (tmp_path / "index.html").write_text("<p>views</p>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("inside", encoding="utf-8")
    with running(views_dir=tmp_path) as s:
        assert request(s, "/views/")[2] == "<p>views</p>"
        assert request(s, "/views/index.html")[0] == 200
        assert request(s, "/views/../../etc/passwd")[0] == 404
        assert request(s, "/views/nope.html")[0] == 404


def test_views_404_when_not_built(server):
    status, _, body = request(server, "/views/")
    assert status == 404 and "kg viz" in body


def test_concurrent_first_queries_all_answer():
    # rdflib's SPARQL parser is not thread-safe: eight different, never-seen queries arriving
    # at once must all parse (each a distinct text, so no cache hides a race)
    import concurrent.futures

    with running() as s:
        def ask(i):
            query = f"SELECT ?d (COUNT(*) AS ?n{i}) WHERE {{ ?d a kgo:Driver ; skos:prefLabel ?l }} GROUP BY ?d LIMIT {i + 1}"
            return request(s, "/sparql", params={"query": query}, headers={"Accept": "text/csv"})

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, range(32)))
    assert [status for status, _, _ in answers] == [200] * 32, [body for status, _, body in answers if status != 200][:3]
    # each answer is its own query's (the fixture has one driver)
    assert [body.splitlines()[0] for _, _, body in answers] == [f"d,n{i}" for i in range(32)]
    assert all(len(body.splitlines()) == 2 for _, _, body in answers)
