"""``kg analyze``: every method on the report's graphs, as JSON and as readable Markdown.

This module is the glue between the graphs (:mod:`.graphs`) and the methods; the methods
themselves stay independent of kg's data.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import numpy as np

from ..procs import collector_paused, start_apart
from .audit import _CITATIONS, _FIGURES, _SECTION_NUMBERS, audit_figures, by_report, figures_from, restatements
from .centrality import METRICS, _sharing_magnitude_graphs, centrality_columns, rank
from .communities import communities
from .coverage import coverage, gaps, leverage
from .fcm import scenario as fcm_scenario
from .graphs import _ADDRESSES, _INFLUENCES, _NODES, Memo, as_backend, coverage_graph, influence_graph
from .indices import graph_indices
from .loops import feedback_loops
from .micmac import micmac

__all__ = ["analyze", "to_markdown", "write_analysis", "run_scenario"]

RANKED_TYPES = ("Driver", "Challenge", "Technology")


def _clean(x):
    """JSON-safe: NaN/inf → None, floats rounded to 6 places, tuples → lists, sets → sorted
    lists, keys → str."""
    kind = type(x)
    if kind is str or kind is int or kind is bool or x is None:  # most of a large result
        return x
    if kind is dict:
        # (plain values and floats, most of a large result, without a call each)
        return {k if type(k) is str else str(k):
                v if (t := type(v)) is str or t is int or v is None
                else (round(v, 6) if math.isfinite(v) else None) if t is float else _clean(v)
                for k, v in x.items()}
    if isinstance(x, float):
        return _number(x)
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [v if (t := type(v)) is str or t is int or v is None else _clean(v) for v in x]
    if isinstance(x, set):
        return sorted(_clean(v) for v in x)
    return x


def analyze(source, top: int = 10, max_loop_length: int = 5, split: str = "mean", seed: int = 42,
            attenuation: float = 0.3) -> dict:
    """Run every analysis on a KnowledgeGraph, an rdflib graph or a store backend.

    Returns a JSON-ready dict: nodes (labels, types), top drivers/challenges/technologies
    by each centrality, the MICMAC table and classes, feedback loops, graph indices,
    communities, recommendation leverage and gaps, the figure audit and repetitions.

    Examples
    --------
    >>> import kg
    >>> result = analyze(kg.load())            # doctest: +SKIP
    >>> result["micmac"]["converged"]          # doctest: +SKIP
    True
    """
    if top < 0:
        raise ValueError(f"top must be >= 0, not {top}")
    with collector_paused():
        return _analyze(Memo(as_backend(source)), top, max_loop_length, split, seed, attenuation)


# MICMAC, the feedback loops, the communities and the indices go to a child process from this many
# influence edges on (seconds of work: less is not worth an interpreter's start and the pickling)
_APART_FROM_EDGES = 50_000

# the centralities made beside the rest with MICMAC, which makes the matrix most of them read;
# here the degrees and the shortest paths (which igraph searches in C on a large graph). (With
# PageRank and the strengths here too, the child was done 6 s before this process at 1,000
# reports, one core idle meanwhile.)
_APART_METRICS = ("in_strength", "out_strength", "pagerank", "two_step_reach", "eigenvector", "katz")
_HERE_METRICS = tuple(m for m in METRICS if m not in _APART_METRICS)


# The store's large reads, read ahead by its engine beside this thread (see
# kg.store.ReadAhead): first the two the influence network is made of, side by side, then the
# rest. (On Oxigraph at 1,000 reports the first read took 17–22 s a term at a time, one core
# idle; the engine writes both answers in about 4 s, and Python reads them in 2 to 3.)
_READ_AHEAD = ((_NODES, _ADDRESSES, _SECTION_NUMBERS, _FIGURES), (_INFLUENCES, _CITATIONS))


def _analyze(backend, top, max_loop_length, split, seed, attenuation) -> dict:
    job = None
    try:
        with backend.read_ahead(*_READ_AHEAD):
            G = influence_graph(backend)
            # On a large graph MICMAC, the loops, the communities and the indices go to a
            # child process of their own (the graph travels pickled; they read no store),
            # beside the reads and the rest here. Not a forked child: a child shares its
            # parent's pages until either writes to one, and reading an Oxigraph store writes
            # to the pages it reads (its entries are reference-counted), so every store page
            # read here with a forked child alive would be copied first (~12 µs a page on a
            # 2-core VM; at 1,000 reports the reads below took 6 times as long). (The
            # centralities in a second child gained nothing more: both cores are busy already;
            # the three of them read on the graph's structure alone go with MICMAC, which makes
            # the matrix they read: the rest of the analysis here takes longer than the child.)
            job = start_apart(_structure, _Weighted(G), split, attenuation, max_loop_length, top, seed,
                              apart=G.number_of_edges() >= _APART_FROM_EDGES)
            C = coverage_graph(backend)
            figures = figures_from(backend)
            reps = restatements(backend)
        audit = (*_audit(figures), reps)
        # (the nodes hold plain strings already: 185,000 of them at 1,000 reports; the
        # centralities and the leverage are made clean; MICMAC's and the loops' parts come
        # cleaned from _structure)
        return {k: v if k in _CLEAN_ALREADY else _clean(v) for k, v in _result(G, C, audit, job, top).items()}
    finally:
        if job is not None:
            job.cancel()


def _result(G, C, audit, structure, top) -> dict:
    # (all that needs nothing from the child first, while it works: what is left once it is
    # done runs with one core idle)
    covered = coverage(C, G)
    keys, columns = centrality_columns(G, metrics=_HERE_METRICS)
    of_type = _of_types(keys, {n: G.nodes[n].get("type") for n in keys})
    rankings = _rankings(of_type, columns, top)
    cleaned = _cleaned_columns(keys, columns)
    figure_iris, findings, reps = audit
    keep = ("id", "type", "label_zh", "label_en", "report", "iri")
    nodes = {n: {k: d.get(k) for k in keep} for n, d in G.nodes(data=True)}
    for n, d in C.nodes(data=True):
        nodes.setdefault(n, {k: d.get(k) for k in keep})
    gaps_part = gaps(C, covered)
    audit_part = {"figures": [{"kind": f.kind, "severity": f.severity, "figures": f.figures, "message": f.message,
                               "arithmetic": f.arithmetic, "report": report,
                               "iris": [figure_iris[report][i] for i in f.figures]} for report, f in findings],
                  "repetitions": reps}
    micmac_part, loops_part, comms, indices, structural = structure.result()
    columns = {m: dict(zip(keys, values)) for m, values in structural.items()}
    cleaned.update(_cleaned_columns(keys, columns))
    for t, of_metric in _rankings(of_type, columns, top).items():
        rankings[t] = dict(sorted({**rankings[t], **of_metric}.items()))
    pagerank = {n: _nan0(v) for n, v in columns["pagerank"].items()}
    peak = max((pagerank[n] for n in C if n in pagerank and C.nodes[n].get("type") == "Challenge"), default=0) or 1
    importance = {n: pagerank.get(n, 0.0) / peak for n, d in C.nodes(data=True) if d.get("type") == "Challenge"}
    lev = leverage({n: c for n, c in covered.items() if _type(G, C, n) == "Recommendation"}, importance)
    return {
        "graph": {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(), **indices},
        "nodes": nodes,
        "centrality": {n: dict(zip(METRICS, row)) for n, row in zip(keys, zip(*[cleaned[m] for m in METRICS]))},
        "rankings": rankings,
        "micmac": micmac_part,
        "loops": loops_part,
        "communities": [{"members": sorted(c), "hubs": [n for n, _ in rank({m: pagerank.get(m, 0) for m in c}, top=3)]}
                        for c in comms],
        # (made clean: a call of _clean per path took a second and a half at 1,000 reports)
        "leverage": [{"recommendation": n, "score": _number(s), "direct": list(covered[n].direct),
                      "indirect": {c: {"effect": _number(e), "path": list(p)} for c, (e, p) in covered[n].indirect.items()}}
                     for n, s in lev],
        "gaps": gaps_part,
        "audit": audit_part,
    }


def _of_types(nodes: list, types: dict) -> dict[str, list]:
    """Each of :data:`RANKED_TYPES` → its nodes among ``nodes``, sorted."""
    return {t: sorted(n for n in nodes if types.get(n) == t) for t in RANKED_TYPES}


def _rankings(of_type: dict[str, list], columns: dict, top: int) -> dict:
    """Type → metric → the ``top`` nodes of the type as [node, value], highest value first,
    ties by node, nan counted as 0, for the types of ``of_type`` (type → its nodes, sorted,
    see :func:`_of_types`) and the metrics of ``columns`` (metric → node → value), in the
    metrics' sorted order (none where no node has a column)."""
    metrics = sorted(columns) if any(columns.values()) else []
    rankings = {}
    for t, keys in of_type.items():
        # (in numpy, whose stable sort keeps the sorted keys' order among equal values: a
        # Python pass per type and metric over 46,000 challenges took seconds at 1,000 reports)
        rankings[t] = {}
        for m in metrics:
            column = columns[m]
            values = np.nan_to_num(np.fromiter(map(column.__getitem__, keys), float, len(keys)),
                                   nan=0.0, posinf=np.inf, neginf=-np.inf)
            rankings[t][m] = [[keys[i], column[keys[i]]] for i in np.argsort(-values, kind="stable")[:top]]
    return rankings


def _cleaned_columns(nodes: list, columns: dict) -> dict[str, list]:
    """Metric → its values for ``nodes`` as :func:`_clean` makes them (rounded to 6 places,
    nan and inf as None), a column at a time: a call per value, 1.9 million of them at
    1,000 reports, took seconds."""
    cleaned = {}
    for m, column in columns.items():
        # (most columns are in the nodes' order already: their values as they are)
        values = list(column.values()) if list(column) == nodes else [column[n] for n in nodes]
        cleaned[m] = _rounded(values) if all(type(v) is float for v in values) else [_clean(v) for v in values]
    return cleaned


def _rounded(values: list[float]) -> list:
    """``[round(v, 6) if math.isfinite(v) else None for v in values]``, in numpy.

    Python rounds the exact binary value half to even at the sixth decimal, and ``k / 1e6``
    is then the nearest float to that decimal whichever way it is computed; numpy's
    ``rint(v * 1e6)`` picks the same ``k`` unless the product's own rounding moved it across
    a half (within a few units in the last place of one), or ``v`` is too large for ``k`` to be
    exact. Those few are rounded by Python."""
    x = np.fromiter(values, float, len(values))
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = x * 1e6
        out = np.rint(scaled) / 1e6
        doubtful = ~(np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) > np.abs(scaled) * 2.0 ** -48 + 1e-300)
        doubtful |= ~(np.abs(scaled) < 2.0 ** 50)
    rounded = out.tolist()
    for i in np.flatnonzero(doubtful).tolist():
        rounded[i] = _number(values[i])
    return rounded


_CLEAN_ALREADY = ("nodes", "centrality", "micmac", "loops", "leverage")


def _number(x: float):
    """A float as :func:`_clean` leaves it (rounded to 6 places; nan and inf as None)."""
    return round(x, 6) if math.isfinite(x) else None


def _structure(G, split, attenuation, max_loop_length, top, seed) -> tuple[dict, dict, list, dict, dict]:
    """The result's ``micmac`` and ``loops`` parts, cleaned for JSON (see :func:`_clean`;
    in the child process, beside the rest), the communities, the graph's indices and the
    centrality columns of :data:`_APART_METRICS` (all read on the influence graph alone), each
    a list of values in the sorted nodes' order."""
    if isinstance(G, _Weighted):  # (made in this process: the graph itself)
        G = G.graph
    # (both MICMAC runs, the centralities, the loops and the communities read one matrix,
    # and the part of the graph that may hold cycles, trimmed once)
    with _sharing_magnitude_graphs():
        mm = micmac(G, split=split)
        plain_note = None
        if not mm.converged:
            # a reducible or periodic matrix: the plain powers never settle, so report the
            # attenuated (Katz-like) variant instead and say so
            plain_note = mm.note
            mm = micmac(G, split=split, attenuation=attenuation)
        keys, structural = centrality_columns(G, metrics=_APART_METRICS)
        # (as lists in the sorted nodes' order, which the parent's columns have: quicker to
        # send back than dicts)
        structural = {m: [column[n] for n in keys] for m, column in structural.items()}
        loops = feedback_loops(G, max_length=max_loop_length)
        comms = communities(G, seed)
    micmac_part = _clean({
        "split": mm.split, "thresholds": mm.thresholds, "converged": mm.converged, "stable_at": mm.stable_at,
        "power": mm.power, "note": mm.note, "attenuation": mm.attenuation, "plain_powers_note": plain_note,
    })
    micmac_part["table"] = _micmac_table(mm)
    loops_part = {"max_length": max_loop_length, "count": len(loops),
                  "reinforcing": sum(1 for lp in loops if lp.polarity == "reinforcing"),
                  "balancing": sum(1 for lp in loops if lp.polarity == "balancing"),
                  "strongest": [{"nodes": list(lp.nodes), "polarity": lp.polarity, "strength": lp.strength}
                                for lp in loops[:top * 2]]}
    return micmac_part, _clean(loops_part), comms, graph_indices(G), structural


def _micmac_table(mm) -> list[dict]:
    """The rows of the MICMAC table, highest indirect influence first (ties by node), made
    clean (see :func:`_clean`) a column at a time: a call of :func:`_clean` per row, and a
    sort with a key per node, took seconds at 1,000 reports."""
    nodes = mm.nodes  # (sorted)
    ranking = [mm.indirect_influence[n] for n in nodes]
    ranked = np.array(ranking, dtype=float)
    if np.isnan(ranked).any():  # (nan is unordered: as Python's sort leaves it)
        order = sorted(range(len(nodes)), key=lambda i: (-ranking[i], nodes[i]))
    else:  # (a stable sort keeps the sorted nodes' order among equal values)
        order = np.argsort(-ranked, kind="stable").tolist()
    influence, dependence, indirect_influence, indirect_dependence = _cleaned_columns(nodes, {
        "influence": mm.influence, "dependence": mm.dependence,
        "indirect_influence": mm.indirect_influence, "indirect_dependence": mm.indirect_dependence}).values()
    classes, indirect_classes = mm.classes, mm.indirect_classes
    rows = []
    for i in order:
        n = nodes[i]
        rows.append({"node": n if type(n) is str else _clean(n), "influence": influence[i], "dependence": dependence[i],
                     "indirect_influence": indirect_influence[i], "indirect_dependence": indirect_dependence[i],
                     "class": classes[n], "indirect_class": indirect_classes[n]})
    return rows


class _Weighted:
    """The influence graph as :func:`_structure` reads it, which pickles as its nodes and
    edge weights alone, in its own order (successors and predecessors alike), and is
    unpickled as a graph of those (no labels, sections, …): a third of the time the whole
    graph took to pickle at 1,000 reports, a sixth of the bytes."""

    def __init__(self, graph):
        self.graph = graph

    def __reduce__(self):
        G = self.graph
        nodes = list(G)
        index = {n: i for i, n in enumerate(nodes)}.__getitem__
        heads, weights, tails = [], [], []
        for nbrs in G._succ.values():
            heads.extend(map(index, nbrs))
            weights.extend([d["weight"] for d in nbrs.values()])
        for nbrs in G._pred.values():
            tails.extend(map(index, nbrs))
        out_degrees = [len(nbrs) for nbrs in G._succ.values()]
        in_degrees = [len(nbrs) for nbrs in G._pred.values()]
        return _weighted_graph, (nodes, out_degrees, heads, weights, in_degrees, tails)


def _weighted_graph(nodes, out_degrees, heads, weights, in_degrees, tails) -> nx.DiGraph:
    """The graph a :class:`_Weighted` pickled: the same nodes, edges and weights in the same
    orders (networkx's dicts filled in bulk, as they would be by adding the edges)."""
    G = nx.DiGraph()
    G._node.update((n, {}) for n in nodes)
    succ, pred, data = G._succ, G._pred, {}
    k = 0
    for u, count in zip(nodes, out_degrees):
        row = succ[u] = {}
        for j in range(k, k + count):
            v = nodes[heads[j]]
            row[v] = data[u, v] = {"weight": weights[j]}
        k += count
    k = 0
    for v, count in zip(nodes, in_degrees):
        pred[v] = {(u := nodes[tails[j]]): data[u, v] for j in range(k, k + count)}
        k += count
    return G


def _audit(figures) -> tuple[dict, list]:
    """The figure audit, each report's figures on their own. Returns (report → figure id →
    IRI, [(report, finding)])."""
    figure_iris = {}
    findings = []
    for report, of_report in by_report(figures).items():
        figure_iris[report] = {f["id"]: f["iri"] for f in of_report}
        findings += [(report, f) for f in audit_figures(of_report)]
    return figure_iris, findings


def _nan0(x: float) -> float:
    return 0.0 if x is None or (isinstance(x, float) and math.isnan(x)) else x


def _type(G, C, n):
    return (G.nodes[n] if n in G else C.nodes[n] if n in C else {}).get("type")


# --------------------------------------------------------------------------- Markdown


def to_markdown(result: dict, lang: str = "en", top: int = 10) -> str:
    """A readable report of :func:`analyze`'s result, labels in ``lang``."""
    nodes = result["nodes"]
    L = lambda n: (nodes.get(n) or {}).get(f"label_{lang}") or n  # noqa: E731
    zh = lang == "zh"
    out = ["# " + ("影響分析" if zh else "Influence analysis"), ""]
    g = result["graph"]
    out.append(("影響網絡：" if zh else "Influence network: ")
               + f"{g['nodes']} nodes, {g['edges']} edges, density {g['density']:.3f}, "
                 f"hierarchy {g['hierarchy']:.3f}; transmitters {g.get('transmitters')}, receivers {g.get('receivers')}.")
    out.append("")
    for t in RANKED_TYPES:
        # drivers and technologies matter by what they push; challenges by what they touch
        metric = "out_strength" if t != "Challenge" else "betweenness"
        out += [f"## {'最具影響力的' if zh else 'Top'} {t} ({'by' if not zh else '依'} {metric})", "",
                "| # | entity | out-strength | in-strength | betweenness | PageRank | two-step reach |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for i, (n, _) in enumerate(result["rankings"][t].get(metric, [])[:top], 1):
            c = result["centrality"][n]
            out.append(f"| {i} | {L(n)} | {_f(c.get('out_strength'))} | {_f(c.get('in_strength'))} | "
                       f"{_f(c.get('betweenness'))} | {_f(c.get('pagerank'))} | {c.get('two_step_reach')} |")
        out.append("")
    mm = result["micmac"]
    how = (f"attenuated variant (α = {mm['attenuation']:g}) because the plain powers do not settle: "
           f"{mm['plain_powers_note']}" if mm.get("attenuation") else "plain matrix powers")
    status = f"indirect rankings stable at power {mm['stable_at']}" if mm["converged"] else f"⚠ {mm['note']}"
    th = mm["thresholds"]["indirect"]
    out += ["## MICMAC", "", f"Method: {how}. Status: {status}. Split at the {mm['split']} "
            f"(influence {_f(th.get('influence'))}, dependence {_f(th.get('dependence'))}).", "",
            "| entity | type | influence | dependence | indirect influence | indirect dependence | class |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for row in mm["table"]:
        n = row["node"]
        out.append(f"| {L(n)} | {nodes[n]['type']} | {_f(row['influence'])} | {_f(row['dependence'])} | "
                   f"{_f(row['indirect_influence'])} | {_f(row['indirect_dependence'])} | {row['indirect_class']} |")
    out += ["", "## " + ("回饋迴路" if zh else "Feedback loops"), "",
            f"{result['loops']['count']} loops up to length {result['loops']['max_length']}: "
            f"{result['loops']['reinforcing']} reinforcing, {result['loops']['balancing']} balancing. Strongest:", ""]
    for lp in result["loops"]["strongest"][:top]:
        out.append(f"- {lp['polarity']} ({_f(lp['strength'])}): " + " → ".join(L(n) for n in lp["nodes"] + lp["nodes"][:1]))
    out += ["", "## " + ("主題社群" if zh else "Communities (themes)"), ""]
    for i, c in enumerate(result["communities"], 1):
        out.append(f"{i}. **{', '.join(L(n) for n in c['hubs'])}** — {len(c['members'])} entities")
    out += ["", "## " + ("建議的槓桿" if zh else "Recommendation leverage"), "",
            "| # | recommendation | score | addresses directly | reduces through influence |", "| --- | --- | --- | --- | --- |"]
    for i, row in enumerate(result["leverage"][:top], 1):
        out.append(f"| {i} | {L(row['recommendation'])} | {_f(row['score'])} | "
                   f"{', '.join(L(c) for c in row['direct'])} | {', '.join(L(c) for c in row['indirect'])} |")
    gp = result["gaps"]
    out += ["", "## " + ("缺口" if zh else "Gaps"), "",
            ("無任何對策的挑戰：" if zh else "Challenges nothing addresses: ") + (", ".join(L(c) for c in gp["none"]) or "none"),
            ("僅經影響網絡間接處理：" if zh else "Addressed only through the influence network: ")
            + (", ".join(L(c) for c in gp["only_indirect"]) or "none"),
            ("資料標記為未處理：" if zh else "Marked unaddressed in the data: ") + (", ".join(L(c) for c in gp["marked"]) or "none"),
            "", "## " + ("數據審核" if zh else "Figure audit"), ""]
    for f in result["audit"]["figures"]:
        out.append(f"- **{f['severity']}** ({f['kind']}, {', '.join(f['figures'])}): {f['message']}"
                   + (f"  \n  `{f['arithmetic']}`" if f["arithmetic"] else ""))
    out += ["", "## " + ("重複的章節" if zh else "Likely restatements"), ""]
    for r in result["audit"]["repetitions"]:
        out.append(f"- {r['sections'][0]} ↔ {r['sections'][1]}: {r['shared']} shared items, overlap {r['overlap']:.0%}")
    return "\n".join(out) + "\n"


def _f(x) -> str:
    return "–" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


#: the files of an analysis, by kind: what :func:`write_analysis` writes and returns
ANALYSIS_FILES = {"json": "analysis.json", "markdown": "analysis.md", "rdf": "analysis.trig"}


def analysis_texts(result: dict, lang: str = "en", graph=None) -> dict[str, str]:
    """The texts of :data:`ANALYSIS_FILES`, by kind: JSON, Markdown and, when given the
    results as RDF (:func:`.writeback.analysis_graph`), TriG."""
    texts = {"json": json.dumps(result, ensure_ascii=False, indent=1) + "\n", "markdown": to_markdown(result, lang)}
    if graph is not None:
        from ..pipeline import serialize

        texts["rdf"] = serialize(graph, "trig")  # the graph named by its identifier
    return texts


def write_analysis(result: dict, out_dir: str | Path, lang: str = "en", graph=None,
                   texts: dict[str, str] | None = None) -> dict[str, Path]:
    """Write ``analysis.json`` and ``analysis.md`` into ``out_dir`` (each complete or not at all),
    and ``analysis.trig`` when given the results as RDF (:func:`.writeback.analysis_graph`);
    ``texts``: the same, already made by :func:`analysis_texts`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = texts if texts is not None else analysis_texts(result, lang, graph)
    files = {kind: out_dir / ANALYSIS_FILES[kind] for kind in texts}
    for kind, path in files.items():
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(texts[kind], encoding="utf-8")
        tmp.replace(path)
    return files


def run_scenario(source, clamp: dict[str, float], **options):
    """``kg scenario``: the influence graph's FCM with ``clamp`` held, against the baseline."""
    G = influence_graph(as_backend(source))
    return G, fcm_scenario(G, clamp, **options)
