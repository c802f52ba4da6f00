"""The pydantic models of the authoring format, on their own."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from kg.model import Entity, Figure, Influence, RelationDef, SectionDef

TEXT = {"zh": "甲", "en": "A"}


def entity(**kw):
    base = dict(id="a", type="Driver", label=TEXT, description=TEXT, sections=["1.1"])
    base.update(kw)
    return Entity.model_validate(base)


def figure(**kw):
    base = dict(id="f", label=TEXT, description=TEXT, sections=["1"], measures=["m"], value=1200,
                scale="億", unit="money", currency="USD", year=2023, kind="actual")
    base.update(kw)
    return Figure.model_validate(base)


def test_entity_minimal():
    e = entity()
    assert e.label.zh == "甲" and e.sections == ("1.1",) and e.alt_labels is None


@pytest.mark.parametrize("bad", [
    {"id": "Has Space"}, {"type": "Drivr"}, {"label": {"zh": "甲"}}, {"sections": []},
    {"sections": ["1.1", "1.1"]}, {"sections": ["one"]}, {"colour": "red"}, {"label": {"zh": " ", "en": "A"}},
])
def test_entity_rejects(bad):
    with pytest.raises(ValidationError):
        entity(**bad)


def test_recommendation_needs_audience_and_only_it_may_have_one():
    with pytest.raises(ValidationError, match="audience"):
        entity(type="Recommendation")
    assert entity(type="Recommendation", audience=["x"]).audience == ("x",)
    with pytest.raises(ValidationError, match="only for Recommendation"):
        entity(audience=["x"])
    with pytest.raises(ValidationError, match="only for Challenge"):
        entity(unaddressed=True)


def test_empty_alt_labels_are_none():
    assert entity(alt_labels={"zh": [], "en": []}).alt_labels is None


def test_figure_value_is_exact_and_normalised():
    f = figure(value=14.5, scale=None, unit="percent", currency=None)
    assert f.value == Decimal("14.5") and f.normalized_value == Decimal("14.5")
    assert figure().normalized_value == Decimal("120000000000")
    assert figure(scale="萬億", value=1.2).normalized_value == Decimal("1200000000000.0")


@pytest.mark.parametrize("bad", [
    {"currency": None}, {"unit": "percent"}, {"currency": "usd"}, {"year": 1800}, {"year": "2023"},
    {"kind": "guess"}, {"value": -1}, {"scale": "gazillion"}, {"measures": []}, {"value": True},
    {"growth": {"rate": 5, "kind": "weird"}}, {"qualifier": "roughly"},
])
def test_figure_rejects(bad):
    with pytest.raises(ValidationError):
        figure(**bad)


def test_relation_and_influence():
    r = RelationDef.model_validate({"from": "a", "type": "enables", "to": "b", "sections": ["1"]})
    assert r.from_ == "a"
    with pytest.raises(ValidationError):
        RelationDef.model_validate({"from": "a", "type": "befriends", "to": "b", "sections": ["1"]})
    i = Influence.model_validate({"from": "a", "to": "b", "polarity": "-", "strength": 2, "sections": ["1"]})
    assert i.polarity == "negative" and i.sign == -1
    for bad in ({"polarity": "up"}, {"strength": 4}, {"strength": 0}):
        with pytest.raises(ValidationError):
            Influence.model_validate({"from": "a", "to": "b", "polarity": "+", "strength": 1, "sections": ["1"], **bad})


def test_section_parent():
    assert SectionDef(number="1.2.3", heading=TEXT).parent == "1.2"
    assert SectionDef(number="7", heading=TEXT).parent is None
