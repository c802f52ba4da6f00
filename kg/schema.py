"""The authoring vocabulary: entity types and the relations allowed between them.

This table is the single place the loader, the RDF builder and the round trip read
the vocabulary from. ``ontology/kg.ttl`` declares the same terms for OWL tools and
``ontology/shapes.ttl`` enforces them on the RDF side; ``tests/test_ontology.py``
checks that the three agree, so a change here that is not mirrored there fails.

Pure data, no heavy imports: the CLI imports this module on its start path.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ONTOLOGY_NS",
    "DATA_NS",
    "ANALYSIS_GRAPH",
    "ENTITY_TYPES",
    "INFLUENCE_TYPES",
    "RELATIONS",
    "FIELD_RELATIONS",
    "Relation",
    "SCALES",
    "scale_multiplier",
]

ONTOLOGY_NS = "https://w3id.org/strategy-kg/ontology#"
DATA_NS = "https://w3id.org/strategy-kg/report/"
#: The named graph ``kg analyze`` writes its results into (outside every report's graph).
ANALYSIS_GRAPH = "https://w3id.org/strategy-kg/analysis"

#: Entity types an analyst can author, in the order ``kg stats`` lists them.
#: ``MarketMetric`` is authored under ``figures:``, the others under ``entities:``.
ENTITY_TYPES: tuple[str, ...] = (
    "Driver",
    "Challenge",
    "Competitor",
    "Technology",
    "Recommendation",
    "Scenario",
    "Trend",
    "Outcome",
    "Region",
    "Regulation",
    "Stakeholder",
    "Organisation",
    "InvestmentTheme",
    "MarketMetric",
)

#: Types that may take part in the signed, weighted influence network.
INFLUENCE_TYPES: frozenset[str] = frozenset(
    {
        "Driver",
        "Challenge",
        "Competitor",
        "Technology",
        "Recommendation",
        "Scenario",
        "Trend",
        "Outcome",
        "Regulation",
        "Stakeholder",
        "InvestmentTheme",
    }
)

_ALL = frozenset(t for t in ENTITY_TYPES if t != "MarketMetric")


@dataclass(frozen=True)
class Relation:
    """One relation of the authoring format.

    ``name`` is what analysts write (``type: enables``); ``prop`` is the local name
    of the ontology property; ``domain``/``range`` are the entity types allowed at
    each end; ``symmetric`` relations read the same both ways.
    """

    name: str
    prop: str
    domain: frozenset[str]
    range: frozenset[str]
    symmetric: bool = False


def _rel(name: str, prop: str, domain, range_, symmetric: bool = False) -> Relation:
    return Relation(name, prop, frozenset(domain), frozenset(range_), symmetric)


#: Relations authored under ``relations:`` (``from``/``type``/``to``/``sections``).
#: Influences, figure links and recommendation audiences have their own syntax.
RELATIONS: dict[str, Relation] = {
    r.name: r
    for r in (
        _rel(
            "addresses",
            "addresses",
            {"Recommendation", "Technology", "Regulation", "InvestmentTheme", "Competitor",
             "Stakeholder", "Trend"},
            {"Challenge"},
        ),
        _rel(
            "enables",
            "enables",
            {"Technology", "Driver", "Regulation", "Trend", "Competitor", "Recommendation",
             "InvestmentTheme", "Scenario", "Stakeholder", "Outcome"},
            {"Scenario", "Technology", "Trend", "Outcome", "Competitor", "Driver",
             "Recommendation", "Stakeholder"},
        ),
        _rel(
            "hinders",
            "hinders",
            {"Challenge", "Regulation", "Competitor", "Trend", "Driver", "Technology"},
            {"Scenario", "Technology", "Competitor", "Outcome", "Trend", "Stakeholder",
             "Driver", "Recommendation", "Region"},
        ),
        _rel("competes_in", "competesIn", {"Competitor"}, {"Scenario", "Region"}),
        _rel("competes_with", "competesWith", {"Competitor"}, {"Competitor"}, symmetric=True),
        _rel(
            "partners_with",
            "partnersWith",
            {"Competitor", "Organisation", "Stakeholder"},
            {"Competitor", "Organisation", "Stakeholder"},
            symmetric=True,
        ),
        _rel(
            "uses",
            "uses",
            {"Competitor", "Stakeholder", "Scenario", "Organisation", "Recommendation"},
            {"Technology"},
        ),
        _rel("serves", "serves", {"Competitor", "Technology"}, {"Scenario", "Stakeholder"}),
        _rel(
            "applies_to",
            "appliesTo",
            {"Regulation"},
            {"Competitor", "Scenario", "Technology", "Stakeholder", "Region", "Organisation",
             "Challenge"},
        ),
        _rel(
            "located_in",
            "locatedIn",
            {"Competitor", "Organisation", "Region", "Regulation", "Scenario", "Stakeholder"},
            {"Region"},
        ),
        _rel("part_of", "partOf", _ALL, _ALL),
        _rel(
            "concerns",
            "concerns",
            {"InvestmentTheme", "Trend", "Recommendation", "Outcome"},
            _ALL,
        ),
        _rel("related_to", "relatedTo", _ALL, _ALL, symmetric=True),
    )
}

#: Relations that the format writes with dedicated fields; listed so the ontology
#: test can check their domain and range too. (name, prop, domain, range)
FIELD_RELATIONS: tuple[Relation, ...] = (
    _rel("measures", "measures", {"MarketMetric"}, _ALL),
    _rel("publisher", "publishedBy", {"MarketMetric"}, {"Organisation"}),
    _rel("scope", "scope", {"MarketMetric"}, {"Region"}),
    _rel("audience", "intendedFor", {"Recommendation", "InvestmentTheme"}, {"Stakeholder"}),
    _rel("influences", "influences", INFLUENCE_TYPES, INFLUENCE_TYPES),
)

#: Chinese and English magnitude words → multiplier. Both scripts are accepted.
SCALES: dict[str, int] = {
    "十": 10,
    "百": 100,
    "千": 1_000,
    "萬": 10_000,
    "万": 10_000,
    "十萬": 100_000,
    "十万": 100_000,
    "百萬": 1_000_000,
    "百万": 1_000_000,
    "千萬": 10_000_000,
    "千万": 10_000_000,
    "億": 100_000_000,
    "亿": 100_000_000,
    "十億": 1_000_000_000,
    "十亿": 1_000_000_000,
    "百億": 10_000_000_000,
    "百亿": 10_000_000_000,
    "千億": 100_000_000_000,
    "千亿": 100_000_000_000,
    "萬億": 1_000_000_000_000,
    "万亿": 1_000_000_000_000,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}


def scale_multiplier(scale: str | None) -> int:
    """Return the multiplier of a magnitude word (``None`` means 1).

    >>> scale_multiplier("億")
    100000000
    >>> scale_multiplier(None)
    1
    """
    if scale is None:
        return 1
    return SCALES[scale]
