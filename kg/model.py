"""Pydantic models of the authoring format (``data/<report-id>/*.yaml``).

Two layers:

* the *file* models (:class:`ReportFile`, :class:`ContentFile`) describe one YAML
  file each and are what the loader validates, so every error has a file and line;
* :class:`Report` is one whole report after cross-file checks: the unit the RDF
  builder consumes and :func:`kg.rdf.report_from_graph` gives back.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StringConstraints, field_validator, model_validator

from .schema import ENTITY_TYPES, RELATIONS, SCALES

__all__ = [
    "Text",
    "AltLabels",
    "Entity",
    "Figure",
    "Growth",
    "RelationDef",
    "Influence",
    "SectionDef",
    "Truncation",
    "ReportFile",
    "ContentFile",
    "Report",
]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
SectionNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)*$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
EntityType = Literal[tuple(t for t in ENTITY_TYPES if t != "MarketMetric")]  # type: ignore[valid-type]
RelationType = Literal[tuple(RELATIONS)]  # type: ignore[valid-type]
ScaleWord = Literal[tuple(SCALES)]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(_Strict):
    """The same text in Chinese and English; both are required."""

    zh: NonEmpty
    en: NonEmpty


class AltLabels(_Strict):
    """Other names an entity goes by, per language (synonyms, abbreviations)."""

    zh: tuple[NonEmpty, ...] = ()
    en: tuple[NonEmpty, ...] = ()


def _unique_sections(v: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(v)) == len(v):
        return v
    repeats = sorted({s for s in v if v.count(s) > 1})
    if repeats:
        raise ValueError(f"section listed twice: {', '.join(repeats)}")
    return v


Sections = Annotated[tuple[SectionNumber, ...], Field(min_length=1), AfterValidator(_unique_sections)]


class _Described(_Strict):
    id: Slug
    label: Text
    alt_labels: AltLabels | None = None
    description: Text
    sections: Sections

    @field_validator("alt_labels")
    @classmethod
    def _empty_is_none(cls, v: AltLabels | None) -> AltLabels | None:
        return None if v is not None and not v.zh and not v.en else v


class Entity(_Described):
    """A driver, challenge, competitor, technology, recommendation, … of a report."""

    type: EntityType
    category: Slug | None = None
    #: Recommendations and investment themes: the stakeholders they are meant for.
    audience: tuple[Slug, ...] = ()
    #: Challenges only: the report offers nothing against it (an explicit gap).
    unaddressed: bool = False

    @model_validator(mode="after")
    def _type_specific(self) -> "Entity":
        if self.type == "Recommendation" and not self.audience:
            raise ValueError("a Recommendation needs 'audience': the stakeholder ids it is meant for")
        if self.audience and self.type not in ("Recommendation", "InvestmentTheme"):
            raise ValueError("'audience' is only for Recommendation and InvestmentTheme entities")
        if self.unaddressed and self.type != "Challenge":
            raise ValueError("'unaddressed' is only for Challenge entities")
        return self


class Growth(_Strict):
    """A growth rate the report states for a figure, in percent."""

    rate: Decimal
    kind: Literal["cagr", "yoy", "total"]
    #: The figure the growth starts from (for a forecast, usually the actual figure).
    baseline: Slug | None = None


Qualifier = Literal["about", "nearly", "more-than", "at-least", "less-than", "up-to"]


class Figure(_Described):
    """A figure stated by the report (a MarketMetric): value exactly as written."""

    measures: Annotated[tuple[Slug, ...], Field(min_length=1)]
    value: Annotated[Decimal, Field(ge=0)]
    scale: ScaleWord | None = None
    unit: Slug
    currency: Currency | None = None
    year: Annotated[StrictInt, Field(ge=1900, le=2100)] | None = None
    scope: Slug | None = None
    kind: Literal["actual", "forecast"]
    qualifier: Qualifier | None = None
    publisher: Slug | None = None
    growth: Growth | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _exact(cls, v):
        # YAML gives floats; go through str so 14.5 stays 14.5, not its binary expansion.
        if isinstance(v, bool):
            raise ValueError("expected a number, got a boolean")
        return Decimal(str(v)) if isinstance(v, (int, float)) else v

    @model_validator(mode="after")
    def _money_has_currency(self) -> "Figure":
        if self.unit == "money" and self.currency is None:
            raise ValueError("a figure with unit 'money' needs 'currency' (an ISO 4217 code such as CNY)")
        if self.currency is not None and self.unit != "money":
            raise ValueError(f"'currency' is only for unit 'money' (this figure's unit is '{self.unit}')")
        return self

    @property
    def normalized_value(self) -> Decimal:
        """The value times its scale: 1200 億 → 120000000000."""
        return self.value * (SCALES[self.scale] if self.scale else 1)


class RelationDef(_Strict):
    """One typed link between two entities, with the sections that state it."""

    from_: Slug = Field(alias="from")
    type: RelationType
    to: Slug
    sections: Sections
    note: NonEmpty | None = None


class Influence(_Strict):
    """A signed, weighted influence of one entity on another (strength 1 weak … 3 strong)."""

    from_: Slug = Field(alias="from")
    to: Slug
    polarity: Literal["positive", "negative"]
    strength: Literal[1, 2, 3]
    sections: Sections
    note: NonEmpty | None = None

    @field_validator("polarity", mode="before")
    @classmethod
    def _sign(cls, v):
        return {"+": "positive", "-": "negative", "−": "negative"}.get(v, v) if isinstance(v, str) else v

    @property
    def sign(self) -> int:
        return 1 if self.polarity == "positive" else -1


class SectionDef(_Strict):
    """A chapter, section or leaf section; its parent follows from the number."""

    number: SectionNumber
    heading: Text

    @property
    def parent(self) -> str | None:
        return self.number.rpartition(".")[0] or None


class Truncation(_Strict):
    """The report's text stops early: where, and a note on why."""

    section: SectionNumber
    note: Text


class ReportFile(_Strict):
    """``report.yaml``: what the report is and its table of contents."""

    id: Slug | None = None
    title: Text
    language: Annotated[str, StringConstraints(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]
    description: Text | None = None
    source: NonEmpty | None = None
    truncated: Truncation | None = None
    sections: Annotated[tuple[SectionDef, ...], Field(min_length=1)]


class ContentFile(_Strict):
    """Any other YAML file of a report: entities, figures, relations, influences."""

    entities: tuple[Entity, ...] = ()
    figures: tuple[Figure, ...] = ()
    relations: tuple[RelationDef, ...] = ()
    influences: tuple[Influence, ...] = ()


class Report(_Strict):
    """One report, whole and cross-checked."""

    id: Slug
    title: Text
    language: str
    description: Text | None = None
    source: str | None = None
    truncated: Truncation | None = None
    sections: tuple[SectionDef, ...]
    entities: tuple[Entity, ...] = ()
    figures: tuple[Figure, ...] = ()
    relations: tuple[RelationDef, ...] = ()
    influences: tuple[Influence, ...] = ()

    def section_numbers(self) -> set[str]:
        return {s.number for s in self.sections}

    def leaf_sections(self) -> list[str]:
        """Numbers of the sections no other section is part of, in document order."""
        parents = {s.parent for s in self.sections}
        return [s.number for s in self.sections if s.number not in parents]

    def normalized(self) -> "Report":
        """The same report with every unordered list sorted, for comparing two reports."""
        def tidy(item):
            changes = {"sections": tuple(sorted(item.sections, key=natural_key))}
            for name in ("audience", "measures"):
                if hasattr(item, name):
                    changes[name] = tuple(sorted(getattr(item, name)))
            alt = getattr(item, "alt_labels", None)
            if alt is not None:
                changes["alt_labels"] = AltLabels(zh=tuple(sorted(alt.zh)), en=tuple(sorted(alt.en)))
            return item.model_copy(update=changes)

        return self.model_copy(update={
            "entities": tuple(sorted((tidy(e) for e in self.entities), key=lambda e: e.id)),
            "figures": tuple(sorted((tidy(f) for f in self.figures), key=lambda f: f.id)),
            "relations": tuple(sorted((tidy(r) for r in self.relations), key=lambda r: (r.from_, r.type, r.to))),
            "influences": tuple(sorted((tidy(i) for i in self.influences), key=lambda i: (i.from_, i.to))),
        })

    def types_by_id(self) -> dict[str, str]:
        types = {e.id: e.type for e in self.entities}
        types.update({f.id: "MarketMetric" for f in self.figures})
        return types


def natural_key(number: str) -> tuple[int, ...]:
    """Sort key for section numbers: 1.10 comes after 1.9."""
    return tuple(int(p) for p in re.findall(r"\d+", number))
