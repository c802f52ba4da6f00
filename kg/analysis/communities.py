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

from heapq import heapify, heappop, heappush

import networkx as nx
import numpy as np

from ..procs import map_forked
from ._sparse import run_starts
from .centrality import _magnitude_matrix, _weak_components

__all__ = ["communities", "membership"]


def _pairs(G, weight) -> tuple[list, list[list[int]], list[list[tuple]]]:
    """The undirected magnitude graph of G, a component at a time: (the nodes in sorted
    order, each component's nodes as indices into them in increasing order, each
    component's links as ``(i, j, w)``), the components in the order of their smallest node.

    A pair of nodes is linked with ``w = |w(u -> v)| + |w(v -> u)|`` when that is above 0; a
    link's ``i <= j`` are the nodes' places in their component, the links in increasing
    ``(i, j)``: the graph a component is partitioned as, numbered in sorted order (Louvain
    visits nodes and neighbours in insertion order, shuffled by the seed, so a fixed order
    makes the result independent of how G was built). Read off the matrix the centralities
    share (see :func:`.centrality._magnitude_matrix`), in numpy: networkx graphs of it, the
    whole and each component, took most of the time at 1,000 reports."""
    nodes = sorted(G)
    A = _magnitude_matrix(G, weight)
    lo, hi = np.minimum(A.rows, A.cols), np.maximum(A.rows, A.cols)
    order = np.lexsort((hi, lo))  # (stable: the two directions of a pair in the matrix's order)
    lo, hi, w = lo[order], hi[order], A.vals[order]
    if len(lo):
        # a pair's total: its first entry, plus its second where it has two (both orders
        # of one sum give the same float)
        starts = np.flatnonzero(run_starts(lo, hi))
        w = np.add.reduceat(w, starts)
        lo, hi = lo[starts], hi[starts]
        linked = w > 0
        lo, hi, w = lo[linked], hi[linked], w[linked]
    components = _weak_components(len(nodes), lo, hi)
    component = np.empty(len(nodes), dtype=np.intp)
    place = np.empty(len(nodes), dtype=np.intp)
    for k, members in enumerate(components):
        component[members] = k
        place[members] = np.arange(len(members))
    by_component = np.argsort(component[lo], kind="stable")  # (each one's links stay in order)
    links = list(zip(place[lo[by_component]].tolist(), place[hi[by_component]].tolist(), w[by_component].tolist()))
    cuts = np.searchsorted(component[lo[by_component]], np.arange(len(components) + 1)).tolist()
    return nodes, components, [links[cuts[k]:cuts[k + 1]] for k in range(len(components))]


def _greedy_modularity(G: nx.Graph, resolution: float = 1.0) -> list[list]:
    """Clauset-Newman-Moore greedy modularity: the communities networkx's
    ``greedy_modularity_communities(G, weight="weight", resolution=resolution)`` finds,
    merge for merge, tie for tie (see :func:`_cnm`). Undirected, weights in ``"weight"``
    (default 1), at least one edge of non-zero total weight."""
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    links = [(index[u], index[v], wt) for u, v, wt in G.edges(data="weight", default=1) if u != v]
    found = _cnm([d for _, d in G.degree(weight="weight")], G.size("weight"), links, resolution)
    return [[nodes[i] for i in c] for c in found]


def _cnm(degrees: list, m: float, links: list[tuple], resolution: float = 1.0) -> list[list[int]]:
    """Clauset-Newman-Moore greedy modularity on the nodes ``0 … len(degrees)-1``, about 6
    times faster than networkx's, finding the same communities: ``degrees`` and ``m`` as
    networkx reckons a graph's weighted degrees and size, ``links`` its edges ``(u, v, w)``
    between two nodes, each pair once.

    Each step merges the pair of adjacent communities ``(u, v)`` whose merge raises
    modularity most, ties going to the smallest ``(u, v)``, and the lower-numbered
    community goes into the other one. networkx keeps a heap per community and a heap
    of their heads in objects compared in Python; here one heap of plain tuples holds
    every pair's latest ``(-dq, u, v)`` and entries that no longer match ``dq`` are
    skipped as they come up. A pair is kept as ``u < v`` alone: ``dq`` is symmetric, so
    ``(-dq, v, u)`` would come up after ``(-dq, u, v)``, to find the pair merged or its
    ``dq`` changed. The arithmetic is networkx's, operation for operation, so the same
    floats decide the same ties.
    """
    q0 = 1 / m
    a = [deg * q0 * 0.5 for deg in degrees]
    dq: list = [{} for _ in degrees]  # dq[u][v]: the change in modularity if u and v merge; None once u is merged
    for u, v, wt in links:
        dq[u][v] = dq[u].get(v, 0.0) + wt
        dq[v][u] = dq[v].get(u, 0.0) + wt
    heap = []
    for u, row in enumerate(dq):
        for v, wt in row.items():
            d = row[v] = q0 * wt - resolution * (a[u] * a[v] + a[u] * a[v])
            if u < v:
                heap.append((-d, u, v))
    heapify(heap)
    members: list = [[n] for n in range(len(degrees))]
    while heap:
        negdq, u, v = heappop(heap)
        row = dq[u]
        if row is None or row.get(v) != -negdq:  # u merged away, or dq changed since
            continue
        if negdq > 0:  # the best merge lowers modularity: done
            break
        members[v] += members[u]
        members[u] = None
        u_row, v_row = row, dq[v]
        dq[u] = None
        for w, duw in u_row.items():  # u's neighbours become v's
            if w == v:
                continue
            w_row = dq[w]
            del w_row[u]
            dvw = v_row.get(w)
            d = dvw + duw if dvw is not None else duw - resolution * (a[v] * a[w] + a[w] * a[v])
            v_row[w] = w_row[v] = d
            heappush(heap, (-d, v, w) if v < w else (-d, w, v))
        for w, dvw in list(v_row.items()):  # v's neighbours that were not u's
            if w != u and w not in u_row:
                d = v_row[w] = dq[w][v] = dvw - resolution * (a[u] * a[w] + a[w] * a[u])
                heappush(heap, (-d, v, w) if v < w else (-d, w, v))
        del v_row[u]
        a[v] += a[u]
        a[u] = 0
    return [c for c in members if c is not None]


def _numbered_degrees(n: int, links: list[tuple]) -> list:
    """The weighted degrees networkx gives the graph on ``0 … n-1`` whose edges were added
    as ``links`` (``(i, j, w)``, ``i <= j``, in increasing order): each node's neighbours'
    weights summed in its neighbours' order (which is increasing), a self-loop's once more."""
    weights: list[list] = [[] for _ in range(n)]
    loops = [0] * n
    for i, j, w in links:
        weights[i].append(w)
        if i != j:
            weights[j].append(w)
        else:
            loops[i] = w
    return [sum(ws) + loop for ws, loop in zip(weights, loops)]


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
    if method not in ("greedy", "louvain"):
        raise ValueError(f"method must be 'greedy' or 'louvain', not {method!r}")
    if len(G) == 0:
        return []
    # Each connected component (in a corpus, usually one report) is partitioned on its own,
    # at the given resolution: linear in the number of reports, and a report's themes do not
    # depend on how many other reports share the graph. (Scaling the resolution by the
    # component's share of the total weight would reproduce the whole-graph objective, but
    # networkx's Louvain can loop forever at such small resolutions.) A component is a graph
    # of its own, nodes numbered in sorted order. (Not a subgraph view: a small view of a
    # large graph iterates over a set of its nodes, whose order, like that of any set of
    # strings networkx walks while it merges, changes from one process to the next with hash
    # randomisation, and ties were broken differently.)
    nodes, components, links = _pairs(G, weight)

    def partition(k: int) -> list[list[int]]:
        size = len(components[k])
        if size < 3:  # (a pair is linked: one community; a node alone: a singleton)
            return [list(range(size))]
        if method == "louvain":
            numbered = nx.Graph()
            numbered.add_nodes_from(range(size))
            numbered.add_weighted_edges_from(links[k])
            return [sorted(c) for c in nx.community.louvain_communities(numbered, weight="weight",
                                                                        resolution=resolution, seed=seed)]
        degrees = _numbered_degrees(size, links[k])
        return _cnm(degrees, sum(degrees) / 2, [(i, j, w) for i, j, w in links[k] if i != j], resolution)

    # the components side by side on the cores when there are many (see kg.procs); their
    # communities come back as places in the component (plain ints travel back quickest)
    parts = map_forked(partition, range(len(components)), sizes=[len(c) for c in components], min_total=5000)
    found = [{nodes[members[i]] for i in c} for members, part in zip(components, parts) for c in part]
    return sorted(found, key=lambda c: (-len(c), min(c)))


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
