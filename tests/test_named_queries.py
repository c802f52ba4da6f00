"""The named SPARQL queries (``kg/queries/*.rq``).

Every query parses, says what it answers, runs on rdflib in memory and on embedded Oxigraph
with the same rows in the same order, and gives on the fixture exactly the answer worked
out by hand from ``tests/fixtures/data/tiny/*.yaml``. A few run on the real dataset too.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

import kg
from kg.sparql import named_queries
from kg.store import open_backend, run_query

from .conftest import FIXTURE_DATA, ROOT

pytest.importorskip("oxrdflib")

QUERIES = sorted(named_queries())
KGO = Namespace("https://w3id.org/strategy-kg/ontology#")
TINY = "https://w3id.org/strategy-kg/report/tiny"
E = Namespace(f"{TINY}/entity/")
S = Namespace(f"{TINY}/section/")
A = Namespace(f"{TINY}/assertion/")

# values for the parameters that named queries require (on the fixture)
SAMPLES = {"entity": "paybox", "section": "1.1.1", "source": "mobile-first", "target": "market-growth"}


@pytest.fixture(scope="module")
def memory():
    return open_backend(data=FIXTURE_DATA, store="memory")


@pytest.fixture(scope="module")
def oxigraph():
    return open_backend(data=FIXTURE_DATA, store="oxigraph")


@pytest.fixture(scope="module", params=["memory", "oxigraph"])
def backend(request, memory, oxigraph):
    return {"memory": memory, "oxigraph": oxigraph}[request.param]


@pytest.fixture(scope="module")
def real():
    return kg.load(ROOT / "data")


def required(name: str) -> dict[str, str]:
    return {p.name: SAMPLES[p.name] for p in named_queries()[name].params if p.required}


def plain(value):
    """A value as written in the expectations: numbers by value (3, 14.5), the rest as is."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    return int(value) if value == int(value) else float(value)


def table(result, columns: str) -> list[tuple]:
    """The chosen columns of a SELECT result, in order, with None for an unbound cell."""
    names = columns.split()
    assert set(names) <= set(result.vars), f"no column(s) {set(names) - set(result.vars)} in {result.vars}"
    return [tuple(plain(row.get(n)) for n in names) for row in result.dicts()]


def term_key(term) -> str:
    """A term as text, the same whichever store made it: Oxigraph (through oxrdflib) gives
    simple literals an explicit ^^xsd:string and writes decimals in their shortest form."""
    if isinstance(term, Literal):
        if term.language:
            return f"{term}@{term.language}"
        if term.datatype in (None, XSD.string):
            return f'"{term}"'
        value = term.toPython()
        return f"{plain(value) if isinstance(value, (int, Decimal, float)) else value}^^{term.datatype}"
    return term.n3()


def comparable(result):
    if result.form == "ASK":
        return result.boolean
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return sorted(" ".join(term_key(t) for t in triple) for triple in result.graph)
    return [{k: plain(v) for k, v in row.items()} for row in result.dicts()]


# --------------------------------------------------------------------------- the library itself


def test_there_are_enough_named_queries():
    assert len(QUERIES) >= 17
    forms = {named_queries()[n].form for n in QUERIES}
    assert {"SELECT", "ASK", "CONSTRUCT"} <= forms


@pytest.mark.parametrize("name", QUERIES)
def test_header_documents_the_query(name):
    q = named_queries()[name]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
    assert q.title and q.question.endswith("?"), "a title and a question ending in '?'"
    assert q.text.startswith("# title:")
    body = "\n".join(line for line in q.text.splitlines() if not line.lstrip().startswith("#"))
    for p in q.params:
        assert p.description, f"parameter {p.name} needs a description"
        assert f"?{p.name}" in body, f"parameter {p.name} is declared but not used"
        if p.required:
            assert p.name in SAMPLES, f"add a sample value for parameter '{p.name}'"
    names = {p.name: p for p in q.params}
    if re.search(r"lang\(\?\w+\)\s*=\s*\?lang", body):
        assert "lang" in names and names["lang"].default == '"en"', "label queries take lang = \"en\""
    for prefix in set(re.findall(r"\b([a-z]+):\w", body)) - {"http", "https"}:
        assert re.search(rf"(?m)^PREFIX {prefix}:", q.text), f"declare PREFIX {prefix}: (portability)"


CLIENT_KEYWORDS = re.compile(r"construct|select|ask|describe|insert|delete|create|clear|drop|load|copy|move|add", re.I)


@pytest.mark.parametrize("name", QUERIES)
def test_clients_can_tell_the_query_form(name):
    """SPARQLWrapper finds a query's form with a bare substring search that skips only every
    other comment line; a header saying "addresses" makes it send a SELECT as an update (ADD).
    So the comments before the query keyword avoid those words altogether."""
    q = named_queries()[name]
    for line in q.text.splitlines():
        if re.match(r"\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", line):
            break
        if line.lstrip().startswith("#"):
            assert not CLIENT_KEYWORDS.search(line), f"reword {line.strip()!r}"
    wrapper = pytest.importorskip("SPARQLWrapper")
    from kg.sparql import parse_term, prepare

    text, _ = prepare(q.text, {p.name: parse_term(p.default or '"x"', p.name) for p in q.params})
    assert wrapper.SPARQLWrapper("http://localhost/sparql")._parseQueryType(text) == q.form


def _ids(directory) -> set[str]:
    ids = set()
    for path in directory.glob("*/*.yaml"):
        ids |= set(re.findall(r"(?m)^\s*-?\s*id:\s*([\w-]+)", path.read_text(encoding="utf-8")))
    return ids


@pytest.mark.parametrize("name", QUERIES)
def test_written_against_the_ontology_not_a_report(name):
    body = "\n".join(line for line in named_queries()[name].text.splitlines() if not line.lstrip().startswith("#"))
    literals = set(re.findall(r'"([^"]*)"', body))
    assert not literals & (_ids(FIXTURE_DATA) | _ids(ROOT / "data")), "no report's ids in query text"
    assert "/report/" not in body and "micropayment" not in body.lower()


# --------------------------------------------------------------------------- both stores agree


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", QUERIES)
def test_same_answer_in_memory_and_in_oxigraph(memory, oxigraph, name, lang):
    params = required(name)
    mem = comparable(run_query(name, params, backend=memory, lang=lang))
    ox = comparable(run_query(name, params, backend=oxigraph, lang=lang))
    assert mem == ox
    assert mem not in ([], False), "every query has an answer on the fixture with the sample values"


def test_construct_literals_are_the_same_terms_in_memory_and_oxigraph(memory, oxigraph):
    q = "CONSTRUCT { ?s dcterms:identifier ?id } WHERE { ?s dcterms:identifier ?id }"
    assert set(run_query(q, backend=memory).graph) == set(run_query(q, backend=oxigraph).graph)


# --------------------------------------------------------------------------- answers on the fixture

# name -> [(params, columns, expected rows)], worked out by hand from tests/fixtures/data/tiny
EXPECTED: dict[str, list[tuple[dict, str, list[tuple]]]] = {
    "drivers-by-influence": [
        ({}, "driverId driverLabel score influences positive negative",
         [("phone-adoption", "Phone adoption", 3, 1, 1, 0)]),
        ({"lang": "zh"}, "driverLabel score", [("手機普及", 3)]),
    ],
    "challenge-responses": [
        ({}, "challengeId challengeLabel responseType responseId responseLabel sections",
         [("fraud", "Fraud", "Recommendation", "harden-security", "Harden security", "2.1.1"),
          ("fraud", "Fraud", "Technology", "tokenisation", "Tokenisation", "2.1.1")]),
        ({"challenge": "fraud"}, "responseId", [("harden-security",), ("tokenisation",)]),
        ({"challenge": "chargeback-cost"}, "responseId", []),
    ],
    "challenges-unaddressed": [
        ({}, "challengeId challengeLabel markedUnaddressed category sections",
         [("chargeback-cost", "Chargeback cost", True, None, "1.1.2")]),
    ],
    "entity-facts": [
        ({"entity": "paybox"}, "direction relation otherId otherLabel otherType polarity strength sections note",
         [("out", "competesIn", "tipping", "Tipping", "Scenario", None, None, "1.1.2", None),
          ("out", "locatedIn", "china", "China", "Region", None, None, "1.1.2", None),
          ("out", "partOf", "paybox-group", "PayBox Group", "Organisation", None, None, "1.1.2", None),
          ("out", "uses", "tokenisation", "Tokenisation", "Technology", None, None, "2.1.1", None),
          ("mutual", "partnersWith", "research-co", "Research Co", "Organisation", None, None, "1.1.2", None),
          ("in", "appliesTo", "data-law", "Data protection law", "Regulation", None, None, "2.1.1", None),
          ("in", "measures", "paybox-share", "PayBox share", "MarketMetric", None, None, "1.1.2", None)]),
        ({"entity": "research-co"}, "direction relation otherId",
         [("mutual", "partnersWith", "paybox"),
          ("in", "publishedBy", "market-2022"), ("in", "publishedBy", "market-2025")]),
        ({"entity": "fraud", "lang": "zh"}, "direction relation otherId otherLabel polarity strength sections note",
         [("out", "hinders", "tipping", "打賞", None, None, "1.1.1", None),
          ("out", "influences", "market-growth", "市場增長", "negative", 2, "1.1.1", None),
          ("in", "addresses", "harden-security", "加強安全", None, None, "2.1.1", "The core advice."),
          ("in", "addresses", "tokenisation", "令牌化", None, None, "2.1.1", None),
          ("in", "influences", "data-law", "資料保護法", "negative", 1, "2.1.1", None),
          ("in", "influences", "harden-security", "加強安全", "negative", 1, "2.1.1", None),
          ("in", "influences", "tokenisation", "令牌化", "negative", 2, "2.1.1", None)]),
        ({"entity": "market-2025"}, "direction relation otherId sections",
         [("out", "growthBaseline", "market-2022", "1.1.2"), ("out", "measures", "market-growth", "1.1.2"),
          ("out", "publishedBy", "research-co", "1.1.2"), ("out", "scope", "china", "1.1.2")]),
        ({"entity": "enterprises"}, "direction relation otherId sections",
         [("in", "intendedFor", "harden-security", "2.1.1")]),
        ({"entity": "no-such-entity"}, "relation", []),
        ({"entity": "1.1.1"}, "relation", []),  # a section is not an entity
    ],
    "figures": [
        ({}, "figureId value scale normalizedValue unit currency year scopeLabel kind qualifier publisherLabel "
             "measures sections",
         [("market-2022", 800, "億", 80_000_000_000, "money", "CNY", 2022, "China", "actual", None, "Research Co",
           "market-growth", "1.1.2"),
          ("market-2025", 2000, "億", 200_000_000_000, "money", "CNY", 2025, "China", "forecast", "more-than",
           "Research Co", "market-growth", "1.1.2"),
          ("paybox-share", 14.5, None, 14.5, "percent", None, None, None, "actual", None, None, "paybox",
           "1.1.2")]),
        ({"lang": "zh"}, "figureLabel scopeLabel publisherLabel",
         [("2022年市場規模", "中國", "研究公司"),
          ("2025年市場規模預測", "中國", "研究公司"),
          ("支付盒份額", None, None)]),
    ],
    "forecasts": [
        ({}, "figureId year qualifier value scale unit currency scopeLabel growthRate growthKind baselineId "
             "baselineLabel baselineYear baselineValue baselineScale sections",
         [("market-2025", 2025, "more-than", 2000, "億", "money", "CNY", "China", 20, "cagr", "market-2022",
           "Market size 2022", 2022, 800, "億", "1.1.2")]),
    ],
    "competitors": [
        ({}, "competitorId competitorLabel link otherId otherLabel value scale unit currency year sections",
         [("paybox", "PayBox", "figure", "paybox-share", "PayBox share", 14.5, None, "percent", None, None, "1.1.2"),
          ("paybox", "PayBox", "partner", "research-co", "Research Co", None, None, None, None, None, "1.1.2")]),
    ],
    "technologies": [
        ({}, "technologyId technologyLabel link otherType otherId otherLabel sections",
         [("tokenisation", "Tokenisation", "addresses", "Challenge", "fraud", "Fraud", "2.1.1")]),
    ],
    "recommendations-by-audience": [
        ({}, "audienceId audienceLabel kind recommendationId recommendationLabel challenges sections",
         [("enterprises", "Enterprises", "Recommendation", "harden-security", "Harden security", 1, "2.1.1"),
          ("investors", "Investors", "InvestmentTheme", "security-tech", "Security technology", 0, "2.1.1")]),
        ({"audience": "investors", "lang": "zh"}, "audienceLabel recommendationLabel", [("投資者", "安全科技")]),
        ({"audience": "nobody"}, "recommendationId", []),
    ],
    "section-contents": [
        ({"section": "1.1.1"}, "reportId kind fromId fromType fromLabel relation toId toLabel polarity strength",
         [("tiny", "entity", "fraud", "Challenge", "Fraud", None, None, None, None, None),
          ("tiny", "entity", "mobile-first", "Trend", "Mobile first", None, None, None, None, None),
          ("tiny", "entity", "phone-adoption", "Driver", "Phone adoption", None, None, None, None, None),
          ("tiny", "entity", "tipping", "Scenario", "Tipping", None, None, None, None, None),
          ("tiny", "influence", "fraud", "Challenge", "Fraud", "influences", "market-growth", "Market growth",
           "negative", 2),
          ("tiny", "influence", "mobile-first", "Trend", "Mobile first", "influences", "phone-adoption",
           "Phone adoption", "positive", 2),
          ("tiny", "influence", "phone-adoption", "Driver", "Phone adoption", "influences", "market-growth",
           "Market growth", "positive", 3),
          ("tiny", "influence", "tipping", "Scenario", "Tipping", "influences", "market-growth", "Market growth",
           "positive", 1),
          ("tiny", "relation", "fraud", "Challenge", "Fraud", "hinders", "tipping", "Tipping", None, None)]),
        ({"section": "2.1.1"}, "kind fromId relation toId",
         [("entity", "data-law", None, None), ("entity", "enterprises", None, None),
          ("entity", "fraud", None, None), ("entity", "harden-security", None, None),
          ("entity", "investors", None, None), ("entity", "security-tech", None, None),
          ("entity", "tokenisation", None, None),
          ("influence", "data-law", "influences", "fraud"), ("influence", "harden-security", "influences", "fraud"),
          ("influence", "tokenisation", "influences", "fraud"),
          ("relation", "data-law", "appliesTo", "paybox"), ("relation", "harden-security", "addresses", "fraud"),
          ("relation", "paybox", "uses", "tokenisation"), ("relation", "security-tech", "concerns", "tokenisation"),
          ("relation", "tokenisation", "addresses", "fraud")]),
        ({"section": "1"}, "kind", []),  # chapters are not cited
        ({"section": "9.9"}, "kind", []),
    ],
    "entities-by-sections": [
        ({}, "entityId sectionCount",
         [("fraud", 2), ("market-growth", 2), ("paybox", 2), ("phone-adoption", 2), ("tipping", 2),
          ("chargeback-cost", 1), ("china", 1), ("data-law", 1), ("enterprises", 1), ("harden-security", 1),
          ("investors", 1), ("market-2022", 1), ("market-2025", 1), ("mobile-first", 1), ("paybox-group", 1),
          ("paybox-share", 1), ("research-co", 1), ("security-tech", 1), ("tokenisation", 1)]),
        ({}, "entityId entityLabel entityType sections",
         [("fraud", "Fraud", "Challenge", "1.1.1, 2.1.1"),
          ("market-growth", "Market growth", "Outcome", "1.1.1, 1.1.2"),
          ("paybox", "PayBox", "Competitor", "1.1.2, 2.1.1"),
          ("phone-adoption", "Phone adoption", "Driver", "1.1.1, 1.1.2"),
          ("tipping", "Tipping", "Scenario", "1.1.1, 1.1.2"),
          ("chargeback-cost", "Chargeback cost", "Challenge", "1.1.2"), ("china", "China", "Region", "1.1.2"),
          ("data-law", "Data protection law", "Regulation", "2.1.1"),
          ("enterprises", "Enterprises", "Stakeholder", "2.1.1"),
          ("harden-security", "Harden security", "Recommendation", "2.1.1"),
          ("investors", "Investors", "Stakeholder", "2.1.1"),
          ("market-2022", "Market size 2022", "MarketMetric", "1.1.2"),
          ("market-2025", "Market size forecast 2025", "MarketMetric", "1.1.2"),
          ("mobile-first", "Mobile first", "Trend", "1.1.1"), ("paybox-group", "PayBox Group", "Organisation", "1.1.2"),
          ("paybox-share", "PayBox share", "MarketMetric", "1.1.2"),
          ("research-co", "Research Co", "Organisation", "1.1.2"),
          ("security-tech", "Security technology", "InvestmentTheme", "2.1.1"),
          ("tokenisation", "Tokenisation", "Technology", "2.1.1")]),
    ],
    "labels": [
        ({}, "entityType entityId",
         [("Challenge", "chargeback-cost"), ("Challenge", "fraud"), ("Competitor", "paybox"),
          ("Driver", "phone-adoption"), ("InvestmentTheme", "security-tech"), ("MarketMetric", "market-2022"),
          ("MarketMetric", "market-2025"), ("MarketMetric", "paybox-share"), ("Organisation", "paybox-group"),
          ("Organisation", "research-co"), ("Outcome", "market-growth"), ("Recommendation", "harden-security"),
          ("Region", "china"), ("Regulation", "data-law"), ("Scenario", "tipping"),
          ("Stakeholder", "enterprises"), ("Stakeholder", "investors"), ("Technology", "tokenisation"),
          ("Trend", "mobile-first")]),
        ({"type": "kgo:Challenge"}, "entityType entityId zh en",
         [("Challenge", "chargeback-cost", "退款成本", "Chargeback cost"),
          ("Challenge", "fraud", "詐騙", "Fraud")]),
        ({"type": "Competitor"}, "entityId zh en", [("paybox", "支付盒", "PayBox")]),
        ({"type": "Section"}, "entityId", []),
    ],
    "regulations": [
        ({}, "regulationId regulationLabel targetType targetId targetLabel sections",
         [("data-law", "Data protection law", "Competitor", "paybox", "PayBox", "2.1.1")]),
    ],
    "table-of-contents": [
        ({}, "reportId number level heading parent entities truncatedHere",
         [("tiny", "1", 1, "Market", None, 0, False), ("tiny", "1.1", 2, "Drivers", "1", 0, False),
          ("tiny", "1.1.1", 3, "Phones everywhere", "1.1", 4, False), ("tiny", "1.1.2", 3, "Size", "1.1", 9, False),
          ("tiny", "2", 1, "Responses", None, 0, False), ("tiny", "2.1", 2, "Advice", "2", 0, False),
          ("tiny", "2.1.1", 3, "Harden security", "2.1", 7, True)]),
        ({"lang": "zh"}, "number heading",
         [("1", "市場"), ("1.1", "驅動"), ("1.1.1", "手機普及"), ("1.1.2", "規模"),
          ("2", "對策"), ("2.1", "建議"), ("2.1.1", "加強安全")]),
    ],
    "influence-edges": [
        ({}, "fromId fromType toId toType polarity strength signed sections note",
         [("chargeback-cost", "Challenge", "market-growth", "Outcome", "negative", 1, -1, "1.1.2", None),
          ("data-law", "Regulation", "fraud", "Challenge", "negative", 1, -1, "2.1.1", None),
          ("fraud", "Challenge", "market-growth", "Outcome", "negative", 2, -2, "1.1.1", None),
          ("harden-security", "Recommendation", "fraud", "Challenge", "negative", 1, -1, "2.1.1", None),
          ("market-growth", "Outcome", "phone-adoption", "Driver", "positive", 1, 1, "1.1.2", None),
          ("mobile-first", "Trend", "phone-adoption", "Driver", "positive", 2, 2, "1.1.1", None),
          ("phone-adoption", "Driver", "market-growth", "Outcome", "positive", 3, 3, "1.1.1", None),
          ("tipping", "Scenario", "market-growth", "Outcome", "positive", 1, 1, "1.1.1", "Tips add volume."),
          ("tokenisation", "Technology", "fraud", "Challenge", "negative", 2, -2, "2.1.1", None)]),
    ],
    "entity-card": [
        ({"entity": "phone-adoption"}, "reportId entityType label altLabels definition category sections",
         [("tiny", "Driver", "Phone adoption", "smartphone penetration", "Most people carry a phone.", None,
           "1.1.1")]),
        ({"entity": "fraud", "lang": "zh"}, "entityType label altLabels definition category sections",
         [("Challenge", "詐騙", None, "盜刷與詐騙。", "security", "1.1.1, 2.1.1")]),
        ({"entity": "market-2025"}, "entityType label", [("MarketMetric", "Market size forecast 2025")]),
        ({"entity": "tiny"}, "label", []),  # the report is not an entity
    ],
    "scenarios": [
        ({}, "scenarioId scenarioLabel link otherType otherId otherLabel sections",
         [("tipping", "Tipping", "competes-in", "Competitor", "paybox", "PayBox", "1.1.2"),
          ("tipping", "Tipping", "hinders", "Challenge", "fraud", "Fraud", "1.1.1")]),
    ],
    "influence-paths": [
        ({"source": "phone-adoption", "target": "market-growth"}, "hops sign weakest path",
         [(1, 1, 3, "Phone adoption → Market growth")]),
        ({"source": "mobile-first", "target": "market-growth"}, "hops sign weakest path",
         [(2, 1, 2, "Mobile first → Phone adoption → Market growth")]),
        ({"source": "harden-security", "target": "phone-adoption"}, "hops sign weakest path",
         [(3, 1, 1, "Harden security → Fraud → Market growth → Phone adoption")]),
        ({"source": "data-law", "target": "market-growth", "lang": "zh"}, "hops sign weakest path",
         [(2, 1, 1, "資料保護法 → 詐騙 → 市場增長")]),
        ({"source": "market-growth", "target": "fraud"}, "path", []),
    ],
    "outcomes-by-pressure": [
        ({}, "outcomeId outcomeLabel net push drag influences", [("market-growth", "Market growth", 1, 4, 3, 4)]),
    ],
    "class-counts": [
        ({}, "reportId kind count",
         [("tiny", "Assertion", 10), ("tiny", "Influence", 9), ("tiny", "Section", 7), ("tiny", "MarketMetric", 3),
          ("tiny", "Challenge", 2), ("tiny", "Organisation", 2), ("tiny", "Stakeholder", 2),
          ("tiny", "Competitor", 1), ("tiny", "Driver", 1), ("tiny", "InvestmentTheme", 1), ("tiny", "Outcome", 1),
          ("tiny", "Recommendation", 1), ("tiny", "Region", 1), ("tiny", "Regulation", 1), ("tiny", "Scenario", 1),
          ("tiny", "Technology", 1), ("tiny", "Trend", 1)]),
    ],
}

CASES = [pytest.param(name, params, columns, rows, id=f"{name}-{i}")
         for name, cases in EXPECTED.items() for i, (params, columns, rows) in enumerate(cases)]


def test_every_select_query_has_expectations():
    selects = {n for n in QUERIES if named_queries()[n].form == "SELECT"}
    assert selects == set(EXPECTED), "add hand-computed expectations for new queries (or drop stale ones)"


@pytest.mark.parametrize(("name", "params", "columns", "rows"), CASES)
def test_answer_on_the_fixture(backend, name, params, columns, rows):
    assert table(run_query(name, params, backend=backend), columns) == rows


def test_ask_whether_an_entity_exists(backend):
    def ask(entity):
        return run_query("entity-exists", {"entity": entity}, backend=backend).boolean

    assert ask("paybox") is True and ask("market-2022") is True
    assert ask("no-such-entity") is False
    assert ask("1.1.1") is False and ask("tiny") is False  # a section, the report
    assert ask(Literal('paybox" } UNION { ?e ?p ?report')) is False  # a term, never query text


def test_construct_the_neighbourhood_of_an_entity(backend):
    g = run_query("entity-neighbourhood", {"entity": "paybox"}, backend=backend).graph
    assert len(g) > 0
    paybox = E.paybox
    for edge in [(paybox, KGO.competesIn, E.tipping), (paybox, KGO.partnersWith, E["research-co"]),
                 (paybox, KGO.uses, E.tokenisation), (E["data-law"], KGO.appliesTo, paybox),
                 (E["paybox-share"], KGO.measures, paybox), (paybox, PROV.wasDerivedFrom, S["1.1.2"]),
                 (paybox, RDF.type, KGO.Competitor), (E["research-co"], RDF.type, KGO.Organisation),
                 (A["data-law.appliesTo.paybox"], RDF.subject, E["data-law"]),
                 (A["data-law.appliesTo.paybox"], PROV.wasDerivedFrom, S["2.1.1"])]:
        assert edge in g, edge
    assert (E["research-co"], SKOS.prefLabel, Literal("研究公司", lang="zh")) in g
    assert {str(o) for o in g.objects(paybox, DCTERMS.identifier)} == {"paybox"}
    # the entity, its neighbours, its relation nodes and its section; nothing further away
    assert set(g.subjects()) == {
        paybox, E.tipping, E.china, E["paybox-group"], E.tokenisation, E["research-co"], E["data-law"],
        E["paybox-share"], S["1.1.2"],
        *(A[a] for a in ["paybox.competesIn.tipping", "paybox.locatedIn.china", "paybox.partOf.paybox-group",
                         "paybox.uses.tokenisation", "paybox.partnersWith.research-co", "data-law.appliesTo.paybox"]),
    }
    influences = run_query("entity-neighbourhood", {"entity": "market-growth"}, backend=backend).graph
    node = URIRef(f"{TINY}/influence/phone-adoption.market-growth")
    assert (node, KGO.strength, Literal(3)) in influences and (node, KGO.influencer, E["phone-adoption"]) in influences
    assert len(run_query("entity-neighbourhood", {"entity": "no-such-entity"}, backend=backend).graph) == 0


# --------------------------------------------------------------------------- languages


LABEL_COLUMN = re.compile(r"(Label|^label|^heading|^path)$")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", [n for n in QUERIES if "lang" in {p.name for p in named_queries()[n].params}])
def test_lang_zh_gives_chinese_labels(memory, name):
    result = run_query(name, required(name), backend=memory, lang="zh")
    labels = [v for row in result.dicts() for k, v in row.items() if LABEL_COLUMN.search(k)]
    assert labels, f"{name} returns no label column on the fixture"
    assert all(CJK.search(v) for v in labels), labels
    english = run_query(name, required(name), backend=memory, lang="en")
    assert len(english) == len(result)
    assert not any(CJK.search(v) for row in english.dicts() for k, v in row.items() if LABEL_COLUMN.search(k))


def test_a_bad_lang_is_a_usage_error(memory):
    with pytest.raises(kg.UsageError, match="expected zh or en"):
        run_query("drivers-by-influence", backend=memory, lang="fr")


def test_missing_required_parameter_is_reported(memory):
    from kg.sparql import QueryError

    with pytest.raises(QueryError, match="missing required parameter 'entity'"):
        run_query("entity-facts", backend=memory)


# --------------------------------------------------------------------------- the real dataset


def test_real_figures(real):
    rows = real.query("figures").dicts()
    assert len(rows) == 13 == len(real.entities("MarketMetric"))
    assert all(r["sections"] and r["measures"] for r in rows)
    assert all(("currency" in r) == (r["unit"] == "money") for r in rows)
    china = next(r for r in rows if r["figureId"] == "fig-china-micropayment-market-2022")
    assert (plain(china["value"]), china["scale"], plain(china["normalizedValue"]), china["currency"],
            plain(china["year"]), china["publisherLabel"]) == (800, "億", 80_000_000_000, "CNY", 2022, "iResearch")


def test_real_drivers_ranking(real):
    rows = real.query("drivers-by-influence", lang="zh").dicts()
    drivers = {e.id for e in real.entities("Driver")}
    assert [r["driverId"] for r in rows] and {r["driverId"] for r in rows} == drivers
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert rows[0]["driverId"] == "mobile-internet-penetration" and CJK.search(rows[0]["driverLabel"])


def test_real_unaddressed_challenges(real):
    rows = real.query("challenges-unaddressed").dicts()
    addressed = {str(o) for o in real.graph.objects(None, KGO.addresses)}
    challenges = {str(s): str(i) for s in real.graph.subjects(RDF.type, KGO.Challenge)
                  for i in real.graph.objects(s, DCTERMS.identifier)}
    assert {r["challengeId"] for r in rows} == {i for iri, i in challenges.items() if iri not in addressed}
    assert rows and all(r["markedUnaddressed"] is True for r in rows)


def test_real_forecasts_and_entity_facts(real):
    forecasts = {r["figureId"]: r for r in real.query("forecasts").dicts()}
    assert len(forecasts) == 5
    china = forecasts["fig-china-micropayment-market-2025"]
    assert (plain(china["growthRate"]), china["growthKind"], china["baselineId"]) == \
        (20, "cagr", "fig-china-micropayment-market-2022")
    facts = {(r["direction"], r["relation"], r["otherId"]) for r in real.query("entity-facts", entity="alipay").dicts()}
    assert {("mutual", "partnersWith", "ant-group"), ("in", "measures", "fig-alipay-user-penetration-china")} <= facts


def test_real_table_of_contents(real):
    rows = real.query("table-of-contents").dicts()
    assert len(rows) == 67 and rows[0]["number"] == "1"
    assert [r["number"] for r in rows if r["truncatedHere"]] == ["7.1.1"]
    assert sum(1 for r in rows if r["level"] == 1) == 7


def test_a_named_query_knows_its_own_name():
    assert {n: q.name for n, q in named_queries().items()} == {n: n for n in named_queries()}


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_listings_give_sections_in_document_order_and_none_for_a_bare_row(data_dir, store):
    # The listings gather each link's sections in a GROUP BY over rows ordered by section
    # order: "1.1.10" comes after "1.1.2" in the document though before it as text, and an
    # entity with no links is one row whose sections cell is unbound on either engine.
    tiny = data_dir / "tiny"
    report = tiny / "report.yaml"
    size = '  - {number: "1.1.2", heading: {zh: 規模, en: Size}}\n'
    assert size in report.read_text(encoding="utf-8")
    report.write_text(report.read_text(encoding="utf-8").replace(
        size, size + '  - {number: "1.1.10", heading: {zh: 其他, en: Other}}\n'), encoding="utf-8")
    links = tiny / "links.yaml"
    text = links.read_text(encoding="utf-8")
    for link in ("{from: tokenisation, type: addresses, to: fraud, sections: [",
                 "{from: paybox, type: competes_in, to: tipping, sections: [",
                 "{from: paybox, type: partners_with, to: research-co, sections: ["):
        assert link in text
        text = text.replace(link, link + '"1.1.10", ')
    links.write_text(text, encoding="utf-8")
    entities = tiny / "entities.yaml"
    entities.write_text(entities.read_text(encoding="utf-8").replace("entities:\n", """entities:
  - id: loner
    type: Competitor
    label: {zh: 獨行者, en: Loner}
    description: {zh: 沒有夥伴的平台。, en: A platform with no partners.}
    sections: ["1.1.10"]
""", 1), encoding="utf-8")
    backend = open_backend(data=data_dir, store=store)
    assert table(run_query("competitors", backend=backend), "competitorId link otherId sections") == [
        ("loner", None, None, None),
        ("paybox", "figure", "paybox-share", "1.1.2"),
        ("paybox", "partner", "research-co", "1.1.2, 1.1.10")]
    assert table(run_query("technologies", backend=backend), "technologyId link otherId sections") == [
        ("tokenisation", "addresses", "fraud", "1.1.10, 2.1.1")]
    assert table(run_query("scenarios", backend=backend), "scenarioId link otherId sections") == [
        ("tipping", "competes-in", "paybox", "1.1.2, 1.1.10"), ("tipping", "hinders", "fraud", "1.1.1")]


def test_prepared_texts_are_kept_by_the_terms_n3():
    """prepare() keeps what it made for a text and its parameters' terms: a repeat is
    answered from the memo, and terms that differ, even only by datatype, give their own
    texts; a text with an error is never kept (each run raises again)."""
    from kg.sparql import QueryError, _prepared, prepare

    text = "SELECT ?e WHERE { ?e kgo:order ?n }"
    first = prepare(text, {"n": Literal(1)}, inline=True)
    hits = _prepared.cache_info().hits
    assert prepare(text, {"n": Literal(1)}, inline=True) == first
    assert _prepared.cache_info().hits == hits + 1
    one = Literal(1).n3()
    assert f"kgo:order {one} " in first[0] and f"VALUES (?n) {{ ({one}) }}" in first[0]
    other = prepare(text, {"n": Literal("1")}, inline=True)[0]
    assert 'kgo:order "1" ' in other and other != first[0]
    assert prepare(text, {"n": Literal(1)}, inline=False)[0] != first[0]
    for _ in range(2):
        with pytest.raises(QueryError):
            prepare("SELECT ?e WHERE { ?e nope:x ?n }")
    kept = _prepared.cache_info().currsize
    long = text + "\n" + "# padding\n" * 8000  # (kg serve takes texts of up to 1 MB: not kept)
    assert prepare(long, {"n": Literal(1)}, inline=True)[0].startswith(first[0].split(" WHERE")[0])
    assert _prepared.cache_info().currsize == kept
