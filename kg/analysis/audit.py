"""Audit the report itself: do its figures add up, and which sections restate others?

Figures are read from the RDF graph as plain dicts (see :func:`figures_from`), so the
checks below are pure functions on those dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations, count

import numpy as np

from ..schema import DATA_NS
from ._sparse import ranges, run_starts
from .graphs import select_values

__all__ = ["Finding", "figures_from", "by_report", "implied_cagr", "audit_figures", "repetitions", "section_contents",
           "restatements"]

_FIGURES = """
SELECT ?f ?id ?en ?value ?norm ?unit ?currency ?year ?scope ?kind ?qualifier ?publisher ?rate ?gkind ?baseline
       (GROUP_CONCAT(DISTINCT ?m; separator=" ") AS ?measures)
       (GROUP_CONCAT(DISTINCT ?sec; separator=" ") AS ?sections) WHERE {
  ?f a kgo:MarketMetric ; dcterms:identifier ?id ; skos:prefLabel ?en ; kgo:value ?value ;
     kgo:normalizedValue ?norm ; kgo:unit ?unit ; kgo:metricKind ?kind ;
     kgo:measures/dcterms:identifier ?m ; prov:wasDerivedFrom/dcterms:identifier ?sec .
  FILTER(lang(?en) = "en")
  OPTIONAL { ?f kgo:currency ?currency } OPTIONAL { ?f kgo:year ?year }
  OPTIONAL { ?f kgo:scope/dcterms:identifier ?scope } OPTIONAL { ?f kgo:qualifier ?qualifier }
  OPTIONAL { ?f kgo:publishedBy/dcterms:identifier ?publisher }
  OPTIONAL { ?f kgo:statedGrowthRate ?rate ; kgo:growthKind ?gkind }
  OPTIONAL { ?f kgo:growthBaseline/dcterms:identifier ?baseline }
} GROUP BY ?f ?id ?en ?value ?norm ?unit ?currency ?year ?scope ?kind ?qualifier ?publisher ?rate ?gkind ?baseline
ORDER BY ?id"""


LOWER_BOUND = ("more-than", "at-least")
UPPER_BOUND = ("less-than", "up-to")


@dataclass
class Finding:
    """One thing the audit noticed: a kind, the figures involved, and the arithmetic."""

    kind: str
    severity: str  # "inconsistent" | "missing" | "note"
    figures: list[str]
    message: str
    arithmetic: str = ""
    data: dict = field(default_factory=dict)


def figures_from(backend) -> list[dict]:
    """The figures of a graph as dicts (Decimal values, ints for years, None when absent)."""
    # (read as plain strings, which the analysis reads ahead: every value but the numbers
    # and the year is a plain string literal or an identifier; the year an xsd:integer)
    out = []
    for (f, id_, en, value, norm, unit, currency, year, scope, kind, qualifier, publisher, rate, gkind, baseline,
         measures, sections) in select_values(backend, _FIGURES, *_FIGURE_NAMES, keep=False):
        out.append({
            "id": id_, "iri": f, "report": _report_of(f), "label": en, "value": Decimal(value),
            "normalized": Decimal(norm), "unit": unit, "currency": currency,
            "year": int(year) if year is not None else None, "scope": scope,
            "kind": kind, "qualifier": qualifier, "publisher": publisher,
            "rate": Decimal(rate) if rate is not None else None,
            "growth_kind": gkind, "baseline": baseline,
            "measures": sorted(measures.split()), "sections": sorted(sections.split()),
        })
    return out


_FIGURE_NAMES = ("f", "id", "en", "value", "norm", "unit", "currency", "year", "scope", "kind", "qualifier", "publisher",
                 "rate", "gkind", "baseline", "measures", "sections")


def _report_of(iri: str) -> str:
    return iri[len(DATA_NS):].split("/", 1)[0] if iri.startswith(DATA_NS) else ""


def by_report(figures: list[dict]) -> dict[str, list[dict]]:
    """Figures grouped by report: each report's figures are audited on their own (ids and
    baselines are only unique inside a report)."""
    out: dict[str, list[dict]] = {}
    for f in figures:
        out.setdefault(f.get("report", ""), []).append(f)
    return dict(sorted(out.items()))


def implied_cagr(start: Decimal, end: Decimal, years: int) -> float:
    """Compound annual growth rate, in percent, from ``start`` to ``end`` over ``years``.

    >>> round(implied_cagr(Decimal(1200), Decimal(2000), 4), 2)
    13.62
    """
    if years <= 0 or start <= 0:
        raise ValueError("growth needs a positive start and a later end year")
    return ((float(end) / float(start)) ** (1 / years) - 1) * 100


def _comparable(a: dict, b: dict) -> bool:
    return (a["unit"], a["currency"], a["scope"], a["measures"]) == (b["unit"], b["currency"], b["scope"], b["measures"])


def audit_figures(figures: list[dict], tolerance: float = 1.0) -> list[Finding]:
    """Check the figures: stated growth rates against the rates their start and end figures
    imply (beyond ``tolerance`` percentage points is inconsistent; when the end value is a
    bound, "more than X", only a rate that cannot reach X is), unstated rates between
    comparable actual/forecast pairs, missing publishers and years, contradicting horizons.

    Values are compared after normalising magnitudes (萬, 億, 萬億 → numbers); figures in
    different currencies or units are never compared.
    """
    by_id = {f["id"]: f for f in figures}
    findings: list[Finding] = []
    paired = set()
    for f in figures:
        if f["rate"] is None or not f["baseline"]:
            continue
        base = by_id.get(f["baseline"])
        if base is None or base["year"] is None or f["year"] is None:
            continue
        paired.add(frozenset((f["id"], base["id"])))
        years = f["year"] - base["year"]
        if years <= 0:
            findings.append(Finding("horizon", "inconsistent", [base["id"], f["id"]],
                                    f"{f['id']} ({f['year']}) grows from a baseline that is not earlier ({base['year']})"))
            continue
        implied = implied_cagr(base["normalized"], f["normalized"], years)
        stated = float(f["rate"])
        projected = float(base["value"]) * (1 + stated / 100) ** years
        arithmetic = (f"({f['value']} / {base['value']})^(1/{years}) − 1 = {implied:.2f}% a year; "
                      f"stated {stated:g}%; {base['value']} × (1 + {stated:g}%)^{years} = {projected:,.1f}")
        qualifier = f" (the end value is qualified '{f['qualifier']}')" if f["qualifier"] else ""
        # "more than X": the implied rate is a lower bound, so only a stated rate too low to
        # reach X contradicts it; "less than X" the other way round
        if f["qualifier"] in LOWER_BOUND:
            off = implied - stated > tolerance
        elif f["qualifier"] in UPPER_BOUND:
            off = stated - implied > tolerance
        else:
            off = abs(implied - stated) > tolerance
        if off:
            findings.append(Finding("growth-rate", "inconsistent", [base["id"], f["id"]],
                                    f"stated growth {stated:g}% but the figures imply {implied:.1f}%{qualifier}",
                                    arithmetic, {"implied": round(implied, 3), "stated": stated, "years": years}))
        else:
            agrees = (f"at {stated:g}% a year the start figure reaches the end figure (the figures imply "
                      f"at least {implied:.1f}%{qualifier})" if f["qualifier"] in LOWER_BOUND + UPPER_BOUND
                      else f"stated growth {stated:g}% agrees with the implied {implied:.1f}%")
            findings.append(Finding("growth-rate", "note", [base["id"], f["id"]], agrees,
                                    arithmetic, {"implied": round(implied, 3), "stated": stated, "years": years}))
    actuals = [f for f in figures if f["kind"] == "actual" and f["year"] is not None]
    forecasts = [f for f in figures if f["kind"] == "forecast" and f["year"] is not None]
    for a in actuals:
        for f in forecasts:
            if _comparable(a, f) and f["year"] > a["year"] and frozenset((a["id"], f["id"])) not in paired:
                implied = implied_cagr(a["normalized"], f["normalized"], f["year"] - a["year"])
                findings.append(Finding("growth-rate", "note", [a["id"], f["id"]],
                                        f"no rate stated; the figures imply {implied:.1f}% a year",
                                        f"({f['value']} / {a['value']})^(1/{f['year'] - a['year']}) − 1 = {implied:.2f}%",
                                        {"implied": round(implied, 3)}))
    for f in figures:
        if not f["publisher"]:
            findings.append(Finding("publisher", "missing", [f["id"]], f"{f['id']} names no publisher"))
        if f["year"] is None:
            findings.append(Finding("year", "missing", [f["id"]], f"{f['id']} has no year"))
    for a, b in combinations([f for f in figures if f["year"] is not None], 2):
        if _comparable(a, b) and a["year"] == b["year"] and a["normalized"] != b["normalized"]:
            findings.append(Finding("horizon", "inconsistent", [a["id"], b["id"]],
                                    f"two different values for the same measure, scope and year {a['year']}",
                                    f"{a['value']} vs {b['value']}"))
    return findings


# What cites a section (prov:wasDerivedFrom): an entity or figure, or the node of a
# relation (kgo:Assertion) or an influence, which kg makes once per relation and per
# influence of a report, so the node stands for it. Grouped by the engine, a row per section
# (1.7 million citations at 1,000 reports were as many rows for Python to read); the
# sections' numbers asked for apart (joined in, they cost Oxigraph 2.5× the time). IRIs
# alone: they hold no space, and a blank node has no name outside its graph.
_SECTION_NUMBERS = "SELECT ?sec ?section WHERE { ?sec a kgo:Section ; dcterms:identifier ?section }"
_CITATIONS = """
SELECT ?sec (GROUP_CONCAT(STR(?item); separator=" ") AS ?items) WHERE {
  ?item prov:wasDerivedFrom ?sec FILTER(isIRI(?item))
} GROUP BY ?sec"""


def section_contents(backend) -> dict[str, dict[str, set[str]]]:
    """Report id → section number → the IRIs of the entities, figures, relations and
    influences that cite it (reports and their sections in sorted order)."""
    # (each asked once: not kept by a Memo)
    where = {sec: (_report_of(sec), section)
             for sec, section in select_values(backend, _SECTION_NUMBERS, "sec", "section", keep=False)}
    same: dict[str, str] = {}  # (one str per item: most are cited by several sections)
    keep = same.setdefault
    out: dict[str, dict[str, set[str]]] = {}
    for sec, items in select_values(backend, _CITATIONS, "sec", "items", keep=False):
        if sec in where and items:
            report, section = where[sec]
            out.setdefault(report, {}).setdefault(section, set()).update([keep(i, i) for i in items.split(" ")])
    return {report: dict(sorted(sections.items())) for report, sections in sorted(out.items())}


def restatements(backend, threshold: float = 0.5, min_items: int = 3) -> list[dict]:
    """The likely restatements in every report: what :func:`repetitions` finds in each
    report's :func:`section_contents`, each with its ``report``, strongest first (then by
    report and sections).

    Counted in numpy on the items as numbers: the shared items of every two sections that
    share one, from the sections citing each item. Sets of IRIs per section, and a pair of
    them for every two sections of a report, took 6 CPU-s at 1,000 reports."""
    where = {sec: (_report_of(sec), section)
             for sec, section in select_values(backend, _SECTION_NUMBERS, "sec", "section", keep=False)}
    keys: dict[tuple, int] = {}  # (report, section) → its number
    numbers: dict[str, int] = {}  # item IRI → its number (every citing uses a number up: not 0, 1, 2, …)
    number, cited, citing = numbers.setdefault, [], []
    serial = count()
    for sec, items in select_values(backend, _CITATIONS, "sec", "items", keep=False):
        if sec in where and items:
            of_items = list(map(number, items.split(" "), serial))
            cited += of_items
            citing += [keys.setdefault(where[sec], len(keys))] * len(of_items)
    if not cited:
        return []
    item, section = np.array(cited, dtype=np.int64), np.array(citing, dtype=np.int64)
    # by item, then section, each (section, item) once: a section's items are a set
    order = np.lexsort((section, item))
    item, section = item[order], section[order]
    new = run_starts(item, section)
    item, section = item[new], section[new]
    sizes = np.bincount(section, minlength=len(keys)).tolist()
    # every two sections citing one item (a < b, as sorted in the item's run): each entry
    # with every entry after it in its run
    starts = np.flatnonzero(run_starts(item))
    ends = np.append(starts[1:], len(item))
    after = np.repeat(ends, np.diff(ends, prepend=0)) - np.arange(len(item)) - 1
    first = np.repeat(np.arange(len(item)), after)
    a, b = section[first], section[ranges(np.arange(1, len(item) + 1), after)]
    reports = {}
    report = np.array([reports.setdefault(r, len(reports)) for r, _ in keys], dtype=np.int64)
    within = report[a] == report[b]  # (a report's sections are compared with each other only)
    pairs = np.sort(a[within] * len(keys) + b[within])
    out = []
    if len(pairs):
        starts = np.flatnonzero(run_starts(pairs))
        shared = np.diff(starts, append=len(pairs))
        named = list(keys)
        for pair, n in zip(pairs[starts[shared >= min_items]].tolist(), shared[shared >= min_items].tolist()):
            i, j = divmod(pair, len(keys))
            overlap = n / min(sizes[i], sizes[j])
            if overlap >= threshold:
                (rep, x), (_, y) = named[i], named[j]
                if (_section_key(y), y) < (_section_key(x), x):
                    x, y = y, x
                out.append({"sections": [x, y], "overlap": round(overlap, 3),
                            "jaccard": round(n / (sizes[i] + sizes[j] - n), 3), "shared": n, "report": rep})
    return sorted(out, key=lambda d: (-d["overlap"], -d["shared"], d["report"], d["sections"]))


def _section_key(number: str) -> tuple:
    return tuple(int(p) for p in number.split("."))


def repetitions(contents: dict[str, set[str]], threshold: float = 0.5, min_items: int = 3) -> list[dict]:
    """Pairs of sections whose cited content overlaps strongly (likely restatements).

    Overlap is |A ∩ B| / min(|A|, |B|) (so a short section restating part of a long one
    counts); pairs at or above ``threshold`` with at least ``min_items`` shared items are
    listed, strongest first, with the Jaccard index for reference.
    """
    out = []
    for a, b in combinations(sorted(contents, key=_section_key), 2):
        A, B = contents[a], contents[b]
        shared = A & B
        if len(shared) < min_items:
            continue
        overlap = len(shared) / min(len(A), len(B))
        if overlap >= threshold:
            out.append({"sections": [a, b], "overlap": round(overlap, 3), "jaccard": round(len(shared) / len(A | B), 3),
                        "shared": len(shared)})
    return sorted(out, key=lambda d: (-d["overlap"], -d["shared"], d["sections"]))
