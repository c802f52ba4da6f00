"""`kg viz` from the command line: the views folder, a scenario, and user mistakes."""

from __future__ import annotations

from .conftest import FIXTURE_DATA, run_kg


def test_viz_writes_every_view(tmp_path):
    out = tmp_path / "views"
    r = run_kg("viz", "--data", str(FIXTURE_DATA), "--out", str(out), "--lang", "zh")
    assert r.returncode == 0, r.stderr
    for name in ("index", "overview", "influence", "micmac", "coverage", "entities"):
        assert (out / f"{name}.html").is_file(), name
    assert not (out / "scenario.html").exists()
    assert str(out / "index.html") in r.stdout and "needs no network" in r.stdout
    assert 'lang="zh"' in (out / "index.html").read_text(encoding="utf-8")


def test_viz_with_a_scenario_and_without_entity_views(tmp_path):
    out = tmp_path / "views"
    r = run_kg("viz", "--data", str(FIXTURE_DATA), "--out", str(out), "--set", "fraud=1", "--no-entity-pages")
    assert r.returncode == 0, r.stderr
    assert (out / "scenario.html").is_file()
    assert not (out / "entities.html").exists()


def test_viz_usage_errors_exit_2_and_write_nothing(tmp_path):
    out = tmp_path / "views"
    for args, needle in ((["--set", "fraud"], "ID=VALUE"), (["--set", "fraud=high"], "ID=VALUE"),
                         (["--set", "no-such-entity=1"], "no-such-entity")):
        r = run_kg("viz", "--data", str(FIXTURE_DATA), "--out", str(out), *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert needle in r.stderr and "Traceback" not in r.stderr
        assert not out.exists()


def test_viz_refuses_to_replace_a_folder_that_is_not_views(tmp_path):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "todo.txt").write_text("keep me", encoding="utf-8")
    r = run_kg("viz", "--data", str(FIXTURE_DATA), "--out", str(precious))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert [p.name for p in precious.iterdir()] == ["todo.txt"]
