"""The results of ``kg analyze`` as RDF, in a named graph of their own.

Scores, MICMAC classes, communities, feedback loops, leverage, coverage gaps and audit
findings become triples about the report's own entities, figures and sections, so a SPARQL
query can read them next to the facts::

    SELECT ?label ?class ?pr WHERE {
      GRAPH <https://w3id.org/strategy-kg/analysis> { ?e kgo:micmacClass ?class ; kgo:pageRank ?pr }
      ?e skos:prefLabel ?label FILTER(lang(?label) = "en")
    } ORDER BY DESC(?pr)

The terms are declared in the ontology (section "Analysis results" of ``ontology/kg.ttl``).
The graph is a pure function of the result dict: the same analysis gives the same triples
(no timestamps, numbers rounded as in ``analysis.json``).
"""

from __future__ import annotations

from decimal import Decimal

from ..schema import ANALYSIS_GRAPH

__all__ = ["ANALYSIS_GRAPH", "CENTRALITY_PROPERTIES", "MICMAC_CLASSES", "analysis_graph"]

# centrality_table's metric → the kgo property that holds it
CENTRALITY_PROPERTIES = {
    "in_degree": "inDegree", "out_degree": "outDegree",
    "in_strength": "weightedInDegree", "out_strength": "weightedOutDegree",
    "pagerank": "pageRank", "betweenness": "betweenness", "closeness": "closeness",
    "eigenvector": "eigenvectorCentrality", "katz": "katzCentrality", "two_step_reach": "twoStepReach",
}
MICMAC_SCORES = {"influence": "micmacInfluence", "dependence": "micmacDependence",
                 "indirect_influence": "indirectInfluence", "indirect_dependence": "indirectDependence"}
MICMAC_CLASSES = {  # class name in the result → (individual, en, zh)
    "influential": ("Influential", "influential", "影響型"),
    "relay": ("Relay", "relay", "中繼型"),
    "dependent": ("Dependent", "dependent", "依賴型"),
    "autonomous": ("Autonomous", "autonomous", "自主型"),
}


def _number(x):
    from rdflib import XSD, Literal

    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, int):
        return Literal(x, datatype=XSD.integer)
    return Literal(Decimal(str(x)), datatype=XSD.decimal)


def analysis_graph(result: dict, identifier: str = ANALYSIS_GRAPH):
    """An rdflib Graph (named ``identifier``) holding an :func:`~kg.analysis.report.analyze` result.

    Parameters
    ----------
    result : the dict returned by ``analyze`` (or read back from ``analysis.json``)
    identifier : the graph's IRI; node IRIs of the results (communities, loops, findings)
        are minted under it

    Examples
    --------
    >>> import kg
    >>> from kg.analysis.report import analyze
    >>> g = analysis_graph(analyze(kg.load()))             # doctest: +SKIP
    >>> len(g) > 1000                                      # doctest: +SKIP
    True
    """
    from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import PROV

    from ..rdf import bind_prefixes
    from ..schema import DATA_NS, ONTOLOGY_NS

    KGO = Namespace(ONTOLOGY_NS)
    g = Graph(identifier=URIRef(identifier))
    bind_prefixes(g)
    base = identifier.rstrip("/#") + "/"
    run = URIRef(base + "run")
    nodes = result["nodes"]

    def iri(key: str) -> URIRef:
        return URIRef(nodes[key]["iri"])

    def add(s, p, o):
        if o is not None:
            g.add((s, KGO[p] if isinstance(p, str) else p, o))

    def labels(s, en: str, zh: str):
        for prop in (SKOS.prefLabel, RDFS.label):
            g.add((s, prop, Literal(en, lang="en")))
            g.add((s, prop, Literal(zh, lang="zh")))

    def label(key: str, lang: str) -> str:
        return nodes[key].get(f"label_{lang}") or nodes[key]["id"]

    # the run and its settings
    mm = result["micmac"]
    g.add((URIRef(identifier), PROV.wasGeneratedBy, run))
    g.add((run, RDF.type, KGO.Analysis))
    labels(run, "kg influence analysis", "kg 影響分析")
    for report in sorted({d["report"] for d in nodes.values() if d.get("report")}):
        g.add((run, PROV.used, URIRef(f"{DATA_NS}{report}")))
    add(run, "micmacSplit", Literal(mm["split"]))
    add(run, "micmacConverged", Literal(bool(mm["converged"])))
    add(run, "micmacPower", _number(mm["power"]))
    add(run, "micmacAttenuation", _number(mm["attenuation"]))
    add(run, "maxLoopLength", _number(result["loops"]["max_length"]))
    for key, value in result["graph"].items():
        if key in ("density", "complexity", "hierarchy"):
            add(run, {"density": "graphDensity", "complexity": "graphComplexity", "hierarchy": "graphHierarchy"}[key],
                _number(value))

    # centrality scores
    for key, row in sorted(result["centrality"].items()):
        for metric, prop in CENTRALITY_PROPERTIES.items():
            add(iri(key), prop, _number(row.get(metric)))

    # MICMAC
    for name, (local, en, zh) in MICMAC_CLASSES.items():
        g.add((KGO[local], RDF.type, KGO.MicmacClass))
        labels(KGO[local], en, zh)
    for row in mm["table"]:
        e = iri(row["node"])
        for field, prop in MICMAC_SCORES.items():
            add(e, prop, _number(row[field]))
        add(e, "micmacClass", KGO[MICMAC_CLASSES[row["class"]][0]])
        add(e, "indirectMicmacClass", KGO[MICMAC_CLASSES[row["indirect_class"]][0]])

    # communities (themes)
    for i, c in enumerate(result["communities"], 1):
        node = URIRef(f"{base}community/{i}")
        g.add((node, RDF.type, KGO.Community))
        hub = c["hubs"][0] if c["hubs"] else c["members"][0]
        labels(node, f"Theme {i}: {label(hub, 'en')}", f"主題 {i}：{label(hub, 'zh')}")
        add(node, "size", _number(len(c["members"])))
        g.add((node, PROV.wasGeneratedBy, run))
        for m in c["members"]:
            add(iri(m), "inCommunity", node)
        for h in c["hubs"]:
            add(node, "communityHub", iri(h))

    # feedback loops (the strongest, as listed in the report)
    for i, lp in enumerate(result["loops"]["strongest"], 1):
        node = URIRef(f"{base}loop/{i}")
        g.add((node, RDF.type, KGO.FeedbackLoop))
        path = lp["nodes"] + lp["nodes"][:1]
        labels(node, " → ".join(label(n, "en") for n in path), " → ".join(label(n, "zh") for n in path))
        add(node, "loopPolarity", Literal(lp["polarity"]))
        add(node, "loopStrength", _number(lp["strength"]))
        add(node, "loopLength", _number(len(lp["nodes"])))
        add(node, "rank", _number(i))
        g.add((node, PROV.wasGeneratedBy, run))
        for n in lp["nodes"]:
            add(node, "loopMember", iri(n))

    # recommendation leverage and coverage of challenges
    for rank, row in enumerate(result["leverage"], 1):
        add(iri(row["recommendation"]), "leverageScore", _number(row["score"]))
        add(iri(row["recommendation"]), "leverageRank", _number(rank))
    gaps = result["gaps"]
    for key, d in nodes.items():
        if d.get("type") == "Challenge":
            status = ("none" if key in gaps["none"] else "indirect" if key in gaps["only_indirect"] else "direct")
            add(iri(key), "coverageStatus", Literal(status))

    # audit findings: figures, then repeated sections
    for i, f in enumerate(result["audit"]["figures"], 1):
        node = URIRef(f"{base}finding/{i}")
        g.add((node, RDF.type, KGO.AuditFinding))
        add(node, "findingKind", Literal(f["kind"]))
        add(node, "severity", Literal(f["severity"]))
        g.add((node, RDFS.comment, Literal(f["message"], lang="en")))
        if f["arithmetic"]:
            add(node, "arithmetic", Literal(f["arithmetic"]))
        for fig in f["iris"]:
            add(node, "findingAbout", URIRef(fig))
        g.add((node, PROV.wasGeneratedBy, run))
    for i, r in enumerate(result["audit"]["repetitions"], 1):
        node = URIRef(f"{base}repetition/{i}")
        g.add((node, RDF.type, KGO.AuditFinding))
        add(node, "findingKind", Literal("repetition"))
        add(node, "severity", Literal("note"))
        a, b = r["sections"]
        g.add((node, RDFS.comment, Literal(
            f"sections {a} and {b} cite largely the same content ({r['shared']} shared items, "
            f"overlap {r['overlap']:.0%}): likely a restatement", lang="en")))
        add(node, "overlap", _number(r["overlap"]))
        for number in r["sections"]:
            add(node, "findingAbout", URIRef(f"{DATA_NS}{r['report']}/section/{number}"))
        g.add((node, PROV.wasGeneratedBy, run))
    return g
