"""Recommendation leverage and gaps: what each recommendation addresses, directly and
through the influence network, and which challenges nothing addresses.

Works on two networkx graphs: a coverage graph (``addresses`` edges into nodes whose
``type`` is ``Challenge``) and a signed influence graph (edge ``weight`` in [-1, 1]).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

__all__ = ["Coverage", "indirect_effects", "coverage", "leverage", "gaps"]


@dataclass
class Coverage:
    """How one recommendation (or any addresser) reaches the challenges."""

    node: str
    direct: list[str] = field(default_factory=list)
    #: challenge → (net signed effect along the strongest path, the path)
    indirect: dict[str, tuple[float, list[str]]] = field(default_factory=dict)


def indirect_effects(G: nx.DiGraph, source, max_length: int = 4, weight: str = "weight") -> dict:
    """The strongest signed effect of ``source`` on every node it reaches in ``max_length`` steps.

    The effect of a path is the product of its signed weights; for each target the path with
    the largest absolute product is kept (ties: fewer steps, then node ids).

    Returns
    -------
    dict
        target → (effect, path as a list of nodes)

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge("r", "x", weight=-1.0); G.add_edge("x", "c", weight=0.5)
    >>> indirect_effects(G, "r")["c"]
    (-0.5, ['r', 'x', 'c'])
    """
    return _strongest_paths(_Successors(G, weight), source, max_length)


class _Successors(dict):
    """Node → its successors in sorted order with their edge weights, each node's made
    when first asked for (a search from every addresser of a corpus asks for the same
    nodes again and again; networkx's edge view per step cost a third of the search)."""

    def __init__(self, G, weight: str):
        super().__init__()
        self._adj, self._weight = G._succ, weight

    def __missing__(self, node):
        nbrs = self._adj[node]
        got = self[node] = [(nb, nbrs[nb][self._weight]) for nb in sorted(nbrs)]
        return got


def _strongest_paths(successors, source, max_length: int) -> dict:
    best: dict = {}
    frontier = [(1.0, [source])]
    for _ in range(max_length):
        nxt = []
        for effect, path in frontier:
            steps = len(path) + 1
            for nb, w in successors[path[-1]]:
                if nb in path:
                    continue
                e = effect * w
                candidate = (e, path + [nb])
                old = best.get(nb)
                if old is None or (abs(e), -steps) > (abs(old[0]), -len(old[1])):
                    best[nb] = candidate
                nxt.append(candidate)
        # keep the search bounded on dense graphs: only the strongest partial paths go on
        nxt.sort(key=lambda c: (-abs(c[0]), c[1]))
        frontier = nxt[:5000]
    return best


ADDRESSER_TYPES = ("Recommendation", "Technology", "Regulation", "InvestmentTheme", "Competitor",
                   "Stakeholder", "Trend")


def coverage(C: nx.DiGraph, G: nx.DiGraph, addressers=None, max_length: int = 4, weight: str = "weight",
             types=ADDRESSER_TYPES):
    """For each addresser: the challenges it addresses directly (``C``) and those it reduces
    through the influence network (``G``: a negative net effect on the challenge).

    By default the addressers are every source of an ``addresses`` edge and every node of
    ``G`` whose ``type`` is one of ``types`` (the kinds of things that can address a
    challenge in kg's vocabulary)."""
    challenges = {n for n, d in C.nodes(data=True) if d.get("type") == "Challenge"}
    if addressers is None:
        addressers = sorted({a for a, _ in C.edges()} | {n for n, d in G.nodes(data=True) if d.get("type") in types})
    out = {}
    successors = _Successors(G, weight)
    for node in addressers:
        cov = Coverage(node, direct=sorted(b for b in C.successors(node)) if node in C else [])
        if node in G:
            for target, (effect, path) in _strongest_paths(successors, node, max_length).items():
                if target in challenges and effect < 0 and target not in cov.direct:
                    cov.indirect[target] = (effect, path)
        out[node] = cov
    return out


def leverage(covered: dict, importance: dict, direct_weight: float = 1.0) -> list[tuple[str, float]]:
    """Addressers ranked by importance-weighted coverage.

    score(r) = Σ_direct importance(c) · direct_weight + Σ_indirect importance(c) · |effect|

    ``importance`` maps challenges to a non-negative score (kg uses each challenge's
    PageRank-style centrality in the influence network, normalised to max 1).
    """
    scores = {}
    for node, cov in covered.items():
        s = sum(importance.get(c, 0.0) * direct_weight for c in cov.direct)
        s += sum(importance.get(c, 0.0) * abs(e) for c, (e, _) in cov.indirect.items())
        scores[node] = s
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def gaps(C: nx.DiGraph, covered: dict) -> dict[str, list[str]]:
    """Challenges nothing addresses: ``direct`` none, ``indirect`` only through influence,
    ``none`` neither; plus ``marked`` the ones the data marks ``unaddressed``."""
    challenges = sorted(n for n, d in C.nodes(data=True) if d.get("type") == "Challenge")
    direct = {c for cov in covered.values() for c in cov.direct} | {b for _, b in C.edges()}
    indirect = {c for cov in covered.values() for c in cov.indirect}
    return {
        "no_direct": [c for c in challenges if c not in direct],
        "only_indirect": [c for c in challenges if c not in direct and c in indirect],
        "none": [c for c in challenges if c not in direct and c not in indirect],
        "marked": [c for c in challenges if C.nodes[c].get("unaddressed")],
    }
