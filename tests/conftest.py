from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
TINY = FIXTURE_DATA / "tiny"


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A writable copy of the fixture dataset (``<tmp>/data/tiny``)."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


@pytest.fixture(scope="session")
def tiny_kg():
    import kg

    return kg.load(FIXTURE_DATA)


def run_kg(*args: str, cwd: Path | None = None, env=None, input_text: str | None = None) -> subprocess.CompletedProcess:
    """Run the real ``kg`` command line in a subprocess (exit codes, stdout, stderr)."""
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], cwd=cwd or ROOT, capture_output=True, text=True, env=env, timeout=300,
        input=input_text if input_text is not None else "",
    )
