"""The build workers' YAML reader (rapidyaml) gives PyYAML's values, or leaves the text to PyYAML."""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import _fastyaml
from kg.loader import _plain_value, load_report
from kg.resources import bundled_data_dir

pytestmark = pytest.mark.skipif(not _fastyaml.available(), reason="rapidyaml is not installed")


def pyyaml(text):
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def fast(text):
    return _fastyaml.read(text, _plain_value)


def same(a, b) -> bool:
    """Equal values of the same types, mappings in the same order (NaN equal to NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def assert_pyyaml_s(text):
    """The fast reader gives PyYAML's values, or leaves the text to PyYAML; what PyYAML
    rejects it never accepts. Returns whether it read the text."""
    try:
        want = pyyaml(text)
    except yaml.YAMLError:
        want = yaml.YAMLError
    try:
        got = fast(text)
    except _fastyaml.Unsupported:
        return False
    assert want is not yaml.YAMLError, f"PyYAML rejects {text!r}, the fast reader gave {got!r}"
    assert same(got, want), f"{text!r}: {got!r} != PyYAML's {want!r}"
    return True


@pytest.mark.parametrize("text, expected", [
    ("a: 1\nb: '1'\nc: \"2\"\nd: 1.5\ne: 1e3\nf: x\n", {"a": 1, "b": "1", "c": "2", "d": 1.5, "e": "1e3", "f": "x"}),
    ("a:\nb: null\nc: 'null'\nd: true\ne: 'true'\nf: \"\"\n", {"a": None, "b": None, "c": "null", "d": True, "e": "true", "f": ""}),
    ("s: [\"1.1.1\", 1.1.1, 2.10]\nt: {zh: 甲, en: \"A \\\"b\\\"\"}\n",
     {"s": ["1.1.1", "1.1.1", 2.1], "t": {"zh": "甲", "en": 'A "b"'}}),
    ("a: |\n  one\n  two\nb: >\n  folded\n  text\nc: plain\n  over lines\n",
     {"a": "one\ntwo\n", "b": "folded text\n", "c": "plain over lines"}),
    ("- 1\n- - 2\n  - x: y\n", [1, [2, {"x": "y"}]]),
    ("a: 1\r\nb: [x, y]\r\n", {"a": 1, "b": ["x", "y"]}),
])
def test_values_as_pyyaml_makes_them(text, expected):
    assert same(fast(text), expected) and same(fast(text), pyyaml(text))


@pytest.mark.parametrize("text", [
    # PyYAML's types (YAML 1.1) where a JSON string cannot tell how it was written
    "a: yes\n", "a: 'yes'\n", "a: ~\n", "a: 2024-01-01\n", "a: 0x1A\n", "a: 017\n", "a: 1_000\n",
    "a: 1:20\n", "a: .inf\n", "1: a\n", "null: a\n", "'1': a\n",
    "a: .5\n", "a: -.5\n", "a: [.5]\n",                        # rapidyaml writes 0.5
    "a: 1\na: 2\n",                                            # a key written twice
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "<<: {a: 1}\n",        # anchors, aliases, tags, merge
    "---\na: 1\n", "a: 1\n---\nb: 2\n", "%YAML 1.1\n---\na: 1\n",
    "a: 1",                                                    # no line break at the end
    "a:\tb\n", "\ufeffa: 1\n", "a: b\x85c\n", "a: \x07\n",     # tabs, BOM, NEL, control characters
    "a: @x\n", "a: `x\n", "a: ]x\n", ": x\n", "? a\n: b\n",    # what PyYAML rejects or reads otherwise
    "a: [x,\n  y]\n", "a: [x\n", "a: |x\n  y\n", "|\n  x\n", "x\n", "",
])
def test_what_is_left_to_pyyaml(text):
    with pytest.raises(_fastyaml.Unsupported):
        fast(text)


def test_rapidyaml_s_parse_errors_are_not_printed(capfd):
    for text in ("a: b: c\n", "a: -\n", "a: [x]]\n"):
        with pytest.raises(_fastyaml.Unsupported):
            fast(text)
    assert capfd.readouterr().err == ""


def test_the_bundled_report_and_the_fixtures_read_as_pyyaml_reads_them():
    root = Path(__file__).parent
    files = sorted(bundled_data_dir().rglob("*.yaml")) + sorted((root / "fixtures").rglob("*.yaml"))
    read = [assert_pyyaml_s(p.read_text(encoding="utf-8")) for p in files]
    assert sum(read) >= len(read) - 2  # (one bundled file has a backtick in a comment)


def test_a_report_loads_the_same_either_way():
    report_dir = next(p for p in bundled_data_dir().iterdir() if p.is_dir())
    assert load_report(report_dir, fast=True) == load_report(report_dir)


# --------------------------------------------------------------------------- properties

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.sampled_from(["yes", "No", "on", "~", "null", "1.1.1", "2.10", "1e3", ".5", "-.5", "0x1A", "017",
                     "1_000", "1:20", "<<", "=", "a: b", "- x", "#c", "'q'", '"q"', "中文", "R&D", " x ", ""]),
)
keys = st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
                 st.integers(0, 99), st.sampled_from(["id", "yes", "1.1", "null", "a b"]))
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
).filter(lambda d: isinstance(d, (dict, list)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from([None, False, True]), st.sampled_from([None, "'", '"', "|", ">"]),
       st.sampled_from([80, 20]), st.booleans())
def test_a_document_pyyaml_writes_is_read_as_pyyaml_reads_it(data, flow, style, width, unicode):
    text = yaml.safe_dump(data, default_flow_style=flow, default_style=style, width=width,
                          allow_unicode=unicode, sort_keys=False)
    assert_pyyaml_s(text)


TOKENS = ["a", "key", "1", "1.5", "- ", ": ", ":", " ", "  ", "\n", "\n  ", "\n    ", "'", '"', "[", "]",
          "{", "}", ",", "#", "|", ">", "yes", "~", "null", "2024-01-01", "0x1A", "1e3", ".5", "-.5", "中文",
          "\\", "?", "%", "=", "<<", "true", "\r\n", "x y", "&", "*", "!", "@", "`", "\t", "...", "---", "-"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25))
def test_a_text_pyyaml_rejects_is_left_to_it(tokens):
    assert_pyyaml_s("".join(tokens) + "\n")
