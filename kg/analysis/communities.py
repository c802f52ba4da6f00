"""Communities of an influence graph (modularity: greedy or Louvain), reproducible.

Graph convention
----------------
``G`` is a :class:`networkx.DiGraph`. An edge ``u -> v`` says that ``u``
influences ``v``; its ``weight`` attribute is the signed weight in [-1, 1]
(kg writes ``±strength/3``) and it may also carry ``strength`` (1..3).
Functions take ``weight="weight"`` naming the attribute; an edge without it
counts as 1 and ``weight=None`` counts every edge as 1. Communities group
concepts that influence each other strongly in either direction, so the
graph is made undirected with weight ``|w(u -> v)| + |w(v -> u)|``; pairs
whose total is 0 are not linked. Node ids must be mutually comparable (kg
uses strings).
"""

from __future__ import annotations

from collections.abc import Mapping
from heapq import heapify, heappop, heappush

import networkx as nx

from ..procs import map_forked

__all__ = ["communities", "membership"]


def _magnitude(data: Mapping, weight: str | None) -> float:
    return 1.0 if weight is None else abs(float(data.get(weight, 1)))


def _undirected(G, weight) -> nx.Graph:
    """Undirected graph with summed magnitudes, built in sorted order: Louvain
    visits nodes and neighbours in insertion order (shuffled by the seed), so a
    fixed order makes the result independent of how G was built."""
    total: dict = {}
    for u, v, d in G.edges(data=True):
        key = (u, v) if u <= v else (v, u)
        total[key] = total.get(key, 0.0) + _magnitude(d, weight)
    H = nx.Graph()
    H.add_nodes_from(sorted(G))
    H.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(total.items()) if w > 0)
    return H


def _greedy_modularity(G: nx.Graph, resolution: float = 1.0) -> list[list]:
    """Clauset-Newman-Moore greedy modularity: the communities networkx's
    ``greedy_modularity_communities(G, weight="weight", resolution=resolution)`` finds,
    merge for merge, tie for tie, about 6 times faster.

    Each step merges the pair of adjacent communities ``(u, v)`` whose merge raises
    modularity most, ties going to the smallest ``(u, v)``, and the lower-numbered
    community goes into the other one. networkx keeps a heap per community and a heap
    of their heads in objects compared in Python; here one heap of plain tuples holds
    every pair's latest ``(-dq, u, v)`` and entries that no longer match ``dq`` are
    skipped as they come up. The arithmetic is networkx's, operation for operation, so
    the same floats decide the same ties. Undirected, weights in ``"weight"`` (default
    1), at least one edge of non-zero total weight.
    """
    m = G.size("weight")
    q0 = 1 / m
    a = {node: deg * q0 * 0.5 for node, deg in G.degree(weight="weight")}
    dq: dict = {u: {} for u in G}  # dq[u][v]: the change in modularity if u and v merge
    for u, v, wt in G.edges(data="weight", default=1):
        if u != v:
            dq[u][v] = dq[u].get(v, 0.0) + wt
            dq[v][u] = dq[v].get(u, 0.0) + wt
    heap = []
    for u, row in dq.items():
        for v, wt in row.items():
            d = row[v] = q0 * wt - resolution * (a[u] * a[v] + a[u] * a[v])
            heap.append((-d, u, v))
    heapify(heap)
    members = {n: [n] for n in G}
    while heap:
        negdq, u, v = heappop(heap)
        row = dq.get(u)
        if row is None or row.get(v) != -negdq:  # u merged away, or dq changed since
            continue
        if negdq > 0:  # the best merge lowers modularity: done
            break
        members[v] += members.pop(u)
        u_row, v_row = dq.pop(u), dq[v]
        for w, duw in u_row.items():  # u's neighbours become v's
            if w == v:
                continue
            w_row = dq[w]
            del w_row[u]
            dvw = v_row.get(w)
            d = dvw + duw if dvw is not None else duw - resolution * (a[v] * a[w] + a[w] * a[v])
            v_row[w] = w_row[v] = d
            heappush(heap, (-d, v, w))
            heappush(heap, (-d, w, v))
        for w, dvw in list(v_row.items()):  # v's neighbours that were not u's
            if w != u and w not in u_row:
                d = v_row[w] = dq[w][v] = dvw - resolution * (a[u] * a[w] + a[w] * a[u])
                heappush(heap, (-d, v, w))
                heappush(heap, (-d, w, v))
        del v_row[u]
        a[v] += a[u]
        a[u] = 0
    return list(members.values())


@nx.utils.not_implemented_for("multigraph")
def communities(
    G, seed: int = 42, resolution: float = 1.0, weight: str | None = "weight", method: str = "greedy"
) -> list[set]:
    """Partition the nodes into communities by modularity.

    Parameters
    ----------
    G : networkx.DiGraph or networkx.Graph
        Influence graph (see the module docstring).
    seed : int, default 42
        Seed of Louvain's random node order (``method="louvain"``); the same seed gives
        the same result.
    resolution : float, default 1.0
        Above 1 favours smaller communities, below 1 larger ones.
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None counts every edge as 1.
    method : {"greedy", "louvain"}, default "greedy"
        Greedy agglomeration (Clauset-Newman-Moore; deterministic) or Louvain (seeded).

    Returns
    -------
    list of set
        Communities, largest first, ties by smallest member. Every node is in
        exactly one; isolated nodes form singletons.

    Raises
    ------
    networkx.NetworkXNotImplemented
        If G is a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([
    ...     ("a", "b", 1.0), ("b", "c", 1.0), ("c", "a", -1.0),
    ...     ("x", "y", 1.0), ("y", "z", -1.0), ("z", "x", 1.0),
    ...     ("c", "x", 1 / 3),
    ... ])
    >>> [sorted(c) for c in communities(G)]
    [['a', 'b', 'c'], ['x', 'y', 'z']]

    Notes
    -----
    Finds what :func:`networkx.community.greedy_modularity_communities` finds (or
    :func:`networkx.community.louvain_communities`) on each connected component
    separately (a community never spans two components), so the reports of a
    corpus are partitioned independently. Greedy is the default because
    networkx's Louvain before 3.7 can loop forever on round-off ties (networkx
    issue 8739; seen here on a synthetic report); on the bundled report both
    find 13 communities of about the same modularity (0.687 greedy, 0.685 Louvain).

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R., Lefebvre, E. "Fast
       unfolding of communities in large networks." Journal of Statistical
       Mechanics P10008, 2008. https://doi.org/10.1088/1742-5468/2008/10/P10008
    """
    H = _undirected(G, weight)
    if len(H) == 0:
        return []
    # Each connected component (in a corpus, usually one report) is partitioned on its own,
    # at the given resolution: linear in the number of reports, and a report's themes do not
    # depend on how many other reports share the graph. (Scaling the resolution by the
    # component's share of the total weight would reproduce the whole-graph objective, but
    # networkx's Louvain can loop forever at such small resolutions.)
    if method not in ("greedy", "louvain"):
        raise ValueError(f"method must be 'greedy' or 'louvain', not {method!r}")
    def partition(nodes):
        # The component as a graph of its own, nodes numbered in sorted order. Not a subgraph
        # view: a small view of a large graph iterates over a set of its nodes, whose order
        # (like that of any set of strings networkx walks while it merges) changes from one
        # process to the next with hash randomisation, and ties were broken differently
        index = {n: i for i, n in enumerate(nodes)}
        numbered = nx.Graph()
        numbered.add_nodes_from(range(len(nodes)))
        numbered.add_weighted_edges_from((index[u], index[v], d["weight"])
                                         for u in nodes for v, d in H._adj[u].items() if index[v] >= index[u])
        if numbered.size(weight="weight") == 0:  # isolated nodes (or only zero-weight links): singletons
            return [{n} for n in nodes]
        if len(nodes) < 3:
            return [set(nodes)]
        if method == "louvain":
            found = nx.community.louvain_communities(numbered, weight="weight", resolution=resolution, seed=seed)
        else:
            found = _greedy_modularity(numbered, resolution)
        return [{nodes[i] for i in c} for c in found]

    components = sorted((sorted(c) for c in nx.connected_components(H)), key=lambda c: c[0])
    # the components side by side on the cores when there are many (see kg.procs)
    found = [c for part in map_forked(partition, components, sizes=[len(c) for c in components], min_total=5000)
             for c in part]
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(c)))


def membership(
    G, seed: int = 42, resolution: float = 1.0, weight: str | None = "weight"
) -> dict:
    """The community index of every node.

    Parameters
    ----------
    G, seed, resolution, weight
        As for :func:`communities`.

    Returns
    -------
    dict
        Node -> index of its community in the list :func:`communities`
        returns (0 = largest), nodes in sorted order.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "d")])
    >>> membership(G, weight=None)
    {'a': 0, 'b': 0, 'c': 1, 'd': 1}
    """
    index = {n: i for i, c in enumerate(communities(G, seed, resolution, weight)) for n in c}
    return {n: index[n] for n in sorted(index)}
