"""Every command and every exit code of the ``kg`` command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from kg.cli import build_parser, main

from .conftest import FIXTURE_DATA, ROOT, run_kg


def test_help_is_light():
    """`kg --help` must not import rdflib, pydantic, pyshacl, yaml, networkx or pyvis."""
    code = (
        "import sys, contextlib, io\n"
        "from kg.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        "heavy = {'rdflib', 'pydantic', 'pyshacl', 'yaml', 'networkx', 'pyvis'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_help_and_version():
    r = run_kg("--help")
    assert r.returncode == 0 and "build" in r.stdout and "validate" in r.stdout
    r = run_kg("--version")
    assert r.returncode == 0 and r.stdout.startswith("kg ")


def test_every_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"kg {name}" in readme, f"README does not show `kg {name}`"


def test_no_command_is_usage_error(capsys):
    assert main([]) == 2


@pytest.mark.parametrize("args", [["bogus"], ["build", "--nope"], ["export", "--format"]])
def test_usage_errors_exit_2(args):
    r = run_kg(*args)
    assert r.returncode == 2 and "usage:" in r.stderr


def test_missing_data_folder_is_usage_error(tmp_path):
    r = run_kg("stats", "--data", str(tmp_path / "missing"))
    assert r.returncode == 2 and "no such folder" in r.stderr and "Traceback" not in r.stderr


def test_unknown_export_format_is_usage_error():
    r = run_kg("export", "--data", str(FIXTURE_DATA), "--format", "rdfxmlish")
    assert r.returncode == 2 and "unknown format 'rdfxmlish'" in r.stderr


def test_validate_ok():
    r = run_kg("validate", "--data", str(FIXTURE_DATA))
    assert r.returncode == 0, r.stderr
    assert "OK: 1 report(s)" in r.stdout and "SHACL conforms" in r.stdout


def test_invalid_data_exits_1_without_traceback(data_dir):
    (data_dir / "tiny" / "bad.yaml").write_text("entities:\n  - id: x\n    type: Drivr\n", encoding="utf-8")
    for command in ("validate", "build", "stats", "export"):
        r = run_kg(command, "--data", str(data_dir))
        assert r.returncode == 1, command
        assert "bad.yaml:3:11" in r.stderr and "Traceback" not in r.stderr


def test_build_writes_and_reports(tmp_path):
    out = tmp_path / "out"
    r = run_kg("build", "--data", str(FIXTURE_DATA), "--out", str(out))
    assert r.returncode == 0, r.stderr
    for name in ("graph.ttl", "graph.jsonld", "graph.nt", "graph.nq", "graph.trig", "shacl-report.ttl", "manifest.json"):
        assert (out / name).is_file(), name
    assert "Challenge" in r.stdout and "Next:" in r.stdout and str(out) in r.stdout


def test_build_with_analysis_and_views(tmp_path):
    out, views = tmp_path / "out", tmp_path / "views"
    r = run_kg("build", "--data", str(FIXTURE_DATA), "--out", str(out), "--analyze", "--views", str(views),
               "--lang", "zh")
    assert r.returncode == 0, r.stderr
    assert (out / "analysis" / "analysis.md").is_file() and (views / "index.html").is_file()
    assert "Analysis:" in r.stdout and f"Views: 6 page(s) in {views}/" in r.stdout
    assert 'lang="zh"' in (views / "index.html").read_text(encoding="utf-8")


def test_stats_text_and_json():
    r = run_kg("stats", "--data", str(FIXTURE_DATA))
    assert r.returncode == 0 and "Challenge" in r.stdout
    r = run_kg("stats", "--data", str(FIXTURE_DATA), "--json")
    stats = json.loads(r.stdout)
    assert stats["classes"]["Challenge"] == 2 and stats["reports"] == ["tiny"]


@pytest.mark.parametrize("fmt,needle", [("turtle", "@prefix kgo:"), ("nt", "> ."), ("jsonld", '"@id"'),
                                        ("nq", "/report/tiny/graph> ."), ("trig", "/report/tiny/graph")])
def test_export_formats_to_stdout(fmt, needle):
    r = run_kg("export", "--data", str(FIXTURE_DATA), "--format", fmt)
    assert r.returncode == 0 and needle in r.stdout


def test_export_to_file(tmp_path):
    target = tmp_path / "g.nt"
    r = run_kg("export", "--data", str(FIXTURE_DATA), "-f", "nt", "-o", str(target))
    assert r.returncode == 0 and target.read_text(encoding="utf-8").count(" .\n") > 300


def test_export_to_folder_is_usage_error(tmp_path):
    r = run_kg("export", "--data", str(FIXTURE_DATA), "-o", str(tmp_path))
    assert r.returncode == 2


def test_default_data_is_cwd_data_then_bundled(tmp_path):
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    r = run_kg("stats", "--json", cwd=tmp_path)
    assert json.loads(r.stdout)["reports"] == ["tiny"]
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run_kg("stats", "--json", cwd=empty)
    assert r.returncode == 0 and "tiny" not in json.loads(r.stdout)["reports"]


def test_console_exits_with_mains_code_and_freezes_what_it_made(monkeypatch):
    """`kg` (kg.cli.console) hands main's objects to gc.freeze before the exit, so that the
    collector's passes at shutdown skip them, and exits with main's code."""
    import gc

    from kg import cli

    monkeypatch.setattr(cli, "main", lambda: 3)
    try:
        with pytest.raises(SystemExit) as exited:
            cli.console()
        assert exited.value.code == 3 and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
