"""Generate ontology/shapes.ttl and ontology/integrity.ttl from kg/schema.py and kg.ttl.

    python tools/gen_shapes.py          # rewrite both files
    python tools/gen_shapes.py --check  # exit 1 if they differ from what would be generated

The shapes follow the vocabulary in kg/schema.py (entity types, RELATIONS, FIELD_RELATIONS,
INFLUENCE_TYPES, SCALES) and the domains declared in ontology/kg.ttl, so a change there
is one re-run away from the shapes; tests/test_shacl.py checks the files are up to date.

shapes.ttl holds the constraints on the data an analyst writes (run on every build);
integrity.ttl holds SPARQL-based checks of the builder's own invariants (a direct triple
for every assertion node, section hierarchy, normalised values), which are slow on
rdflib and run with `kg validate --strict` and in the tests.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import rdflib  # noqa: E402
from rdflib import OWL, RDF, RDFS  # noqa: E402

from kg.schema import ENTITY_TYPES, FIELD_RELATIONS, INFLUENCE_TYPES, RELATIONS, SCALES  # noqa: E402

KGO = rdflib.Namespace("https://w3id.org/strategy-kg/ontology#")
ORDER = list(ENTITY_TYPES)
ALL13 = [t for t in ORDER if t != "MarketMetric"]
BASE = r"^https://w3id\.org/strategy-kg/report/[a-z0-9][a-z0-9-]*"
SLUG = "^[a-z0-9][a-z0-9-]*$"
SECTION_NUMBER = r"^[0-9]+(\.[0-9]+)*$"

onto = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")


def q(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def en(text):
    return q(text) + "@en"


def a(name):
    return ("an " if name[0] in "AEIOU" else "a ") + name


def ordered(types):
    types = set(types)
    return [t for t in ORDER if t in types] + sorted(t for t in types if t not in ORDER)


def words(types):
    names = ordered(types)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def class_constraint(types, indent="        "):
    # One of several classes: the node's rdf:type must be in the list. Equivalent to
    # sh:or of sh:class here (one concrete type per node, no superclass triples), and far
    # cheaper in pySHACL, which builds a full result for every failed sh:or branch.
    names = ordered(types)
    if len(names) == 1:
        return f"sh:class kgo:{names[0]}"
    items = f"\n{indent}        ".join(f"kgo:{t}" for t in names)
    return (f"sh:node [\n{indent}    sh:property [ sh:path rdf:type ; sh:minCount 1 ; sh:in (\n{indent}        {items}\n"
            f"{indent}    ) ]\n{indent}]")


def shape(iri, kind, lines, name, message):
    body = [f"a sh:{kind}"] + lines + [f"sh:name {en(name)}", f"sh:message {en(message)}"]
    return f"{iri}\n    " + " ;\n    ".join(body) + " .\n"


def sparql_constraint(message, select):
    """An ``sh:sparql`` constraint of integrity.ttl: ``select`` is the query, indented as written."""
    return f'''sh:sparql [
        a sh:SPARQLConstraint ;
        sh:message {en(message)} ;
        sh:prefixes <https://w3id.org/strategy-kg/shapes> ;
        sh:select """
{select}
        """
    ]'''


out = []
integrity = []
out.append('''\
# SHACL shapes for kg's RDF (docs/rdf-mapping.md), validated with pySHACL, inference "none".
#
# Data nodes carry exactly one rdf:type and no superclass triples, so every shape targets a
# concrete class (sh:targetClass) or the subjects/objects of a property; nothing relies on
# rdfs:subClassOf. Naming:
#   kgs:<Class>Shape            node shape of one class (IRI form of its nodes)
#   kgs:<Class>-<aspect>        property shape of that class (labels, provenance, values)
#   kgs:<Class>-<rule>          node shape for a rule across properties (sh:or or SPARQL)
#   kgs:<property>-domain       the subjects of a kgo property have one of its domain classes
#   kgs:<property>-range        the objects of a relation have one of its range classes
# The domain/range sets mirror kg/schema.py (RELATIONS, FIELD_RELATIONS, INFLUENCE_TYPES).

@prefix kgs:     <https://w3id.org/strategy-kg/shapes#> .
@prefix kgo:     <https://w3id.org/strategy-kg/ontology#> .
@prefix sh:      <http://www.w3.org/ns/shacl#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .

<https://w3id.org/strategy-kg/shapes>
    a owl:Ontology ;
    owl:versionInfo "0.1.0" ;
    rdfs:label "Strategy knowledge graph shapes"@en, "策略知識圖譜約束"@zh ;
    skos:prefLabel "Strategy knowledge graph shapes"@en, "策略知識圖譜約束"@zh ;
    skos:definition "SHACL shapes that check kg's RDF against docs/rdf-mapping.md and the vocabulary of kg/schema.py."@en,
        "依 docs/rdf-mapping.md 與 kg/schema.py 詞彙檢查 kg 所產生 RDF 的 SHACL 約束。"@zh ;
    rdfs:seeAlso <https://w3id.org/strategy-kg/ontology> ;
    # Prefixes for the SPARQL-based constraints (sh:prefixes points here).
    sh:declare
        [ sh:prefix "kgo" ; sh:namespace "https://w3id.org/strategy-kg/ontology#"^^xsd:anyURI ] ,
        [ sh:prefix "rdf" ; sh:namespace "http://www.w3.org/1999/02/22-rdf-syntax-ns#"^^xsd:anyURI ] ,
        [ sh:prefix "dcterms" ; sh:namespace "http://purl.org/dc/terms/"^^xsd:anyURI ] ,
        [ sh:prefix "xsd" ; sh:namespace "http://www.w3.org/2001/XMLSchema#"^^xsd:anyURI ] ,
        [ sh:prefix "skos" ; sh:namespace "http://www.w3.org/2004/02/skos/core#"^^xsd:anyURI ] ,
        [ sh:prefix "rdfs" ; sh:namespace "http://www.w3.org/2000/01/rdf-schema#"^^xsd:anyURI ] .
''')

LANG_NAMES = {"en": "English", "zh": "Chinese"}


BILINGUAL = []  # (path, what) of every text written once in each language, for integrity.ttl


def lang_shapes(cls, path, aspect, what):
    """Exactly one @en and one @zh value of path: two values, each tagged zh or en, no two
    with the same tag. (Core counts only: pySHACL checked the two qualified value shapes
    this replaces against every value, about 45 % of the bundled report's validation. Tags
    with subtags, as "en" beside "en-US", differ here; integrity.ttl checks language ranges.)"""
    if (path, what) not in BILINGUAL:
        BILINGUAL.append((path, what))
    iri = f"kgs:{cls}-{aspect}"
    lines = [f"sh:path {path}", "sh:datatype rdf:langString", 'sh:languageIn ( "zh" "en" )',
             "sh:uniqueLang true", "sh:minCount 2", "sh:maxCount 2"]
    return [shape(iri, "PropertyShape", lines, f"{what} in both languages",
                  f"{a(cls)} needs exactly one English and one Chinese {what}: "
                  f"{path} strings tagged @en and @zh")], [iri]


def optional_lang(cls, path, aspect, what, langs=("zh", "en"), unique=True, max_one=False):
    iri = f"kgs:{cls}-{aspect}"
    tags = " ".join(f'"{x}"' for x in langs)
    lines = [f"sh:path {path}", "sh:datatype rdf:langString", f"sh:languageIn ( {tags} )"]
    if unique:
        lines.append("sh:uniqueLang true")
    if max_one:
        lines.append("sh:maxCount 1")
    tagtext = " or ".join("@" + x for x in langs)
    if max_one:
        msg = f"{path} of {a(cls)} is optional: at most one {what}, a string tagged {tagtext}"
    elif unique:
        msg = f"{path} of {a(cls)} is optional: at most one per language, strings tagged {tagtext}"
    else:
        msg = f"every {path} of {a(cls)} must be a string tagged {tagtext}"
    return [shape(iri, "PropertyShape", lines, what, msg)], [iri]


def prop(cls, aspect, path, lines, name, message):
    iri = f"kgs:{cls}-{aspect}"
    return shape(iri, "PropertyShape", [f"sh:path {path}"] + lines, name, message), iri


def identifier(cls, pattern, what):
    return prop(cls, "identifier", "dcterms:identifier",
                ["sh:minCount 1", "sh:maxCount 1", "sh:datatype xsd:string", f"sh:pattern {q(pattern)}"],
                "identifier", f"{a(cls)} needs exactly one dcterms:identifier, a plain string ({what})")


def derived(cls):
    return prop(cls, "wasDerivedFrom", "prov:wasDerivedFrom",
                ["sh:minCount 1", "sh:class kgo:Section"], "derived from",
                f"{a(cls)} needs at least one prov:wasDerivedFrom, each a kgo:Section that states it")


def node_shape(cls, pattern, iri_form, prop_ids, extra=()):
    lines = [f"sh:targetClass kgo:{cls}", "sh:nodeKind sh:IRI", f"sh:pattern {q(pattern)}", *extra]
    lines.append("sh:property " + ",\n        ".join(prop_ids))
    return shape(f"kgs:{cls}Shape", "NodeShape", lines, cls,
                 f"{a(cls)} must be named by an IRI of the form {iri_form}")


def labels(cls, with_title):
    shapes, ids = [], []
    parts = [("skos:prefLabel", "prefLabel", "label")]
    parts.append(("rdfs:label", "label", "label"))
    if with_title:
        parts.append(("dcterms:title", "title", "title"))
    for path, aspect, what in parts:
        s, i = lang_shapes(cls, path, aspect, what)
        shapes += s
        ids += i
    return shapes, ids


# ---------------------------------------------------------------------------------------------
# Language of a text
# ---------------------------------------------------------------------------------------------
out.append("""\
# ---------------------------------------------------------------------------------------------
# Language of a text: value shapes for counts by language (the truncation note)
# ---------------------------------------------------------------------------------------------
# Named shapes with a message of their own, not blank nodes: pySHACL describes each value
# that misses a qualified value shape in a result it then drops, and a blank shape is
# written out in full, with a message made up for it.
""")
for lang, name in LANG_NAMES.items():
    out.append(shape(f"kgs:{name}", "NodeShape", [f'sh:languageIn ( "{lang}" )'], f"{name} text",
                     f"a string tagged @{lang}"))

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
out.append("""\
# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
""")
shapes, ids = labels("Report", True)
s, i = identifier("Report", SLUG, "the report id, a slug of a-z, 0-9 and -")
shapes.append(s); ids.append(i)
s, i = optional_lang("Report", "skos:definition", "definition", "definition")
shapes += s; ids += i
for aspect, path, lines, name, msg in [
    ("language", "dcterms:language",
     ["sh:minCount 1", "sh:maxCount 1", "sh:datatype xsd:string",
      f"sh:pattern {q('^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$')}"],
     "language", "a Report needs exactly one dcterms:language, a BCP 47 tag such as \"zh-Hant\""),
    ("source", "dcterms:source", ["sh:maxCount 1", "sh:datatype xsd:string"],
     "source", "dcterms:source of a Report is optional: at most one plain string"),
    ("hasPart", "dcterms:hasPart", ["sh:minCount 1", "sh:class kgo:Section"],
     "chapters", "a Report needs at least one dcterms:hasPart, each a kgo:Section (its chapters)"),
    ("truncated", "kgo:truncated", ["sh:minCount 1", "sh:maxCount 1", "sh:datatype xsd:boolean"],
     "truncated", "a Report needs exactly one kgo:truncated, true or false (xsd:boolean)"),
    ("truncatedIn", "kgo:truncatedIn", ["sh:maxCount 1", "sh:class kgo:Section"],
     "truncated in", "kgo:truncatedIn of a Report is at most one kgo:Section"),
]:
    s, i = prop("Report", aspect, path, lines, name, msg)
    shapes.append(s); ids.append(i)
s, i = optional_lang("Report", "kgo:truncationNote", "truncationNote", "truncation note")
shapes += s; ids += i
out.append(node_shape("Report", BASE + "$", "https://w3id.org/strategy-kg/report/<report-id>", ids))
out += shapes
out.append(shape("kgs:Report-truncation", "NodeShape", [
    "sh:targetClass kgo:Report",
    """sh:or (
        [ sh:property
            [ sh:path kgo:truncated ; sh:hasValue false ; sh:name "not truncated"@en ] ,
            [ sh:path kgo:truncatedIn ; sh:maxCount 0 ; sh:name "no truncation section"@en ] ,
            [ sh:path kgo:truncationNote ; sh:maxCount 0 ; sh:name "no truncation note"@en ] ]
        [ sh:property
            [ sh:path kgo:truncated ; sh:hasValue true ; sh:name "truncated"@en ] ,
            [ sh:path kgo:truncatedIn ; sh:minCount 1 ; sh:name "truncation section"@en ] ,
            [ sh:path kgo:truncationNote ; sh:name "English truncation note"@en ;
              sh:qualifiedValueShape kgs:English ; sh:qualifiedMinCount 1 ] ,
            [ sh:path kgo:truncationNote ; sh:name "Chinese truncation note"@en ;
              sh:qualifiedValueShape kgs:Chinese ; sh:qualifiedMinCount 1 ] ]
    )"""], "truncation",
    "a Report is either kgo:truncated false with no kgo:truncatedIn and no kgo:truncationNote, "
    "or kgo:truncated true with a kgo:truncatedIn section and a kgo:truncationNote @zh and @en"))

# ---------------------------------------------------------------------------------------------
# Section
# ---------------------------------------------------------------------------------------------
out.append("""\
# ---------------------------------------------------------------------------------------------
# Section
# ---------------------------------------------------------------------------------------------
""")
shapes, ids = labels("Section", True)
s, i = identifier("Section", SECTION_NUMBER, "the section number, such as 1.2.1")
shapes.append(s); ids.append(i)
for aspect, path, lines, name, msg in [
    ("isPartOf", "dcterms:isPartOf",
     ["sh:minCount 1", "sh:maxCount 1", class_constraint(["Section", "Report"])],
     "part of", "a Section needs exactly one dcterms:isPartOf: its parent kgo:Section, or the kgo:Report for a chapter"),
    ("level", "kgo:level", ["sh:minCount 1", "sh:maxCount 1", "sh:datatype xsd:integer", "sh:minInclusive 1"],
     "level", "a Section needs exactly one kgo:level, an xsd:integer of at least 1 (1 = chapter)"),
    ("order", "kgo:order", ["sh:minCount 1", "sh:maxCount 1", "sh:datatype xsd:integer", "sh:minInclusive 1"],
     "order", "a Section needs exactly one kgo:order, an xsd:integer of at least 1 (document order)"),
]:
    s, i = prop("Section", aspect, path, lines, name, msg)
    shapes.append(s); ids.append(i)
out.append(node_shape("Section", BASE + r"/section/[0-9]+(\.[0-9]+)*$",
                      "https://w3id.org/strategy-kg/report/<report-id>/section/<number>", ids))
out += shapes
HIER_MSG = ("a Section's kgo:level must equal the number of parts of its number, and it must be "
            "dcterms:isPartOf the section whose number is its own minus the last part, or, for a "
            "chapter, the kgo:Report that lists it with dcterms:hasPart")
integrity.append(shape("kgs:Section-hierarchy", "NodeShape", [
    "sh:targetClass kgo:Section",
    sparql_constraint(HIER_MSG, f'''\
            SELECT $this ?value WHERE {{
                $this dcterms:identifier ?id ; kgo:level ?level ; dcterms:isPartOf ?value .
                BIND (STRLEN(?id) - STRLEN(REPLACE(?id, "[.]", "")) + 1 AS ?parts)
                FILTER (
                    ?parts != ?level
                    || (?parts = 1 && NOT EXISTS {{ ?value a kgo:Report ; dcterms:hasPart $this }})
                    || (?parts > 1 && NOT EXISTS {{
                            ?value a kgo:Section ; dcterms:identifier ?parent .
                            FILTER (STRSTARTS(?id, CONCAT(?parent, "."))
                                    && !CONTAINS(STRAFTER(?id, CONCAT(?parent, ".")), "."))
                        }})
                )
            }}''')], "section hierarchy", HIER_MSG))

# ---------------------------------------------------------------------------------------------
# Entities and figures
# ---------------------------------------------------------------------------------------------
out.append("""\
# ---------------------------------------------------------------------------------------------
# Entities (the 13 types authored under entities:) and figures (kgo:MarketMetric)
# ---------------------------------------------------------------------------------------------
""")
SCALE_LIST = " ".join(q(w) for w in SCALES)
rule_shapes = {}
for cls in ORDER:
    out.append(f"# {cls}\n")
    shapes, ids = labels(cls, False)
    s, i = lang_shapes(cls, "skos:definition", "definition", "definition")
    shapes += s; ids += i
    s, i = optional_lang(cls, "skos:altLabel", "altLabel", "alternative label", unique=False)
    shapes += s; ids += i
    s, i = identifier(cls, SLUG, "the entity id, a slug of a-z, 0-9 and -")
    shapes.append(s); ids.append(i)
    s, i = derived(cls)
    shapes.append(s); ids.append(i)
    s, i = prop(cls, "hadPrimarySource", "prov:hadPrimarySource",
                ["sh:minCount 1", "sh:maxCount 1", "sh:class kgo:Report"], "primary source",
                f"{a(cls)} needs exactly one prov:hadPrimarySource, the kgo:Report it comes from")
    shapes.append(s); ids.append(i)
    specific = []
    if cls != "MarketMetric":
        specific.append(("category", "kgo:category",
                         ["sh:maxCount 1", "sh:datatype xsd:string", f"sh:pattern {q(SLUG)}"],
                         "category", f"kgo:category of {a(cls)} is optional: at most one slug (a-z, 0-9, -)"))
    if cls == "Recommendation":
        specific.append(("intendedFor", "kgo:intendedFor", ["sh:minCount 1"], "intended for",
                         "a Recommendation needs at least one kgo:intendedFor, the Stakeholder(s) it is meant for"))
    if cls == "Challenge":
        specific.append(("unaddressed", "kgo:unaddressed", ["sh:maxCount 1", "sh:datatype xsd:boolean"],
                         "unaddressed", "kgo:unaddressed of a Challenge is optional: at most one xsd:boolean"))
    if cls == "MarketMetric":
        specific += [
            ("measures", "kgo:measures", ["sh:minCount 1"], "measures",
             "a MarketMetric needs at least one kgo:measures, the entity it quantifies"),
            ("value", "kgo:value", ["sh:minCount 1", "sh:maxCount 1", "sh:datatype xsd:decimal", "sh:minInclusive 0"],
             "value", "a MarketMetric needs exactly one kgo:value, an xsd:decimal of at least 0 (as stated)"),
            ("normalizedValue", "kgo:normalizedValue",
             ["sh:minCount 1", "sh:maxCount 1", "sh:datatype xsd:decimal", "sh:minInclusive 0"],
             "normalized value", "a MarketMetric needs exactly one kgo:normalizedValue, an xsd:decimal of at least 0 (value times scale)"),
            ("scale", "kgo:scale", ["sh:maxCount 1", "sh:datatype xsd:string", f"sh:in ( {SCALE_LIST} )"],
             "scale", "kgo:scale of a MarketMetric is optional: at most one magnitude word kg knows (萬, 億, million, ...)"),
            ("unit", "kgo:unit", ["sh:minCount 1", "sh:maxCount 1", "sh:datatype xsd:string", f"sh:pattern {q(SLUG)}"],
             "unit", "a MarketMetric needs exactly one kgo:unit, a slug such as money, percent or users"),
            ("currency", "kgo:currency", ["sh:maxCount 1", "sh:datatype xsd:string", f"sh:pattern {q('^[A-Z]{3}$')}"],
             "currency", "kgo:currency of a MarketMetric is at most one ISO 4217 code of three capital letters, such as CNY"),
            ("year", "kgo:year", ["sh:maxCount 1", "sh:datatype xsd:integer", "sh:minInclusive 1900", "sh:maxInclusive 2100"],
             "year", "kgo:year of a MarketMetric is optional: at most one xsd:integer from 1900 to 2100"),
            ("metricKind", "kgo:metricKind", ["sh:minCount 1", "sh:maxCount 1", 'sh:in ( "actual" "forecast" )'],
             "metric kind", "a MarketMetric needs exactly one kgo:metricKind, \"actual\" or \"forecast\""),
            ("qualifier", "kgo:qualifier",
             ["sh:maxCount 1", 'sh:in ( "about" "nearly" "more-than" "at-least" "less-than" "up-to" )'],
             "qualifier", "kgo:qualifier of a MarketMetric is optional: one of about, nearly, more-than, at-least, less-than, up-to"),
            ("statedGrowthRate", "kgo:statedGrowthRate", ["sh:maxCount 1", "sh:datatype xsd:decimal"],
             "stated growth rate", "kgo:statedGrowthRate of a MarketMetric is optional: at most one xsd:decimal (percent)"),
            ("growthKind", "kgo:growthKind", ["sh:maxCount 1", 'sh:in ( "cagr" "yoy" "total" )'],
             "growth kind", "kgo:growthKind of a MarketMetric is optional: \"cagr\", \"yoy\" or \"total\""),
            ("growthBaseline", "kgo:growthBaseline", ["sh:maxCount 1", "sh:class kgo:MarketMetric"],
             "growth baseline", "kgo:growthBaseline of a MarketMetric is optional: at most one other kgo:MarketMetric"),
            ("publishedBy", "kgo:publishedBy", ["sh:maxCount 1"], "published by",
             "kgo:publishedBy of a MarketMetric is optional: at most one Organisation"),
            ("scope", "kgo:scope", ["sh:maxCount 1"], "scope",
             "kgo:scope of a MarketMetric is optional: at most one Region"),
        ]
    for aspect, path, lines, name, msg in specific:
        s, i = prop(cls, aspect, path, lines, name, msg)
        shapes.append(s); ids.append(i)
    out.append(node_shape(cls, BASE + "/entity/[a-z0-9][a-z0-9-]*$",
                          "https://w3id.org/strategy-kg/report/<report-id>/entity/<id>", ids))
    out += shapes

MONEY1 = "a MarketMetric whose kgo:unit is \"money\" needs a kgo:currency"
MONEY2 = "kgo:currency is only for a MarketMetric whose kgo:unit is \"money\""
GROWTH = ("a MarketMetric states growth completely or not at all: kgo:statedGrowthRate and "
          "kgo:growthKind together (kgo:growthBaseline optional), or none of the three")
NORM = ("kgo:normalizedValue of a MarketMetric must equal its kgo:value times the multiplier "
        "of its kgo:scale (times 1 without a scale)")
scale_rows = "\n".join(f"                    IF (?scale = {q(w)}, {m}, ?unknown)," for w, m in SCALES.items())
out.append("# MarketMetric rules across properties\n")
out.append(shape("kgs:MarketMetric-currency-for-money", "NodeShape", [
    "sh:targetClass kgo:MarketMetric",
    """sh:or (
        [ sh:not [ sh:property [ sh:path kgo:unit ; sh:hasValue "money" ; sh:name "unit money"@en ] ] ]
        [ sh:property [ sh:path kgo:currency ; sh:minCount 1 ; sh:name "currency"@en ] ]
    )"""], "currency for money", MONEY1))
out.append(shape("kgs:MarketMetric-currency-only-for-money", "NodeShape", [
    "sh:targetClass kgo:MarketMetric",
    """sh:or (
        [ sh:property [ sh:path kgo:currency ; sh:maxCount 0 ; sh:name "no currency"@en ] ]
        [ sh:property [ sh:path kgo:unit ; sh:hasValue "money" ; sh:name "unit money"@en ] ]
    )"""], "currency only for money", MONEY2))
out.append(shape("kgs:MarketMetric-growth", "NodeShape", [
    "sh:targetClass kgo:MarketMetric",
    """sh:or (
        [ sh:property
            [ sh:path kgo:statedGrowthRate ; sh:maxCount 0 ; sh:name "no growth rate"@en ] ,
            [ sh:path kgo:growthKind ; sh:maxCount 0 ; sh:name "no growth kind"@en ] ,
            [ sh:path kgo:growthBaseline ; sh:maxCount 0 ; sh:name "no growth baseline"@en ] ]
        [ sh:property
            [ sh:path kgo:statedGrowthRate ; sh:minCount 1 ; sh:name "growth rate"@en ] ,
            [ sh:path kgo:growthKind ; sh:minCount 1 ; sh:name "growth kind"@en ] ]
    )"""], "growth", GROWTH))
integrity.append(shape("kgs:MarketMetric-normalization", "NodeShape", [
    "sh:targetClass kgo:MarketMetric",
    sparql_constraint(NORM, f'''\
            SELECT $this ?value WHERE {{
                $this kgo:value ?stated ; kgo:normalizedValue ?value .
                OPTIONAL {{ $this kgo:scale ?scale }}
                # No VALUES in SHACL-SPARQL: the multipliers of kg/schema.py SCALES as a COALESCE;
                # a missing scale makes every IF an error, so the multiplier falls through to 1.
                BIND (COALESCE(
{scale_rows}
                    1) AS ?multiplier)
                FILTER (?value != ?stated * ?multiplier)
            }}''')], "normalization", NORM))

# ---------------------------------------------------------------------------------------------
# Influence
# ---------------------------------------------------------------------------------------------
out.append("""\
# ---------------------------------------------------------------------------------------------
# Influence (qualified kgo:influences)
# ---------------------------------------------------------------------------------------------
""")
shapes, ids = [], []
for aspect, path, lines, name, msg in [
    ("influencer", "kgo:influencer", ["sh:minCount 1", "sh:maxCount 1", class_constraint(INFLUENCE_TYPES)],
     "influencer", f"an Influence needs exactly one kgo:influencer, {a(words(INFLUENCE_TYPES))}"),
    ("influenced", "kgo:influenced", ["sh:minCount 1", "sh:maxCount 1", class_constraint(INFLUENCE_TYPES)],
     "influenced", f"an Influence needs exactly one kgo:influenced, {a(words(INFLUENCE_TYPES))}"),
    ("polarity", "kgo:polarity", ["sh:minCount 1", "sh:maxCount 1", 'sh:in ( "positive" "negative" )'],
     "polarity", "an Influence needs exactly one kgo:polarity, \"positive\" or \"negative\""),
    ("strength", "kgo:strength",
     ["sh:minCount 1", "sh:maxCount 1", "sh:datatype xsd:integer", "sh:minInclusive 1", "sh:maxInclusive 3"],
     "strength", "an Influence needs exactly one kgo:strength, an xsd:integer from 1 (weak) to 3 (strong)"),
]:
    s, i = prop("Influence", aspect, path, lines, name, msg)
    shapes.append(s); ids.append(i)
s, i = derived("Influence")
shapes.append(s); ids.append(i)
s, i = optional_lang("Influence", "rdfs:comment", "comment", "note", langs=("en",), unique=False, max_one=True)
shapes += s; ids += i
out.append(node_shape("Influence", BASE + r"/influence/[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$",
                      "https://w3id.org/strategy-kg/report/<report-id>/influence/<from>.<to>", ids))
out += shapes
INF1 = "an Influence must qualify a direct triple: <influencer> kgo:influences <influenced>"
INF2 = "every kgo:influences triple needs a kgo:Influence node with the same kgo:influencer and kgo:influenced"
integrity.append(shape("kgs:Influence-direct-triple", "NodeShape", [
    "sh:targetClass kgo:Influence",
    sparql_constraint(INF1, f'''\
            SELECT $this WHERE {{
                $this kgo:influencer ?from ; kgo:influenced ?to .
                FILTER NOT EXISTS {{ ?from kgo:influences ?to }}
            }}''')], "influence triple", INF1))
integrity.append(shape("kgs:influences-qualified", "NodeShape", [
    "sh:targetSubjectsOf kgo:influences",
    sparql_constraint(INF2, f'''\
            SELECT $this ?value WHERE {{
                $this kgo:influences ?value .
                FILTER NOT EXISTS {{
                    ?influence a kgo:Influence ; kgo:influencer $this ; kgo:influenced ?value .
                }}
            }}''')], "influence qualified", INF2))

# ---------------------------------------------------------------------------------------------
# Assertion
# ---------------------------------------------------------------------------------------------
out.append("""\
# ---------------------------------------------------------------------------------------------
# Assertion (provenance of an authored relation)
# ---------------------------------------------------------------------------------------------
""")
rel_props = " ".join(f"kgo:{r.prop}" for r in RELATIONS.values())
shapes, ids = [], []
for aspect, path, lines, name, msg in [
    ("subject", "rdf:subject", ["sh:minCount 1", "sh:maxCount 1", "sh:nodeKind sh:IRI"],
     "subject", "an Assertion needs exactly one rdf:subject, the IRI the relation starts from"),
    ("predicate", "rdf:predicate", ["sh:minCount 1", "sh:maxCount 1", f"sh:in ( {rel_props} )"],
     "predicate", "an Assertion needs exactly one rdf:predicate, one of the relation properties of kg/schema.py RELATIONS"),
    ("object", "rdf:object", ["sh:minCount 1", "sh:maxCount 1", "sh:nodeKind sh:IRI"],
     "object", "an Assertion needs exactly one rdf:object, the IRI the relation points to"),
]:
    s, i = prop("Assertion", aspect, path, lines, name, msg)
    shapes.append(s); ids.append(i)
s, i = derived("Assertion")
shapes.append(s); ids.append(i)
s, i = optional_lang("Assertion", "rdfs:comment", "comment", "note", langs=("en",), unique=False, max_one=True)
shapes += s; ids += i
out.append(node_shape(
    "Assertion",
    BASE + r"/assertion/[a-z0-9][a-z0-9-]*\.[A-Za-z_]+\.[a-z0-9][a-z0-9-]*$",
    "https://w3id.org/strategy-kg/report/<report-id>/assertion/<from>.<prop>.<to>", ids))
out += shapes
AS1 = "an Assertion must reify a triple that is in the graph: rdf:subject rdf:predicate rdf:object"
AS2 = "every relation triple (kg/schema.py RELATIONS) needs a kgo:Assertion node recording where it comes from"
integrity.append(shape("kgs:Assertion-direct-triple", "NodeShape", [
    "sh:targetClass kgo:Assertion",
    sparql_constraint(AS1, f'''\
            SELECT $this WHERE {{
                $this rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                FILTER NOT EXISTS {{ ?s ?p ?o }}
            }}''')], "asserted triple", AS1))
targets = ",\n        ".join(f"kgo:{r.prop}" for r in RELATIONS.values())
values = ", ".join(f"kgo:{r.prop}" for r in RELATIONS.values())
integrity.append(shape("kgs:relations-asserted", "NodeShape", [
    f"sh:targetSubjectsOf {targets}",
    sparql_constraint(AS2, f'''\
            SELECT $this ?path ?value WHERE {{
                $this ?path ?value .
                FILTER (?path IN ({values}))
                FILTER NOT EXISTS {{
                    ?assertion a kgo:Assertion ;
                        rdf:subject $this ; rdf:predicate ?path ; rdf:object ?value .
                }}
            }}''')], "relations asserted", AS2))

# ---------------------------------------------------------------------------------------------
# One type per node
# ---------------------------------------------------------------------------------------------
all_classes = ["Report", "Section"] + ORDER + ["Influence", "Assertion"]
out.append("""\
# ---------------------------------------------------------------------------------------------
# Every node has exactly one rdf:type (no superclass triples, no second class)
# ---------------------------------------------------------------------------------------------
""")
out.append(shape("kgs:SingleTypeShape", "NodeShape", [
    "sh:targetClass " + ",\n        ".join(f"kgo:{c}" for c in all_classes),
    "sh:property kgs:SingleType-type"], "single type",
    "a kg node has exactly one rdf:type, its concrete kgo class"))
out.append(shape("kgs:SingleType-type", "PropertyShape", ["sh:path rdf:type", "sh:maxCount 1"],
                 "one type", "a kg node has exactly one rdf:type, its concrete kgo class (no superclass triples)"))

# ---------------------------------------------------------------------------------------------
# Domains and ranges
# ---------------------------------------------------------------------------------------------
out.append("""\
# ---------------------------------------------------------------------------------------------
# Domains: the subjects of every kgo property belong to its rdfs:domain (kg.ttl), and
# ranges: the objects of every relation (RELATIONS and FIELD_RELATIONS) belong to its range.
# ---------------------------------------------------------------------------------------------
""")


def class_set(expr):
    if isinstance(expr, rdflib.URIRef):
        return [str(expr).split("#")[1]]
    lst = onto.value(expr, OWL.unionOf)
    return [str(x).split("#")[1] for x in rdflib.collection.Collection(onto, lst)]


inverse_props = set()
for p, _, o in onto.triples((None, OWL.inverseOf, None)):
    pass
written = [r.prop for r in RELATIONS.values()] + [r.prop for r in FIELD_RELATIONS] + [
    "influencer", "influenced", "polarity", "strength", "value", "normalizedValue", "scale", "unit",
    "currency", "year", "metricKind", "qualifier", "statedGrowthRate", "growthKind", "growthBaseline",
    "category", "unaddressed", "truncated", "truncatedIn", "truncationNote", "level", "order"]
for name in written:
    dom = class_set(onto.value(KGO[name], RDFS.domain))
    out.append(shape(f"kgs:{name}-domain", "NodeShape", [
        f"sh:targetSubjectsOf kgo:{name}", class_constraint(dom, indent="    ")],
        f"{name} domain", f"kgo:{name} may only be used on {a(words(dom))}"))
relations = list(RELATIONS.values()) + list(FIELD_RELATIONS)
for rel in relations:
    # focus on the subject, so a violation points at the item that holds the wrong link
    message = f"the object of kgo:{rel.prop} must be {a(words(rel.range))}"
    out.append(shape(f"kgs:{rel.prop}-range", "NodeShape", [
        f"sh:targetSubjectsOf kgo:{rel.prop}",
        f"""sh:property [
        sh:path kgo:{rel.prop} ;
        {class_constraint(rel.range, indent="        ")} ;
        sh:message {en(message)}
    ]"""],
        f"{rel.prop} range", message))

# Bilingual texts: shapes.ttl counts two values with two different tags; here, two values
# may not share a language range either ("en" and "en-US" are both English).
LANGS1 = "one value per language: two values of the same language (as @en and @en-US) are not allowed"
integrity.append(shape("kgs:bilingual-one-per-language", "NodeShape", [
    "sh:targetSubjectsOf " + ", ".join(path for path, _ in BILINGUAL),
    sparql_constraint(LANGS1, f'''\
            SELECT $this ?path ?value WHERE {{
                $this ?path ?value, ?other .
                FILTER (?path IN ({", ".join(path for path, _ in BILINGUAL)})
                        && ?other != ?value
                        && ((langMatches(lang(?value), "en") && langMatches(lang(?other), "en"))
                            || (langMatches(lang(?value), "zh") && langMatches(lang(?other), "zh"))))
            }}''')], "one text per language", LANGS1))

INTEGRITY_HEAD = '''\
# SPARQL-based integrity checks of kg's RDF: the builder's own invariants, not the analyst's
# data. Generated by tools/gen_shapes.py. Slow on rdflib (one query per focus node), so
# `kg build` leaves them out; `kg validate --strict` and the tests run them with shapes.ttl.

@prefix kgs:     <https://w3id.org/strategy-kg/shapes#> .
@prefix kgo:     <https://w3id.org/strategy-kg/ontology#> .
@prefix sh:      <http://www.w3.org/ns/shacl#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .

<https://w3id.org/strategy-kg/shapes>
    sh:declare
        [ sh:prefix "kgo" ; sh:namespace "https://w3id.org/strategy-kg/ontology#"^^xsd:anyURI ] ,
        [ sh:prefix "rdf" ; sh:namespace "http://www.w3.org/1999/02/22-rdf-syntax-ns#"^^xsd:anyURI ] ,
        [ sh:prefix "dcterms" ; sh:namespace "http://purl.org/dc/terms/"^^xsd:anyURI ] ,
        [ sh:prefix "xsd" ; sh:namespace "http://www.w3.org/2001/XMLSchema#"^^xsd:anyURI ] ,
        [ sh:prefix "skos" ; sh:namespace "http://www.w3.org/2004/02/skos/core#"^^xsd:anyURI ] ,
        [ sh:prefix "rdfs" ; sh:namespace "http://www.w3.org/2000/01/rdf-schema#"^^xsd:anyURI ] .
'''

FILES = {
    ROOT / "ontology" / "shapes.ttl": "\n".join(out),
    ROOT / "ontology" / "integrity.ttl": INTEGRITY_HEAD + "\n" + "\n".join(integrity),
}

if __name__ == "__main__":
    stale = [path for path, text in FILES.items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    if "--check" in sys.argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python tools/gen_shapes.py", file=sys.stderr)
        sys.exit(1 if stale else 0)
    for path, text in FILES.items():
        path.write_text(text, encoding="utf-8")
        print("wrote", path.relative_to(ROOT), len(text.splitlines()), "lines")
