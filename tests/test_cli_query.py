"""`kg queries`, `kg query` (names, files, stdin, params, formats, errors) and `kg serve`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from kg.sparql import named_queries

from .conftest import FIXTURE_DATA, ROOT, run_kg
from .test_stores import free_port, wait_for

D = ["--data", str(FIXTURE_DATA)]
LABELS = "SELECT ?l WHERE { ?d a kgo:Driver ; skos:prefLabel ?l FILTER(lang(?l) = ?lang) }"


def test_queries_lists_every_named_query():
    r = run_kg("queries")
    assert r.returncode == 0
    for name, q in named_queries().items():
        assert name in r.stdout and q.title in r.stdout
    listed = json.loads(run_kg("queries", "--json").stdout)
    assert {q["name"] for q in listed} == set(named_queries())


def test_query_from_stdin_with_lang_and_formats():
    r = run_kg("query", "-", "--lang", "zh", "--format", "csv", *D, input_text=LABELS)
    assert r.returncode == 0 and r.stdout.splitlines() == ["l", "手機普及"]
    r = run_kg("query", "-", "--lang", "en", "--format", "json", *D, input_text=LABELS)
    assert json.loads(r.stdout)["results"]["bindings"][0]["l"] == {"type": "literal", "value": "Phone adoption",
                                                                    "xml:lang": "en"}
    r = run_kg("query", "-", "-p", 'lang="en"', "--format", "jsonl", *D, input_text=LABELS)
    assert [json.loads(line) for line in r.stdout.splitlines()] == [{"l": "Phone adoption"}]
    r = run_kg("query", "-", "--lang", "en", "--format", "tsv", *D, input_text=LABELS)
    assert r.stdout.splitlines() == ["?l", '"Phone adoption"@en']
    r = run_kg("query", "-", "--lang", "en", "--format", "table", *D, input_text=LABELS)
    assert "Phone adoption" in r.stdout and "(1 row)" in r.stdout


def test_default_format_off_a_terminal_is_csv():
    r = run_kg("query", "-", "--lang", "en", *D, input_text=LABELS)
    assert list(csv.reader(io.StringIO(r.stdout))) == [["l"], ["Phone adoption"]]


def test_ask_and_construct():
    r = run_kg("query", "-", *D, input_text="ASK { ?d a kgo:Driver }")
    assert r.stdout.strip() == "true"
    q = "CONSTRUCT { ?d a kgo:Driver } WHERE { ?d a kgo:Driver }"
    assert "kgo:Driver" in run_kg("query", "-", *D, input_text=q).stdout
    nt = run_kg("query", "-", "-f", "nt", *D, input_text=q).stdout
    assert nt.strip().endswith("<https://w3id.org/strategy-kg/ontology#Driver> .")
    assert '"@type"' in run_kg("query", "-", "-f", "jsonld", *D, input_text=q).stdout or '"@id"' in \
        run_kg("query", "-", "-f", "jsonld", *D, input_text=q).stdout


def test_construct_with_a_row_format_is_usage_error():
    r = run_kg("query", "-", "-f", "csv", *D, input_text="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert r.returncode == 2 and "gives a graph" in r.stderr


def test_query_from_file_with_header_params(tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text('# title: mine\n# question: which label?\n# param: id\n'
                    "SELECT ?l WHERE { ?e dcterms:identifier ?id ; skos:prefLabel ?l FILTER(lang(?l)='en') }\n",
                    encoding="utf-8")
    r = run_kg("query", str(path), "-p", "id=fraud", "-f", "csv", *D)
    assert r.returncode == 0 and r.stdout.splitlines() == ["l", "Fraud"]
    r = run_kg("query", str(path), *D)
    assert r.returncode == 1 and "missing required parameter 'id'" in r.stderr
    r = run_kg("query", str(path), "-p", "idd=fraud", *D)
    assert r.returncode == 1 and "unknown parameter" in r.stderr


def test_parameter_values_are_terms_not_text():
    # an injection attempt is just a string that matches nothing
    evil = '"x" } ?s ?p ?o { "'
    r = run_kg("query", "-", "-p", f"id={evil}", "-f", "csv", *D,
               input_text="SELECT ?e WHERE { ?e dcterms:identifier ?id }")
    assert r.returncode == 1 and "not an RDF term" in r.stderr
    r = run_kg("query", "-", "-p", "id=\"fraud\\\" } \"", "-f", "csv", *D,
               input_text="SELECT ?e WHERE { ?e dcterms:identifier ?id }")
    assert r.returncode == 0 and r.stdout.splitlines() == ["e"]


@pytest.mark.parametrize("value", ["<not an iri", "a b", '"open', "nope:x"])
def test_invalid_term_is_error_1(value):
    r = run_kg("query", "-", "-p", f"x={value}", *D, input_text="SELECT * WHERE { ?x ?p ?o } LIMIT 1")
    assert r.returncode == 1 and "not an RDF term" in r.stderr and "Traceback" not in r.stderr


def test_syntax_error_gives_line_column_and_token():
    r = run_kg("query", "-", *D, input_text="SELECT ?x WHERE {\n  ?x a kgo:Driver .\n  FILTR(?x) }")
    assert r.returncode == 1
    assert "stdin:3:3: syntax error at 'FILTR(?x)'" in r.stderr


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_syntax_errors_on_every_store(store):
    """Oxigraph parses the query itself; rdflib's parser is only asked on an error, for the
    position: the message is the same on both stores."""
    r = run_kg("query", "-", "--store", store, *D, input_text="SELECT ?x WHERE {\n  ?x a kgo:Driver .\n  FILTR(?x) }")
    assert r.returncode == 1 and "stdin:3:3: syntax error at 'FILTR(?x)'" in r.stderr
    r = run_kg("query", "-", "--store", store, *D,
               input_text='SELECT ?x WHERE {\n  ?x rdfs:label "a:b" ; a foo:Driver }  # c:d')
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "stdin:2:27: undeclared prefix 'foo:'" in r.stderr


def test_syntax_error_in_a_file_names_the_file(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("SELECT * WHERE { ?s ?p }\n", encoding="utf-8")
    r = run_kg("query", str(path), *D)
    assert r.returncode == 1 and str(path) + ":1:" in r.stderr


def test_usage_errors():
    assert run_kg("query", "no-such-query", *D).returncode == 2
    assert run_kg("query", "missing/file.rq", *D).returncode == 2
    assert run_kg("query", "-", "-p", "noequals", *D, input_text="ASK {}").returncode == 2
    assert run_kg("query", "-", "--store", "postgres", *D, input_text="ASK {}").returncode == 2
    assert run_kg("push", *D).returncode == 2


def test_output_to_file(tmp_path):
    out = tmp_path / "rows.csv"
    r = run_kg("query", "-", "--lang", "en", "-f", "csv", "-o", str(out), *D, input_text=LABELS)
    assert r.returncode == 0 and out.read_text(encoding="utf-8").splitlines() == ["l", "Phone adoption"]


def test_serve_from_the_command_line():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(port), *D],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": "ASK { ?d a kgo:Driver }"})
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert json.loads(resp.read())["boolean"] is True
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/sparql" in out


def test_serve_refuses_endpoint_and_busy_port():
    r = run_kg("serve", "--endpoint", "http://x/query")
    assert r.returncode == 2
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        r = run_kg("serve", "--port", str(s.getsockname()[1]), *D)
        assert r.returncode == 1 and "cannot listen" in r.stderr
    assert time.time()
