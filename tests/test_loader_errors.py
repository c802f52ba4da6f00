"""Every mistake an analyst can make gets one clear message with file, line and column."""

from __future__ import annotations

import functools
import textwrap

import pytest

from kg import _fastyaml, loader
from kg.errors import DataError
from kg.loader import load_data


@pytest.fixture(autouse=True, params=["pyyaml", "rapidyaml"])
def reader(request, monkeypatch):
    """Every test twice: the same problems at the same places whichever reader reads the
    files (kg's build workers read with rapidyaml where it gives PyYAML's values)."""
    if request.param == "rapidyaml":
        if not _fastyaml.available():
            pytest.skip("rapidyaml is not installed")
        monkeypatch.setattr(loader, "load_report", functools.partial(loader.load_report, fast=True))
    return request.param


def write(data_dir, name, text):
    path = data_dir / "tiny" / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(data_dir):
    with pytest.raises(DataError) as info:
        load_data(data_dir)
    return info.value.problems


def only(data_dir, needle):
    found = [p for p in problems(data_dir) if needle in p.message]
    assert found, f"no problem mentions {needle!r}: {problems(data_dir)}"
    return found[0]


ENTITY = """
entities:
  - id: extra
    type: Driver
    label: {zh: 甲, en: A}
    description: {zh: 甲, en: A}
    sections: ["1.1.1"]
"""


def test_fixture_is_valid(data_dir):
    [report] = load_data(data_dir)
    assert report.id == "tiny" and len(report.entities) == 16


def test_yaml_syntax_error(data_dir):
    write(data_dir, "bad.yaml", "entities:\n  - id: a\n    label: [unclosed\n")
    p = only(data_dir, "YAML syntax error")
    assert p.file.endswith("tiny/bad.yaml") and p.line == 4


def test_unknown_key_suggests(data_dir):
    write(data_dir, "bad.yaml", ENTITY + "    sectons: ['1.1.1']\n")
    p = only(data_dir, "unknown key 'sectons'")
    assert "did you mean 'sections'" in p.message
    assert (p.line, p.column) == (7, 5) and p.field == "entities[extra].sectons"


def test_unknown_top_level_key(data_dir):
    write(data_dir, "bad.yaml", "influence: []\n")
    p = only(data_dir, "unknown key 'influence'")
    assert "influences" in p.message and p.line == 1


def test_missing_field(data_dir):
    write(data_dir, "bad.yaml", ENTITY.replace("    description: {zh: 甲, en: A}\n", ""))
    p = only(data_dir, "missing required field 'description'")
    assert p.line == 2 and p.field == "entities[extra].description"


def test_missing_language(data_dir):
    write(data_dir, "bad.yaml", ENTITY.replace("label: {zh: 甲, en: A}", "label: {zh: 甲}"))
    p = only(data_dir, "missing required field 'en'")
    assert (p.line, p.column) == (4, 12)


def test_wrong_type(data_dir):
    write(data_dir, "bad.yaml", ENTITY.replace('sections: ["1.1.1"]', "sections: 5"))
    p = only(data_dir, "valid tuple")
    assert p.line == 6 and "sections" in p.field


def test_wrong_enum_value_suggests(data_dir):
    write(data_dir, "bad.yaml", ENTITY.replace("type: Driver", "type: Drivr"))
    p = only(data_dir, "did you mean 'Driver'")
    assert p.line == 3 and "Drivr" in p.message


def test_dangling_reference_suggests_closest(data_dir):
    write(data_dir, "bad.yaml", "relations:\n  - {from: tokenisation, type: addresses, to: frod, sections: ['2.1.1']}\n")
    p = only(data_dir, "'frod' is not an id")
    assert "closest ids: fraud" in p.message and p.line == 2 and p.field == "relations[0].to"


def test_duplicate_id_across_files(data_dir):
    write(data_dir, "zz.yaml", ENTITY.replace("id: extra", "id: fraud"))
    p = only(data_dir, "duplicate id 'fraud'")
    assert p.file.endswith("zz.yaml") and p.line == 2 and "entities.yaml:" in p.message


def test_duplicate_key_in_mapping(data_dir):
    write(data_dir, "bad.yaml", ENTITY + "    type: Challenge\n")
    p = only(data_dir, "appears twice")
    assert (p.line, p.column) == (7, 5) and p.field == "entities[0].type"


def test_a_key_written_three_times_is_reported_where_it_repeats(data_dir):
    write(data_dir, "bad.yaml", ENTITY + "    type: Challenge\n    type: Outcome\n")
    assert sorted(p.line for p in problems(data_dir) if "appears twice" in p.message) == [7, 8]


def test_a_key_that_is_not_a_plain_word(data_dir):
    write(data_dir, "bad.yaml", ENTITY + "    ? [x, y]\n    : 1\n")
    p = only(data_dir, "a key must be a plain word")
    assert (p.line, p.column) == (2, 5) and p.field == "entities[0]"


def test_positions_under_a_key_that_is_not_a_string(data_dir):
    # (a YAML key may be a number; the path to a problem under it goes through that number)
    write(data_dir, "bad.yaml", ENTITY + "    3: x\n")
    p = only(data_dir, "Keys should be strings")
    assert (p.line, p.column) == (7, 8) and p.field == "entities[extra][3]"


def test_unknown_section(data_dir):
    write(data_dir, "bad.yaml", ENTITY.replace('"1.1.1"', '"1.1.9"'))
    p = only(data_dir, "section 1.1.9 is not in the report")
    assert "did you mean 1.1.1" in p.message or "did you mean 1.1.2" in p.message
    assert p.line == 6


def test_relation_not_allowed_between_types(data_dir):
    write(data_dir, "bad.yaml", "relations:\n  - {from: china, type: addresses, to: fraud, sections: ['1.1.1']}\n")
    p = only(data_dir, "'addresses' is not allowed from a Region to a Challenge")
    assert "Recommendation" in p.message and p.line == 2


def test_reference_of_wrong_type(data_dir):
    write(data_dir, "bad.yaml", ENTITY.replace("type: Driver", "type: Recommendation") + "    audience: [china]\n")
    p = only(data_dir, "audience 'china' is a Region")
    assert p.line == 7


def test_influence_endpoint_type(data_dir):
    write(data_dir, "bad.yaml", "influences:\n  - {from: china, to: fraud, polarity: positive, strength: 1, sections: ['1.1.1']}\n")
    p = only(data_dir, "from 'china' is a Region")
    assert p.line == 2


def test_repeated_relation_and_influence(data_dir):
    write(data_dir, "bad.yaml", """
        relations:
          - {from: tokenisation, type: addresses, to: fraud, sections: ['1.1.1']}
        influences:
          - {from: fraud, to: market-growth, polarity: negative, strength: 1, sections: ['1.1.2']}
        """)
    msgs = [p.message for p in problems(data_dir)]
    assert any("same relation is already stated at" in m for m in msgs)
    assert any("influence of 'fraud' on 'market-growth' is already stated" in m for m in msgs)


def test_many_errors_in_one_file_reported_together(data_dir):
    write(data_dir, "bad.yaml", """
        entities:
          - id: a
            type: Drivr
            label: {zh: 甲}
            description: {zh: 甲, en: A}
            sections: ["9.9"]
          - id: b
            type: Driver
            label: {zh: 乙, en: B}
            description: {zh: 乙, en: B}
            sections: ["1.1.9"]
        relations:
          - {from: paybox, type: enables, to: frod, sections: ["1.1.1"]}
        """)
    found = problems(data_dir)
    assert len(found) >= 4
    assert {p.line for p in found} >= {3, 4, 11, 13}


def test_report_file_problems(data_dir):
    report = data_dir / "tiny" / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("id: tiny", "id: other").replace('section: "2.1.1"', 'section: "3.1"')
                      .replace('  - {number: "1.1", heading: {zh: 驅動, en: Drivers}}\n', ""), encoding="utf-8")
    msgs = [p.message for p in problems(data_dir)]
    assert any("differs from its folder name" in m for m in msgs)
    assert any("section 3.1 is not in the report" in m for m in msgs)
    assert any("before (or without) its parent section 1.1" in m for m in msgs)


def test_not_utf8(data_dir):
    (data_dir / "tiny" / "bad.yaml").write_bytes("entities: []\n# \u4e2d".encode("big5"))
    p = only(data_dir, "not UTF-8")
    assert p.file.endswith("bad.yaml")


def test_no_report_and_no_folder(tmp_path):
    with pytest.raises(DataError, match="no report found"):
        load_data(tmp_path)
    with pytest.raises(DataError, match="no such folder"):
        load_data(tmp_path / "missing")


def test_problem_renders_file_line_column_field(data_dir):
    write(data_dir, "bad.yaml", ENTITY.replace("type: Driver", "type: Drivr"))
    with pytest.raises(DataError) as info:
        load_data(data_dir)
    assert "tiny/bad.yaml:3:11: entities[extra].type: did you mean 'Driver'?" in str(info.value)
