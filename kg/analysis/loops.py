"""Feedback loops of a signed influence graph: reinforcing and balancing.

Graph convention
----------------
``G`` is a :class:`networkx.DiGraph`. An edge ``u -> v`` says that ``u``
influences ``v``; its ``weight`` attribute is the signed weight in [-1, 1]
(kg writes ``±strength/3``) and it may also carry ``strength`` (1..3).
Functions take ``weight="weight"`` naming the attribute; an edge without it
counts as +1 and ``weight=None`` makes every edge +1. Edges of weight 0 carry
no influence and are not part of any loop. Node ids must be mutually
comparable (kg uses strings): loops are written from their smallest node and
ties are broken by node id.

A loop (simple directed cycle) is *reinforcing* when the product of its
signs is positive -- an even number of negative links -- and *balancing*
otherwise. Its strength is the product of ``abs(weight)`` along it.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import networkx as nx

from .centrality import _shared_core

__all__ = ["Loop", "feedback_loops"]


@dataclass(frozen=True)
class Loop:
    """One feedback loop.

    Attributes
    ----------
    nodes : tuple
        The nodes in cycle order, starting at the smallest node id; the loop
        closes from the last node back to the first.
    polarity : str
        "reinforcing" (sign +1) or "balancing" (sign -1).
    strength : float
        Product of ``abs(weight)`` over the loop's edges.
    sign : int
        Product of the edge signs, +1 or -1.
    length : int
        Number of edges (= number of nodes).
    """

    nodes: tuple
    polarity: str
    strength: float
    sign: int
    length: int


def _loop(cycle: list, G, weight) -> Loop:
    start = cycle.index(min(cycle))
    nodes = tuple(cycle[start:] + cycle[:start])
    sign, strength = 1, 1.0
    for u, v in zip(nodes, nodes[1:] + nodes[:1]):
        w = 1.0 if weight is None else float(G.edges[u, v].get(weight, 1))
        sign = -sign if w < 0 else sign
        strength *= abs(w)
    return Loop(
        nodes=nodes,
        polarity="reinforcing" if sign > 0 else "balancing",
        strength=strength,
        sign=sign,
        length=len(nodes),
    )


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def feedback_loops(
    G, max_length: int | None = 6, weight: str | None = "weight", limit: int | None = None
) -> list[Loop]:
    """All feedback loops up to a length, strongest first.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    max_length : int or None, default 6
        Longest loop (in edges) to enumerate; None for no bound (the number of
        cycles can grow exponentially with the graph).
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None makes every edge +1.
    limit : int, optional
        Return only the first ``limit`` loops of the sorted list.

    Returns
    -------
    list of Loop
        Sorted by strength descending, then by nodes ascending.

    Raises
    ------
    ValueError
        If ``max_length`` < 1 or ``limit`` < 0.
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([
    ...     ("sales", "profit", 1.0), ("profit", "ads", 2 / 3), ("ads", "sales", 2 / 3),
    ...     ("sales", "stock", -1.0), ("stock", "sales", 1.0),
    ... ])
    >>> for loop in feedback_loops(G):
    ...     print(loop.nodes, loop.polarity, round(loop.strength, 3))
    ('sales', 'stock') balancing 1.0
    ('ads', 'sales', 'profit') reinforcing 0.444

    Notes
    -----
    Enumerated with :func:`networkx.simple_cycles` (with ``length_bound``);
    self-loops are loops of length 1. ``limit`` keeps only the strongest loops
    in memory but the enumeration itself is still complete up to
    ``max_length``, so bound ``max_length`` on large graphs.

    References
    ----------
    .. [1] Sterman, J. D. "Business Dynamics: Systems Thinking and Modeling
       for a Complex World." McGraw-Hill, 2000, ch. 5 (loop polarity).
    .. [2] Gupta, A., Suzumura, T. "Finding All Bounded-Length Simple Cycles
       in a Directed Graph." arXiv:2105.10094, 2021 (the enumeration used).
    """
    if max_length is not None and max_length < 1:
        raise ValueError(f"max_length must be >= 1 or None, not {max_length!r}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, not {limit!r}")
    # A loop lies inside one strongly connected component (or is a self-loop): the others'
    # nodes are left out (most of a corpus's graph, where cycles are few)
    on_cycles = {n for c in nx.strongly_connected_components(G.subgraph(_shared_core(G)[0])) if len(c) > 1 for n in c}
    on_cycles.update(n for n, nbrs in G._adj.items() if n in nbrs)
    H = nx.DiGraph()
    H.add_nodes_from(sorted(on_cycles))
    H.add_edges_from(
        sorted(
            (u, v)
            for u in on_cycles
            for v, d in G._adj[u].items()
            if v in on_cycles and (weight is None or float(d.get(weight, 1)) != 0)
        )
    )
    loops = (_loop(c, G, weight) for c in nx.simple_cycles(H, length_bound=max_length))

    def key(loop):
        return (-loop.strength, loop.nodes)

    if limit is None:
        return sorted(loops, key=key)
    return heapq.nsmallest(limit, loops, key=key)

