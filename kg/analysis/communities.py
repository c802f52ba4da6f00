"""Communities of an influence graph (Louvain modularity), reproducible.

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

import networkx as nx

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


@nx.utils.not_implemented_for("multigraph")
def communities(
    G, seed: int = 42, resolution: float = 1.0, weight: str | None = "weight"
) -> list[set]:
    """Partition the nodes into communities with the Louvain method.

    Parameters
    ----------
    G : networkx.DiGraph or networkx.Graph
        Influence graph (see the module docstring).
    seed : int, default 42
        Seed of Louvain's random node order; the same seed gives the same result.
    resolution : float, default 1.0
        Above 1 favours smaller communities, below 1 larger ones.
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None counts every edge as 1.

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
    Uses :func:`networkx.community.louvain_communities`. Louvain is a
    heuristic: another seed may give another (similarly good) partition.

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R., Lefebvre, E. "Fast
       unfolding of communities in large networks." Journal of Statistical
       Mechanics P10008, 2008. https://doi.org/10.1088/1742-5468/2008/10/P10008
    """
    H = _undirected(G, weight)
    if len(H) == 0:
        return []
    # A community never spans two connected components (splitting it raises modularity),
    # so each component is partitioned on its own: linear in the number of reports rather
    # than one ever larger Louvain run. Resolution is scaled by the component's share of
    # the total weight m, which leaves the modularity objective exactly as on the whole
    # graph (gamma k_i k_j / 2m = gamma_c k_i k_j / 2m_c with gamma_c = gamma m_c / m).
    total = H.size(weight="weight")
    components = sorted((sorted(c) for c in nx.connected_components(H)), key=lambda c: c[0])
    if len(components) == 1 or total == 0:
        found = nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    else:
        found = []
        for nodes in components:
            sub = H.subgraph(nodes)
            share = sub.size(weight="weight") / total
            if share == 0:  # isolated nodes (or only zero-weight links): singletons
                found.extend({n} for n in nodes)
                continue
            if len(nodes) < 3:
                found.append(set(nodes))
                continue
            found += nx.community.louvain_communities(sub, weight="weight", resolution=resolution * share, seed=seed)
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
