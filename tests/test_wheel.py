"""A built wheel works outside the repository: ontology, shapes and data travel inside it.

The wheel is built without build isolation (hatchling comes with the test extras) and
installed with ``--no-deps`` into a fresh virtual environment; that environment reaches
the already-installed dependencies (rdflib, pyshacl, …) through a ``.pth`` line, so the
test runs offline. ``kg`` itself must come from the wheel, never from the checkout.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    r = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)])
    assert r.returncode == 0, r.stderr
    [wheel] = list(dist.glob("kg-*.whl"))
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    target = Path(run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # dependencies come from the test environment; kg's editable hook there must not leak in
    deps = [p for p in {sysconfig.get_paths()["purelib"], *site.getsitepackages()} if Path(p).is_dir()]
    (target / "_kg_test_deps.pth").write_text("\n".join(deps) + "\n")
    r = run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheel)])
    assert r.returncode == 0, r.stderr
    return env_dir, wheel


def test_wheel_carries_resources(wheel_env):
    import zipfile

    _, wheel = wheel_env
    names = zipfile.ZipFile(wheel).namelist()
    assert "kg/_resources/ontology/kg.ttl" in names
    assert "kg/_resources/ontology/shapes.ttl" in names
    assert "kg/_resources/data/micropayments/report.yaml" in names
    assert "kg/_resources/viz/README.md" in names
    assert not [n for n in names if n.startswith("kg/_resources/viz/out/")]


def test_kg_build_from_empty_directory(wheel_env, tmp_path):
    env_dir, _ = wheel_env
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = run([str(env_dir / "bin" / "python"), "-c", "import kg, sys; print(kg.__file__)"], cwd=work, env=env)
    assert where.returncode == 0, where.stderr
    assert str(env_dir) in where.stdout and str(ROOT) not in where.stdout
    r = run([str(env_dir / "bin" / "kg"), "build"], cwd=work, env=env)
    assert r.returncode == 0, r.stderr
    manifest = json.loads((work / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["shacl_conforms"] is True and "micropayments" in manifest["stats"]["reports"]
    assert (work / "build" / "graph.ttl").stat().st_size > 1000
