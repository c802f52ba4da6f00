"""Synthetic report corpora in kg's authoring format, shaped like the bundled report.

``python bench/synth.py --reports N --seed S --out DIR`` writes ``DIR/synth-00001/`` …
``DIR/synth-NNNNN/``, each a report folder that ``kg.load(DIR)`` loads and SHACL
validates. The same seed gives byte-identical files.

The *shape* of a report — how many entities of each class, how many relations of each
(type, from-class, to-class), how many influences between each pair of classes and their
polarity/strength mix, how many sections each item cites, figures per section, sections
per chapter — comes from :data:`PROFILE`, measured once from ``data/micropayments`` with
:func:`measure_profile` (``python bench/synth.py --print-profile data/micropayments``
prints it again). Each synthetic report draws a size factor around 1.0 and scales every
count by it, so a corpus of N reports has about N times the bundled report's triples and
the same ratios.

Text is made up: English labels and descriptions are invented words, Chinese labels are
strings drawn from a small fixed set of characters. Nothing is copied from a real report.

Examples
--------
>>> from bench.synth import generate_corpus             # doctest: +SKIP
>>> generate_corpus("/tmp/corpus", reports=3, seed=1)   # doctest: +SKIP
['synth-00001', 'synth-00002', 'synth-00003']
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections import Counter
from pathlib import Path

__all__ = ["PROFILE", "measure_profile", "generate_report", "generate_corpus", "report_id"]

# --------------------------------------------------------------------------- the profile

#: Shape of the bundled report ``data/micropayments`` as measured by :func:`measure_profile`.
#: Counts are per report; lists of small integers are empirical distributions to sample.
PROFILE: dict = {
    "entities": {
        "Driver": 15, "Challenge": 46, "Competitor": 16, "Technology": 28, "Recommendation": 40,
        "Scenario": 22, "Trend": 14, "Outcome": 23, "Region": 8, "Regulation": 6, "Stakeholder": 16,
        "Organisation": 13, "InvestmentTheme": 3,
    },
    # (relation type, from class, to class) → count
    "relations": {
        ("addresses", "Recommendation", "Challenge"): 75, ("addresses", "Technology", "Challenge"): 30,
        ("uses", "Recommendation", "Technology"): 26, ("hinders", "Challenge", "Outcome"): 17,
        ("competes_in", "Competitor", "Scenario"): 13, ("part_of", "Challenge", "Challenge"): 13,
        ("concerns", "Trend", "Technology"): 12, ("part_of", "Scenario", "Scenario"): 12,
        ("part_of", "Recommendation", "Recommendation"): 11, ("enables", "Technology", "Technology"): 9,
        ("part_of", "Competitor", "Competitor"): 9, ("partners_with", "Stakeholder", "Stakeholder"): 9,
        ("enables", "Driver", "Scenario"): 9, ("hinders", "Challenge", "Stakeholder"): 9,
        ("hinders", "Challenge", "Scenario"): 9, ("serves", "Technology", "Scenario"): 8,
        ("enables", "Technology", "Outcome"): 7, ("partners_with", "Competitor", "Stakeholder"): 7,
        ("concerns", "Trend", "Scenario"): 7, ("hinders", "Challenge", "Technology"): 7,
        ("concerns", "Recommendation", "Stakeholder"): 7, ("part_of", "Technology", "Technology"): 6,
        ("uses", "Competitor", "Technology"): 6, ("addresses", "Regulation", "Challenge"): 6,
        ("concerns", "Recommendation", "Scenario"): 6, ("applies_to", "Regulation", "Stakeholder"): 5,
        ("enables", "Driver", "Driver"): 5, ("hinders", "Challenge", "Competitor"): 5,
        ("concerns", "Recommendation", "Regulation"): 5, ("concerns", "Recommendation", "Competitor"): 5,
        ("partners_with", "Competitor", "Organisation"): 4, ("serves", "Competitor", "Scenario"): 4,
        ("addresses", "Competitor", "Challenge"): 4, ("applies_to", "Regulation", "Competitor"): 4,
        ("enables", "Trend", "Trend"): 4, ("concerns", "InvestmentTheme", "Scenario"): 4,
        ("enables", "Technology", "Driver"): 3, ("part_of", "Technology", "Recommendation"): 3,
        ("competes_with", "Competitor", "Competitor"): 3, ("uses", "Stakeholder", "Technology"): 3,
        ("enables", "Scenario", "Stakeholder"): 3, ("related_to", "Region", "Driver"): 3,
        ("addresses", "Trend", "Challenge"): 3, ("hinders", "Challenge", "Trend"): 3,
        ("hinders", "Challenge", "Recommendation"): 3, ("concerns", "InvestmentTheme", "Technology"): 3,
        ("serves", "Technology", "Stakeholder"): 2, ("competes_in", "Competitor", "Region"): 2,
        ("serves", "Competitor", "Stakeholder"): 2, ("related_to", "Competitor", "Challenge"): 2,
        ("uses", "Organisation", "Technology"): 2, ("part_of", "Organisation", "Stakeholder"): 2,
        ("located_in", "Region", "Region"): 2, ("related_to", "Region", "Outcome"): 2,
        ("located_in", "Regulation", "Region"): 2, ("part_of", "Regulation", "Regulation"): 2,
        ("enables", "Trend", "Scenario"): 2, ("enables", "Driver", "Trend"): 2,
        ("concerns", "Trend", "Competitor"): 2, ("concerns", "Trend", "Outcome"): 2,
        ("concerns", "Trend", "Regulation"): 2, ("related_to", "Scenario", "Scenario"): 2,
        ("uses", "Scenario", "Technology"): 2, ("concerns", "Recommendation", "Technology"): 2,
        ("hinders", "Technology", "Competitor"): 1, ("enables", "Technology", "Competitor"): 1,
        ("part_of", "Competitor", "Stakeholder"): 1, ("located_in", "Competitor", "Region"): 1,
        ("related_to", "Organisation", "Recommendation"): 1, ("part_of", "Stakeholder", "Stakeholder"): 1,
        ("hinders", "Challenge", "Region"): 1, ("related_to", "Region", "Region"): 1,
        ("hinders", "Regulation", "Competitor"): 1, ("enables", "Trend", "Driver"): 1,
        ("concerns", "Trend", "Region"): 1, ("enables", "Driver", "Technology"): 1,
        ("concerns", "Recommendation", "Region"): 1, ("concerns", "InvestmentTheme", "Driver"): 1,
        ("concerns", "InvestmentTheme", "Region"): 1,
    },
    # (from class, to class) → count of influences
    "influences": {
        ("Recommendation", "Challenge"): 33, ("Challenge", "Outcome"): 26, ("Technology", "Challenge"): 25,
        ("Recommendation", "Outcome"): 23, ("Outcome", "Outcome"): 19, ("Challenge", "Challenge"): 17,
        ("Scenario", "Outcome"): 16, ("Driver", "Outcome"): 15, ("Technology", "Outcome"): 10,
        ("Trend", "Outcome"): 9, ("Driver", "Driver"): 7, ("Competitor", "Outcome"): 7,
        ("Regulation", "Challenge"): 7, ("Driver", "Scenario"): 5, ("Technology", "Technology"): 5,
        ("Driver", "Challenge"): 4, ("Challenge", "Technology"): 4, ("Trend", "Challenge"): 4,
        ("Outcome", "Challenge"): 3, ("Challenge", "Scenario"): 3, ("Challenge", "Competitor"): 3,
        ("Challenge", "Recommendation"): 3, ("Technology", "Driver"): 3, ("Technology", "Scenario"): 3,
        ("Competitor", "Challenge"): 3, ("InvestmentTheme", "Outcome"): 3, ("Driver", "Trend"): 2,
        ("Challenge", "Driver"): 2, ("Challenge", "Trend"): 2, ("Trend", "Technology"): 2,
        ("Trend", "Scenario"): 2, ("Trend", "Trend"): 2, ("Driver", "Technology"): 1,
        ("Outcome", "Stakeholder"): 1, ("Competitor", "Scenario"): 1, ("Trend", "Driver"): 1,
        ("Regulation", "Competitor"): 1, ("Scenario", "Scenario"): 1, ("Outcome", "Driver"): 1,
        ("Recommendation", "Competitor"): 1, ("Recommendation", "Driver"): 1,
    },
    # (polarity, strength) → count
    "polarity_strength": {
        ("positive", 2): 115, ("negative", 2): 80, ("positive", 1): 42, ("negative", 1): 22,
        ("positive", 3): 17, ("negative", 3): 5,
    },
    # how many sections an item cites: value → count
    "sections_per": {
        "entity": {1: 107, 2: 50, 3: 30, 4: 20, 5: 18, 6: 7, 7: 6, 8: 3, 9: 3, 10: 1, 11: 1, 12: 1, 13: 2, 15: 1},
        "figure": {1: 11, 2: 2},
        "relation": {1: 345, 2: 87, 3: 21, 4: 6, 6: 1},
        "influence": {1: 212, 2: 63, 3: 4, 4: 1, 5: 1},
    },
    "chapters": 7,
    "sections_per_chapter": [3, 2, 3, 3, 2, 2, 1],
    "leaves_per_section": [2, 2, 2, 3, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1],
    "figures": 13,
    #: leaves holding figures hold this many (7 leaves with 2, 1 with 1)
    "figures_per_section": {2: 7, 1: 1},
    "figure_units": {"money": 10, "percent": 2, "users": 1},
    "figure_measures": {"Outcome": 8, "Challenge": 4, "Driver": 3, "Competitor": 2},
    "figure_measures_len": {1: 9, 2: 4},
    "figure_kind": {"actual": 8, "forecast": 5},
    "figure_optional": {"qualifier": 9 / 13, "publisher": 11 / 13, "year": 11 / 13, "growth": 3 / 13},
    "alt_labels": 66 / 264,
    "category": 1 - 39 / 264,
    "audience_len": {1: 34, 2: 8, 3: 1},
    "unaddressed": 7 / 46,
    "relation_note": 36 / 475,
    "influence_note": 34 / 281,
}

#: Made-up syllables for English-looking words, and a fixed set of CJK characters for
#: Chinese-looking labels (random strings of them, not words of any text).
_SYLLABLES = ("ka", "lo", "mi", "ren", "tas", "vo", "qui", "dar", "sel", "nu", "bri", "zo", "fen", "gal",
              "hu", "jor", "pel", "tri", "wen", "yas", "mor", "cal", "dri", "ost", "lun", "ver", "sa", "tem")
_HANZI = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土日月山川風雲雨雪花草石"
_HANZI_PUNCT = "。"
_CATEGORY_POOL = 6  # made-up categories per entity class

_FILE_GROUPS = {  # which entity classes go to which file, as an analyst might split them
    "drivers-challenges.yaml": ("Driver", "Challenge"),
    "market.yaml": ("Competitor", "Organisation", "Stakeholder", "Region"),
    "technology.yaml": ("Technology",),
    "recommendations.yaml": ("Recommendation", "InvestmentTheme"),
    "scenarios-trends.yaml": ("Scenario", "Trend"),
    "outcomes.yaml": ("Outcome",),
    "regulation.yaml": ("Regulation",),
}


def report_id(index: int) -> str:
    """The id (and folder name) of the ``index``-th synthetic report, counting from 1."""
    return f"synth-{index:05d}"


# --------------------------------------------------------------------------- measuring


def measure_profile(report) -> dict:
    """Measure the shape of a :class:`kg.model.Report` in the form of :data:`PROFILE`.

    Used to write :data:`PROFILE` from the bundled report and by the tests to compare a
    synthetic report's shape with the real one's.
    """
    types = report.types_by_id()
    n_ent = len(report.entities)
    sec_children = Counter(s.parent for s in report.sections if s.parent is not None)
    chapters = [s.number for s in report.sections if s.parent is None]
    sections = [s.number for s in report.sections if s.number.count(".") == 1]
    leaves = set(report.leaf_sections())
    fig_sections = Counter(n for f in report.figures for n in f.sections if n in leaves)

    def dist(values) -> dict:
        return dict(sorted(Counter(values).items()))

    return {
        "entities": dict(Counter(e.type for e in report.entities)),
        "relations": dict(Counter((r.type, types[r.from_], types[r.to]) for r in report.relations)),
        "influences": dict(Counter((types[i.from_], types[i.to]) for i in report.influences)),
        "polarity_strength": dict(Counter((i.polarity, i.strength) for i in report.influences)),
        "sections_per": {
            "entity": dist(len(e.sections) for e in report.entities),
            "figure": dist(len(f.sections) for f in report.figures),
            "relation": dist(len(r.sections) for r in report.relations),
            "influence": dist(len(i.sections) for i in report.influences),
        },
        "chapters": len(chapters),
        "sections_per_chapter": [sec_children[c] for c in chapters],
        "leaves_per_section": [sec_children[s] for s in sections],
        "figures": len(report.figures),
        "figures_per_section": dist(fig_sections.values()),
        "figure_units": dict(Counter(f.unit for f in report.figures)),
        "figure_measures": dict(Counter(types[m] for f in report.figures for m in f.measures)),
        "figure_measures_len": dist(len(f.measures) for f in report.figures),
        "figure_kind": dict(Counter(f.kind for f in report.figures)),
        "figure_optional": {k: sum(getattr(f, k) is not None for f in report.figures) / max(1, len(report.figures))
                            for k in ("qualifier", "publisher", "year", "growth")},
        "alt_labels": sum(e.alt_labels is not None for e in report.entities) / max(1, n_ent),
        "category": sum(e.category is not None for e in report.entities) / max(1, n_ent),
        "audience_len": dist(len(e.audience) for e in report.entities if e.audience),
        "unaddressed": sum(e.unaddressed for e in report.entities)
                       / max(1, sum(e.type == "Challenge" for e in report.entities)),
        "relation_note": sum(r.note is not None for r in report.relations) / max(1, len(report.relations)),
        "influence_note": sum(i.note is not None for i in report.influences) / max(1, len(report.influences)),
    }


# --------------------------------------------------------------------------- text


class _Words:
    """Made-up words and Chinese-looking strings, unique per report where they must be."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_en: set[str] = set()
        self.used_zh: set[str] = set()

    def word(self) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(1, 3)))

    def words(self, n: int) -> str:
        return " ".join(self.word() for _ in range(n))

    def sentence(self, chars: int) -> str:
        out = []
        while sum(len(w) + 1 for w in out) < chars:
            out.append(self.word())
        text = " ".join(out)
        return text[0].upper() + text[1:] + "."

    def hanzi(self, n: int) -> str:
        return "".join(self.rng.choice(_HANZI) for _ in range(n))

    def label(self) -> tuple[str, str]:
        """A (zh, en) label pair, unique within the report in both languages."""
        while True:
            en = self.words(self.rng.randint(1, 4))
            en = en[0].upper() + en[1:]
            if en not in self.used_en:
                break
        while True:
            zh = self.hanzi(self.rng.randint(3, 8))
            if zh not in self.used_zh:
                break
        self.used_en.add(en)
        self.used_zh.add(zh)
        return zh, en

    def description(self) -> tuple[str, str]:
        zh_len = max(6, int(self.rng.gauss(24, 8)))
        en_len = max(20, int(self.rng.gauss(89, 30)))
        return self.hanzi(zh_len) + _HANZI_PUNCT, self.sentence(en_len)


# --------------------------------------------------------------------------- generating


def _pick(rng: random.Random, dist: dict):
    """Draw a key of ``dist`` with probability proportional to its count."""
    keys = list(dist)
    return rng.choices(keys, weights=[dist[k] for k in keys])[0]


def _scaled(count: float, factor: float, rng: random.Random) -> int:
    """``count * factor`` rounded stochastically, so small counts keep their mean."""
    x = count * factor
    base = int(x)
    return base + (1 if rng.random() < x - base else 0)


def _slug(text: str) -> str:
    return "-".join(text.lower().split())[:60].strip("-")


def generate_report(index: int, seed: int, profile: dict | None = None) -> dict[str, dict]:
    """One synthetic report as ``{file name: YAML document as a dict}``.

    The result depends only on ``index``, ``seed`` and ``profile`` (each report has its
    own random stream, so report 7 is the same in a corpus of 10 and one of 1,000).
    """
    p = profile or PROFILE
    rng = random.Random(f"kg-synth/{seed}/{index}")
    words = _Words(rng)
    rid = report_id(index)
    factor = rng.uniform(0.75, 1.25)

    # -- table of contents: chapters → sections → leaf sections
    sections: list[dict] = []
    leaves: list[str] = []
    n_chapters = max(2, _scaled(p["chapters"], factor, rng))
    for c in range(1, n_chapters + 1):
        sections.append(_section(str(c), words))
        for s in range(1, rng.choice(p["sections_per_chapter"]) + 1):
            sections.append(_section(f"{c}.{s}", words))
            for leaf in range(1, rng.choice(p["leaves_per_section"]) + 1):
                number = f"{c}.{s}.{leaf}"
                sections.append(_section(number, words))
                leaves.append(number)

    def cite(kind: str) -> list[str]:
        n = min(_pick(rng, p["sections_per"][kind]), len(leaves))
        # an item is usually discussed in neighbouring sections: a window of the report
        start = rng.randrange(len(leaves))
        window = [leaves[(start + i) % len(leaves)] for i in range(min(len(leaves), 3 * n))]
        chosen = set(rng.sample(window, n))
        return [s for s in leaves if s in chosen]

    # -- entities
    categories = {t: [words.word() for _ in range(_CATEGORY_POOL)] for t in p["entities"]}
    by_type: dict[str, list[str]] = {}
    entities: list[dict] = []
    ids: set[str] = set()
    for etype, count in p["entities"].items():
        n = max(1, _scaled(count, factor, rng))
        for _ in range(n):
            zh, en = words.label()
            ident = _slug(en)
            while ident in ids or not ident:
                ident = f"{_slug(en)}-{rng.randint(2, 999)}"
            ids.add(ident)
            dzh, den = words.description()
            e: dict = {"id": ident, "type": etype, "label": {"zh": zh, "en": en}}
            if rng.random() < p["alt_labels"]:
                e["alt_labels"] = {"zh": [words.hanzi(rng.randint(3, 6))], "en": [words.words(2)]}
            if rng.random() < p["category"]:
                e["category"] = _slug(rng.choice(categories[etype]))
            e["description"] = {"zh": dzh, "en": den}
            e["sections"] = cite("entity")
            if etype == "Challenge" and rng.random() < p["unaddressed"]:
                e["unaddressed"] = True
            entities.append(e)
            by_type.setdefault(etype, []).append(ident)
    for e in entities:  # audiences need the stakeholders to exist first
        if e["type"] in ("Recommendation", "InvestmentTheme"):
            stakeholders = by_type["Stakeholder"]
            k = min(_pick(rng, p["audience_len"]), len(stakeholders))
            e["audience"] = sorted(rng.sample(stakeholders, k))
    unaddressed = {e["id"] for e in entities if e.get("unaddressed")}
    etype_of = {e["id"]: e["type"] for e in entities}

    # -- relations, by (type, from class, to class)
    relations: list[dict] = []
    seen_rel: set[tuple] = set()
    from kg.schema import RELATIONS  # the vocabulary's table says which relations are symmetric

    for (rtype, ft, tt), count in p["relations"].items():
        sources, targets = by_type.get(ft, []), by_type.get(tt, [])
        for _ in range(_scaled(count, factor, rng)):
            for _attempt in range(10):
                a, b = rng.choice(sources), rng.choice(targets)
                key = (min(a, b), rtype, max(a, b)) if RELATIONS[rtype].symmetric else (a, rtype, b)
                if a == b or key in seen_rel or (rtype == "addresses" and b in unaddressed):
                    continue
                seen_rel.add(key)
                r = {"from": a, "type": rtype, "to": b, "sections": cite("relation")}
                if rng.random() < p["relation_note"]:
                    r["note"] = words.sentence(rng.randint(30, 90))
                relations.append(r)
                break

    # -- influences, by (from class, to class)
    influences: list[dict] = []
    seen_inf: set[tuple] = set()
    for (ft, tt), count in p["influences"].items():
        sources, targets = by_type.get(ft, []), by_type.get(tt, [])
        for _ in range(_scaled(count, factor, rng)):
            for _attempt in range(10):
                a, b = rng.choice(sources), rng.choice(targets)
                # the report offers nothing against an unaddressed challenge
                if a == b or (a, b) in seen_inf or (b in unaddressed and ft == "Recommendation"):
                    continue
                seen_inf.add((a, b))
                polarity, strength = _pick(rng, p["polarity_strength"])
                i = {"from": a, "to": b, "polarity": polarity, "strength": strength, "sections": cite("influence")}
                if rng.random() < p["influence_note"]:
                    i["note"] = words.sentence(rng.randint(30, 90))
                influences.append(i)
                break

    figures = _figures(p, rng, words, factor, leaves, by_type, etype_of)

    # -- report.yaml
    tzh, ten = words.label()
    dzh, den = words.description()
    head: dict = {
        "id": rid,
        "title": {"zh": tzh + "報告", "en": f"Synthetic report {index}: {ten}"},
        "language": "zh-Hant",
        "description": {"zh": dzh, "en": den},
        "source": f"Generated by bench/synth.py (seed {seed}, report {index}); not a real report.",
    }
    if rng.random() < 0.3:  # some sources stop early, like the bundled report
        head["truncated"] = {"section": leaves[-1], "note": {"zh": words.hanzi(12) + "。",
                                                             "en": words.sentence(60)}}
    head["sections"] = sections

    files: dict[str, dict] = {"report.yaml": head}
    for name, group in _FILE_GROUPS.items():
        files[name] = {"entities": [e for e in entities if e["type"] in group]}
    files["figures.yaml"] = {"figures": figures}
    files["relations.yaml"] = {"relations": relations}
    files["influences.yaml"] = {"influences": influences}
    return files


def _section(number: str, words: _Words) -> dict:
    zh, en = words.hanzi(words.rng.randint(4, 12)), words.words(words.rng.randint(2, 6))
    return {"number": number, "heading": {"zh": zh, "en": en[0].upper() + en[1:]}}


def _figures(p, rng, words, factor, leaves, by_type, etype_of) -> list[dict]:
    """Figures in clusters on a few leaf sections; actual/forecast pairs with growth."""
    n = max(1, _scaled(p["figures"], factor, rng))
    figures: list[dict] = []
    ids: set[str] = set()
    measurable = [t for t in p["figure_measures"] if by_type.get(t)]
    while len(figures) < n:
        size = min(_pick(rng, p["figures_per_section"]), n - len(figures))
        where = rng.choice(leaves)
        unit = _pick(rng, p["figure_units"])
        currency = rng.choice(("CNY", "USD", "EUR")) if unit == "money" else None
        measures = []
        for _ in range(_pick(rng, p["figure_measures_len"])):
            m = rng.choice(by_type[rng.choices(measurable, weights=[p["figure_measures"][t] for t in measurable])[0]])
            if m not in measures:
                measures.append(m)
        year = rng.randint(2015, 2024)
        previous = None
        for k in range(size):
            kind = "actual" if k == 0 and size > 1 else _pick(rng, p["figure_kind"])
            zh, en = words.label()
            ident = "fig-" + _slug(en)
            while ident in ids or ident in etype_of:
                ident = f"fig-{_slug(en)}-{rng.randint(2, 999)}"
            ids.add(ident)
            dzh, den = words.description()
            secs = [where]
            if _pick(rng, p["sections_per"]["figure"]) > 1 and len(leaves) > 1:
                other = rng.choice([s for s in leaves if s != where])
                secs = [s for s in leaves if s in (where, other)]
            f: dict = {"id": ident, "label": {"zh": zh, "en": en}, "description": {"zh": dzh, "en": den},
                       "sections": secs, "measures": list(measures)}
            if unit == "percent":
                f["value"] = round(rng.uniform(1, 95), 1)
            else:
                f["value"] = rng.randint(10, 5000)
                f["scale"] = rng.choice(("億", "萬億", "萬", "million", "billion"))
            f["unit"] = unit
            if currency:
                f["currency"] = currency
            if rng.random() < p["figure_optional"]["year"]:
                f["year"] = year + (k * rng.randint(2, 5) if kind == "forecast" else 0)
            if by_type.get("Region"):
                f["scope"] = rng.choice(by_type["Region"])
            f["kind"] = kind
            if rng.random() < p["figure_optional"]["qualifier"]:
                f["qualifier"] = rng.choice(("about", "nearly", "more-than", "at-least", "up-to"))
            if by_type.get("Organisation") and rng.random() < p["figure_optional"]["publisher"]:
                f["publisher"] = rng.choice(by_type["Organisation"])
            if previous is not None and kind == "forecast" and rng.random() < 3 * p["figure_optional"]["growth"]:
                f["growth"] = {"rate": round(rng.uniform(2, 40), 1), "kind": "cagr", "baseline": previous}
            figures.append(f)
            previous = ident
    return figures


# --------------------------------------------------------------------------- writing


def _scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    # a JSON string is a valid YAML double-quoted scalar
    return json.dumps(v, ensure_ascii=False)


def _flow(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def to_yaml(doc: dict) -> str:
    """Emit a generated document as YAML: block lists of items, small values in flow style.

    Hand-written (not ``yaml.dump``) so the bytes depend on nothing but the data.
    """
    out = ["# Synthetic data written by bench/synth.py; made-up text.\n"]
    for key, value in doc.items():
        if isinstance(value, list):
            out.append(f"{key}:\n")
            for item in value:
                first = True
                for k, v in item.items():
                    out.append(("  - " if first else "    ") + f"{k}: {_flow(v)}\n")
                    first = False
            if not value:
                out[-1] = f"{key}: []\n"
        else:
            out.append(f"{key}: {_flow(value)}\n")
    return "".join(out)


def generate_corpus(out: str | Path, reports: int, seed: int = 0, profile: dict | None = None,
                    clean: bool = True) -> list[str]:
    """Write ``reports`` synthetic report folders under ``out``; return their ids.

    With ``clean`` (default), ``synth-*`` folders already in ``out`` are removed first so
    the folder holds exactly this corpus.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if clean:
        for old in out.glob("synth-*"):
            shutil.rmtree(old)
    ids = []
    for index in range(1, reports + 1):
        rid = report_id(index)
        folder = out / rid
        folder.mkdir()
        for name, doc in generate_report(index, seed, profile).items():
            (folder / name).write_text(to_yaml(doc), encoding="utf-8")
        ids.append(rid)
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1, help="number of reports (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", help="output folder (synth-* folders in it are replaced)")
    parser.add_argument("--print-profile", metavar="REPORT_DIR",
                        help="measure a real report folder and print its profile instead")
    args = parser.parse_args(argv)
    if args.print_profile:
        import pprint

        from kg.loader import load_report

        pprint.pprint(measure_profile(load_report(args.print_profile)), width=110, sort_dicts=False)
        return 0
    if not args.out:
        parser.error("--out is required")
    ids = generate_corpus(args.out, args.reports, args.seed)
    print(f"wrote {len(ids)} report(s) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
