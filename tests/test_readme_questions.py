"""The SPARQL questions in the README run on the exported Turtle and give the answers shown."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph

from kg.pipeline import build

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
PREFIXES = re.search(r"```\n(PREFIX .*?)```", README, re.S).group(1)
QUERIES = re.findall(r"```sparql\n(.*?)```", README, re.S)


def tables_after_queries() -> list[list[list[str]]]:
    """The Markdown table that follows each sparql block, as rows of cells."""
    out = []
    for block in re.split(r"```sparql\n.*?```", README, flags=re.S)[1:]:
        lines = block.strip().splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("|"))
        rows = []
        for line in lines[start:]:
            if not line.startswith("|"):
                break
            rows.append(line)
        cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows[2:]]
        out.append(cells)
    return out


@pytest.fixture(scope="module")
def turtle(tmp_path_factory) -> Graph:
    out = tmp_path_factory.mktemp("readme")
    build(ROOT / "data", out, validate=False)
    return Graph().parse(out / "graph.ttl", format="turtle")


def test_readme_has_three_questions():
    assert len(QUERIES) == 3 == len(tables_after_queries())


@pytest.mark.parametrize("index", range(3))
def test_question_answers_match_readme(turtle, index):
    rows = [[_cell(v) for v in row] for row in turtle.query(PREFIXES + QUERIES[index])]
    assert rows == tables_after_queries()[index]


def _cell(value) -> str:
    text = str(value)
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text
