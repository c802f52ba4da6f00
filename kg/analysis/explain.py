"""Why does A affect B? The strongest and the shortest influence paths, step by step.

On a signed influence graph (edge ``weight`` in [-1, 1], optional ``sections``):
the strongest path maximises the product of |weight| (a shortest path with cost
−log|w|); the shortest path has the fewest steps (ties broken by strength).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

__all__ = ["Step", "Path", "strongest_path", "shortest_path", "explain"]


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    polarity: str
    strength: float
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Path:
    nodes: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def effect(self) -> float:
        """Product of the signed weights along the path."""
        return math.prod(s.strength * (1 if s.polarity == "positive" else -1) for s in self.steps)

    @property
    def polarity(self) -> str:
        return "positive" if self.effect >= 0 else "negative"


def _path(G, nodes, weight) -> Path:
    steps = []
    for a, b in zip(nodes, nodes[1:]):
        d = G.edges[a, b]
        w = d[weight]
        steps.append(Step(a, b, "positive" if w >= 0 else "negative", abs(w), tuple(d.get("sections", ()))))
    return Path(tuple(nodes), tuple(steps))


def strongest_path(G: nx.DiGraph, source, target, weight: str = "weight") -> Path | None:
    """The path whose product of |weight| is largest (None when B is unreachable).

    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", weight=0.3); G.add_edge("a", "c", weight=1.0); G.add_edge("c", "b", weight=-0.9)
    >>> strongest_path(G, "a", "b").nodes
    ('a', 'c', 'b')
    """
    cost = lambda u, v, d: -math.log(abs(d[weight])) if d[weight] else math.inf  # noqa: E731
    try:
        nodes = nx.dijkstra_path(G, source, target, weight=cost)
    except nx.NetworkXNoPath:
        return None
    return _path(G, nodes, weight)


def shortest_path(G: nx.DiGraph, source, target, weight: str = "weight") -> Path | None:
    """A path with the fewest steps; among those, the strongest (then by node ids)."""
    try:
        candidates = list(nx.all_shortest_paths(G, source, target))
    except nx.NetworkXNoPath:
        return None
    best = min(candidates, key=lambda p: (-abs(_path(G, p, weight).effect), p))
    return _path(G, best, weight)


def explain(G: nx.DiGraph, source, target, weight: str = "weight") -> dict:
    """Both paths from ``source`` to ``target``; raises KeyError for an unknown node."""
    for n in (source, target):
        if n not in G:
            raise KeyError(n)
    return {"strongest": strongest_path(G, source, target, weight),
            "shortest": shortest_path(G, source, target, weight)}
