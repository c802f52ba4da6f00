"""Answers read whole by Oxigraph's engine (``GraphBackend.values``, ``ReadAhead``) are the
answers read a term at a time: every kind of term, unbound values, odd strings; and the reads
ahead run in threads that are gone once the block ends."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.store
from kg.analysis.graphs import Memo, select_values
from kg.sparql import QueryError
from kg.store import GraphBackend, ReadAhead, _engine_text, _oxigraph_dataset, open_backend, prepare

from .conftest import FIXTURE_DATA

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
ALL = f"SELECT ?s ?o ?u WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?u }} }}"


def oxigraph(objects, extra=()) -> GraphBackend:
    """An Oxigraph backend holding ``<ex:sN> <ex:p> object`` for each object (in a named graph)."""
    ds = _oxigraph_dataset(None)
    graph = ox.NamedNode(EX + "graph")
    ds.store._inner.extend([ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), o, graph)
                            for i, o in enumerate(objects)] + [ox.Quad(*q, graph) for q in extra])
    return GraphBackend(ds, "oxigraph")


def read_whole(backend, text) -> tuple[bool, list]:
    """(was it read as TSV?, the rows) of the engine's whole answer."""
    store = backend.graph.store._inner
    tsv, _ = _engine_text(store, prepare(text, check=False)[0])
    return tsv, sorted(backend.values(text), key=repr)


def term_at_a_time(backend, text) -> list:
    return sorted(backend.query(text).values(), key=repr)


ODD = ['a,b', 'say "hi"', "tab\there", "line\nbreak\r\n", "back\\slash", "中文，標點", "\x01\x7f", "_:not-a-node",
       "<not-an-iri>", "@en", '"', "", " lead and trail "]


def test_every_kind_of_term_is_read_as_term_at_a_time():
    objects = ([ox.Literal(s) for s in ODD]
               + [ox.Literal("微支付", language="zh"), ox.Literal("x", language="en-GB"),
                  ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
                  ox.Literal("03", datatype=ox.NamedNode(XSD + "integer")),
                  ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")),
                  ox.Literal("1e3", datatype=ox.NamedNode(XSD + "double")),
                  ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
                  ox.Literal("2024", datatype=ox.NamedNode(XSD + "gYear")),
                  ox.NamedNode(EX + "o?q=1&r=2#f"), ox.BlankNode("b1")])
    extra = [(ox.NamedNode(EX + "s0"), ox.NamedNode(EX + "q"), ox.Literal("flag"))]
    backend = oxigraph(objects, extra)
    tsv, rows = read_whole(backend, ALL)
    assert tsv  # (unbound ?u, an empty string and a blank node: CSV cannot tell them apart)
    assert rows == term_at_a_time(backend, ALL)
    assert len(rows) == len(objects) and sum(u is None for _, _, u in rows) == len(objects) - 1
    assert ("", None) in [(o, u) for _, o, u in rows] and ("b1", None) in [(o, u) for _, o, u in rows]
    # the columns asked for, in that order
    assert sorted(backend.values(ALL, "o", "s"), key=repr) == sorted(backend.query(ALL).values("o", "s"), key=repr)
    with pytest.raises(KeyError, match="no variable x"):
        backend.values(ALL, "x")


def test_an_answer_with_every_value_bound_is_read_as_csv():
    backend = oxigraph([ox.Literal(s) for s in ODD if s and not s.startswith("_:")] + [ox.NamedNode(EX + "o")])
    text = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}"
    tsv, rows = read_whole(backend, text)
    assert not tsv
    assert rows == term_at_a_time(backend, text) and len(rows) == len(ODD) - 1


def test_a_blank_node_and_a_string_written_alike_are_told_apart():
    # all bound, but CSV writes both as _:x
    backend = oxigraph([ox.BlankNode("x"), ox.Literal("_:x")])
    text = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}"
    tsv, rows = read_whole(backend, text)
    assert tsv and rows == term_at_a_time(backend, text)
    assert sorted(o for _, o in rows) == ["_:x", "x"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
                          st.sampled_from([None, "en", "zh-Hant"])), min_size=1, max_size=8))
def test_any_string_is_read_as_term_at_a_time(values):
    backend = oxigraph([ox.Literal(text, language=lang) if lang else ox.Literal(text) for text, lang in values])
    text = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}"
    assert read_whole(backend, text)[1] == term_at_a_time(backend, text)


def test_no_rows_no_columns_other_forms_and_mistakes():
    backend = oxigraph([ox.Literal("x")])
    for text in (f"SELECT ?s WHERE {{ ?s <{EX}none> ?o }}", "SELECT * WHERE { }", "SELECT ?s WHERE { }",
                 f"ASK {{ ?s <{EX}p> ?o }}"):
        assert backend.values(text) == backend.query(text).values(), text
    assert backend.values("SELECT * WHERE { }") == [()]
    with pytest.raises(QueryError) as err:  # the usual message: where, and what was expected
        backend.values("SELECT ?s WHERE {\n  ?s ?p \n}")
    assert str(err.value).startswith("query:2:")


@pytest.fixture(scope="module")
def embedded():
    return open_backend(store="oxigraph", data=FIXTURE_DATA)


QUERIES = ("SELECT ?e ?id WHERE { ?e a kgo:Driver ; dcterms:identifier ?id }",
           "SELECT ?i ?sec WHERE { ?i prov:wasDerivedFrom ?sec }",
           "SELECT ?c WHERE { ?c a kgo:Challenge }")


def test_reads_ahead_are_the_answers_and_leave_no_thread(embedded):
    threads = threading.active_count()
    with ReadAhead(embedded, [QUERIES[:2], QUERIES[2:], ["SELECT ?x WHERE { ?x nosuch:p ?y }"]]) as ahead:
        assert threading.active_count() <= threads + 2  # (the lane with a mistake starts no thread)
        for text in QUERIES:
            got = ahead.take(text)
            assert got is not None and sorted(got.values()) == sorted(embedded.query(text).values())
            assert ahead.take(text) is None  # (handed over once)
        assert ahead.take("SELECT ?x WHERE { ?x nosuch:p ?y }") is None
    assert threading.active_count() == threads
    # a query the engine rejects is not read ahead: asked the usual way, it says why
    with ReadAhead(embedded, [["SELECT ?x WHERE { ?x "]]) as ahead:
        assert ahead.take("SELECT ?x WHERE { ?x ") is None
    # nothing is read ahead on rdflib's engine
    with ReadAhead(open_backend(store="memory", data=FIXTURE_DATA), [QUERIES]) as ahead:
        assert threading.active_count() == threads and ahead.take(QUERIES[0]) is None


def test_a_memo_takes_what_was_read_ahead_and_reads_nothing_twice(embedded, monkeypatch):
    calls = []
    engine_text = kg.store._engine_text
    monkeypatch.setattr(kg.store, "_engine_text", lambda store, text: calls.append(text) or engine_text(store, text))
    memo = Memo(Memo(embedded))  # (a Memo over another reads ahead in the one underneath)
    first = memo.values(QUERIES[0], "id")
    assert len(calls) == 1
    with memo.read_ahead([QUERIES[0], QUERIES[1]], [QUERIES[2]]):
        big = select_values(memo, QUERIES[1], "i", "sec", keep=False)
        assert sorted(memo.values(QUERIES[2], "c")) == sorted(embedded.query(QUERIES[2]).values("c"))
    assert len(calls) == 3  # (the first, kept, was not read again)
    assert memo.values(QUERIES[0], "id") is first
    assert sorted(big) == sorted(embedded.query(QUERIES[1]).values("i", "sec"))
    # not kept: asked again, read again
    assert sorted(memo.values(QUERIES[1], "i", "sec", keep=False)) == sorted(big) and len(calls) == 4


def test_the_views_read_the_entity_graph_and_the_facts_ahead_once_each(embedded, monkeypatch):
    # the analysis, then the views, through one Memo (`kg build --analyze --views`): the
    # views' own reads are read by the engine in the read-ahead threads, each once, and
    # taken; the views are those made without reading ahead
    from kg.analysis.graphs import ENTITY_READS
    from kg.analysis.report import analyze
    from kg.viz.facts import READ_LANES
    from kg.viz.views import build_views

    where = {}
    engine_text = kg.store._engine_text

    def counted(store, text):
        where.setdefault(text, []).append(threading.current_thread().name)
        return engine_text(store, text)

    memo = Memo(embedded)
    result = analyze(memo)
    monkeypatch.setattr(kg.store, "_engine_text", counted)
    pages = build_views(memo, analysis=result)
    views = [prepare(t, check=False, inline=True)[0] for t in (*ENTITY_READS, *READ_LANES[0], *READ_LANES[1])]
    assert {t: where.get(t) for t in views} == dict.fromkeys(views, ["kg-read-ahead"])
    assert not any(t.name == "kg-read-ahead" for t in threading.enumerate())  # (none left running)
    monkeypatch.undo()

    class Plain:  # the same store, not a GraphBackend: nothing is read ahead
        name = "plain"
        query, values = embedded.query, embedded.values
        report_graphs = embedded.report_graphs

    assert pages == build_views(Memo(Plain()), analysis=result)


@pytest.mark.parametrize("text", ["SELECT ?s WHERE { ?s ?p ?o } LIMIT 3",
                                  "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
                                  "ASK { ?s ?p ?o }"])
def test_an_answer_made_in_one_thread_can_be_dropped_in_another(embedded, text):
    # (kg serve answers in request threads; Oxigraph's answer iterators are bound to the
    # thread that made them and complain, as an unraisable error, when dropped elsewhere)
    box = []
    worker = threading.Thread(target=lambda: box.append(embedded.query(text)))
    worker.start()
    worker.join()
    answer = box.pop()
    assert answer.form in {"SELECT", "CONSTRUCT", "ASK"}
    assert answer.boolean is True or answer.rows or len(answer.graph) == 3
    del answer  # (pytest turns an unraisable error here into a failure)


# --------------------------------------------------------------------------- a wording for a store on disk


def _selects() -> list:
    """Every Select kg asks (found in the modules that ask them, not listed by hand)."""
    import importlib
    import pkgutil

    import kg as package
    from kg.store import Select

    found = {}
    for info in pkgutil.walk_packages(package.__path__, "kg."):
        if info.name.endswith("__main__"):  # (runs the command line)
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, Select):  # (once, where it is made: others import it)
                found.setdefault(id(value), (f"{info.name}.{name}", value))
    return sorted(found.values())


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory):
    return open_backend(store=f"oxigraph:{tmp_path_factory.mktemp('stores') / 'kg-db'}", data=FIXTURE_DATA)


def test_kg_asks_some_selects_in_two_wordings():
    names = [name for name, _ in _selects()]
    assert {"kg.analysis.graphs._NODES", "kg.analysis.graphs._INFLUENCES", "kg.analysis.graphs._ADDRESSES"} <= set(names)


@pytest.mark.parametrize("name,select", _selects())
def test_both_wordings_of_a_select_give_the_same_rows(embedded, on_disk, name, select):
    in_memory = sorted(embedded.values(select), key=repr)
    assert in_memory, f"{name}: no rows on the test data, so the comparison would prove nothing"
    assert sorted(on_disk.values(select), key=repr) == in_memory  # (the wording for a store on disk)
    assert sorted(embedded.values(select.on_disk), key=repr) == in_memory
    assert sorted(open_backend(store="memory", data=FIXTURE_DATA).values(select), key=repr) == in_memory


def test_a_store_on_disk_is_asked_the_wording_for_a_store_on_disk(embedded, on_disk):
    from kg.store import Select

    # (two wordings that differ, to see which was asked)
    select = Select("SELECT ?c WHERE { ?c a kgo:Challenge }", on_disk="SELECT ?c WHERE { ?c a kgo:Driver }")
    challenges = sorted(embedded.values("SELECT ?c WHERE { ?c a kgo:Challenge }"))
    drivers = sorted(embedded.values("SELECT ?c WHERE { ?c a kgo:Driver }"))
    assert challenges and drivers and challenges != drivers
    assert on_disk.on_disk and not embedded.on_disk
    assert sorted(embedded.values(select)) == challenges and sorted(embedded.query(select).values()) == challenges
    assert sorted(on_disk.values(select)) == drivers and sorted(on_disk.query(select).values()) == drivers
    with ReadAhead(on_disk, [[select]]) as ahead:
        assert sorted(ahead.take(select).values()) == drivers
    assert sorted(Memo(on_disk).values(select)) == drivers
