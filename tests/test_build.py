"""`kg build`: every format parses back to the same graph; a failed build changes nothing."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph

import kg
from kg.pipeline import build
from kg.errors import DataError, ValidationFailed

from .conftest import FIXTURE_DATA


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    return build(FIXTURE_DATA, out)


@pytest.mark.parametrize("name,fmt", [("graph.ttl", "turtle"), ("graph.nt", "nt"), ("graph.jsonld", "json-ld")])
def test_triple_formats_hold_the_union(built, name, fmt):
    g = Graph().parse(built.out_dir / name, format=fmt)
    assert len(g) == built.stats.triples


@pytest.mark.parametrize("name,fmt", [("graph.trig", "trig"), ("graph.nq", "nquads")])
def test_quad_formats_keep_named_graphs(built, name, fmt):
    ds = Dataset()
    ds.parse(built.out_dir / name, format=fmt)
    graphs = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
    assert graphs == {"https://w3id.org/strategy-kg/report/tiny/graph": built.stats.triples}


def test_manifest(built):
    manifest = json.loads((built.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["shacl_conforms"] is True
    assert manifest["stats"]["classes"]["Driver"] == 1
    assert manifest["reports"][0]["id"] == "tiny"


def test_ntriples_are_sorted_and_stable(built, tmp_path):
    again = build(FIXTURE_DATA, tmp_path)
    first = (built.out_dir / "graph.nt").read_text(encoding="utf-8")
    assert first == (tmp_path / "graph.nt").read_text(encoding="utf-8")
    lines = first.splitlines()
    assert lines == sorted(lines) and again.shacl_conforms


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_failed_build_leaves_previous_outputs_untouched(data_dir, tmp_path):
    out = tmp_path / "out"
    build(data_dir, out)
    before = snapshot(out)
    (data_dir / "tiny" / "bad.yaml").write_text("entities: [{id: x}]\n", encoding="utf-8")
    with pytest.raises(DataError):
        build(data_dir, out)
    assert snapshot(out) == before


def test_shacl_violation_fails_build_and_writes_nothing(monkeypatch, tmp_path):
    from kg.shacl import ShaclReport

    monkeypatch.setattr(kg.KnowledgeGraph, "validate",
                        lambda self: ShaclReport(False, ["tiny/entity/x: skos:prefLabel: needs @zh"], [], "text"))
    with pytest.raises(ValidationFailed, match="needs @zh"):
        build(FIXTURE_DATA, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_no_staging_left_behind(built):
    assert not [p for p in built.out_dir.iterdir() if p.name.startswith(".kg-build-")]


# --------------------------------------------------------------------------- the whole job in one process


def test_one_process_job_matches_the_separate_steps(tmp_path):
    """kg build --analyze --views writes what kg build, kg analyze and kg viz write."""
    from kg.analysis.report import analyze, write_analysis
    from kg.analysis.writeback import analysis_graph
    from kg.viz import write_views

    result = build(FIXTURE_DATA, tmp_path / "one", analysis=True, views=tmp_path / "views-one")
    assert result.shacl_conforms and result.analysis is not None
    assert sorted(result.analysis_files) == ["json", "markdown", "rdf"] and "index" in result.view_files
    g = kg.load(FIXTURE_DATA)
    separate = analyze(g)
    write_analysis(separate, tmp_path / "analysis", graph=analysis_graph(separate))
    write_views(kg.load(FIXTURE_DATA), tmp_path / "views")
    for name in ("analysis.json", "analysis.md", "analysis.trig"):
        assert (tmp_path / "one" / "analysis" / name).read_bytes() == (tmp_path / "analysis" / name).read_bytes()
    pages = sorted(p.name for p in (tmp_path / "views").iterdir())
    assert pages == sorted(p.name for p in (tmp_path / "views-one").iterdir())
    for name in pages:
        assert (tmp_path / "views-one" / name).read_bytes() == (tmp_path / "views" / name).read_bytes(), name
    plain = build(FIXTURE_DATA, tmp_path / "plain")
    for name in ("graph.ttl", "graph.nq", "graph.jsonld", "manifest.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()


def test_a_failing_check_writes_no_analysis_and_no_views(monkeypatch, tmp_path):
    from kg.shacl import ShaclReport

    monkeypatch.setattr(kg.KnowledgeGraph, "validate",
                        lambda self: ShaclReport(False, ["tiny/entity/x: skos:prefLabel: needs @zh"], [], "text"))
    with pytest.raises(ValidationFailed, match="needs @zh"):
        build(FIXTURE_DATA, tmp_path / "out", analysis=True, views=tmp_path / "views")
    assert not (tmp_path / "out").exists() and not (tmp_path / "views").exists()


def test_an_error_in_the_shacl_process_reaches_the_caller(monkeypatch, tmp_path):
    from kg.errors import KgError

    def broken(self):
        raise KgError("the shapes are broken")

    monkeypatch.setattr(kg.KnowledgeGraph, "validate", broken)
    with pytest.raises(KgError, match="the shapes are broken"):
        build(FIXTURE_DATA, tmp_path / "out", analysis=True)
    assert not (tmp_path / "out").exists()


def test_views_folder_that_is_not_kgs_is_refused_before_any_work(tmp_path):
    from kg.errors import UsageError

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match="not a folder of kg views"):
        build(FIXTURE_DATA, tmp_path / "out", views=tmp_path / "mine")
    assert not (tmp_path / "out").exists()
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("data", [FIXTURE_DATA, None])
def test_formats_written_without_the_rdflib_dataset_are_the_datasets(tmp_path, data):
    """The job writes the formats from the builder's triples (no rdflib Dataset made for
    them); the files are what serialising the Dataset gives."""
    from kg.pipeline import FORMATS, serialize

    result = build(data, tmp_path / "out", analysis=True, validate=False)
    assert not result.kg.has_dataset
    g = kg.load(data)
    for name, (_, filename, _) in FORMATS.items():
        assert (tmp_path / "out" / filename).read_text(encoding="utf-8") == serialize(g.graph, name), filename
    assert result.stats == g.stats()
