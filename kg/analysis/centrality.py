"""Centrality of the nodes of a signed influence graph.

Graph convention
----------------
``G`` is a :class:`networkx.DiGraph`. An edge ``u -> v`` says that ``u``
influences ``v``; its ``weight`` attribute is the signed weight in [-1, 1]
(kg writes ``±strength/3``) and it may also carry ``strength`` (1..3). Every
function takes ``weight="weight"`` naming the attribute; an edge without it
counts as 1 and ``weight=None`` treats every edge as 1 (networkx's
convention). Nodes may carry a ``type`` attribute (Driver, Challenge, ...),
used by :func:`rank` to filter. Node ids must be mutually comparable
(kg uses strings): ties are broken by node id so results are deterministic.

Centrality is about how much influence passes, not whether it helps or hurts,
so every metric here uses the magnitude ``abs(weight)``. Path-based metrics
(betweenness, closeness) read a strong link as a short one: distance =
``1/abs(weight)``; links of weight 0 carry nothing and are left out.

PageRank, eigenvector, Katz and closeness score a node by what points *at* it
(networkx's convention for directed graphs, ``direction="in"``); pass
``direction="out"`` to score it by what it points at, i.e. to measure
influence rather than exposure. They run on the reversed graph.
"""

from __future__ import annotations

import heapq
import math
from contextlib import contextmanager
from contextvars import ContextVar
from collections.abc import Callable, Hashable, Iterable, Mapping

import networkx as nx
import numpy as np

from ._sparse import EdgeMatrix, ranges, run_starts

__all__ = [
    "CentralityNotConverged",
    "in_strength",
    "out_strength",
    "pagerank",
    "betweenness",
    "closeness",
    "eigenvector",
    "katz",
    "spectral_radius",
    "two_step_reach",
    "centrality_table",
    "centrality_columns",
    "rank",
]

METRICS = (
    "in_degree",
    "out_degree",
    "in_strength",
    "out_strength",
    "pagerank",
    "betweenness",
    "closeness",
    "eigenvector",
    "katz",
    "two_step_reach",
)


class CentralityNotConverged(nx.PowerIterationFailedConvergence):
    """A power iteration did not (or cannot) converge; the message says which
    metric, why, and what to use instead.

    A subclass of :class:`networkx.PowerIterationFailedConvergence`, so code that
    catches networkx's exception also catches this one. ``num_iterations`` is
    None when the metric is undefined for the graph and nothing was iterated.
    """

    def __init__(self, metric: str, num_iterations: int | None, advice: str):
        self.metric = metric
        self.num_iterations = num_iterations
        within = "" if num_iterations is None else f" within {num_iterations} iterations"
        # networkx's own __init__ builds an odd args tuple; set a plain message.
        nx.NetworkXException.__init__(self, f"{metric} did not converge{within}: {advice}")


def _magnitude(data: Mapping, weight: str | None) -> float:
    return 1.0 if weight is None else abs(float(data.get(weight, 1)))


def _check_direction(direction: str) -> None:
    if direction not in ("in", "out"):
        raise ValueError(f"direction must be 'in' or 'out', not {direction!r}")


#: while :func:`centrality_table` runs: the magnitude graphs made so far, by their arguments
#: (five metrics read two distinct ones; G does not change meanwhile)
_SHARED: ContextVar[dict | None] = ContextVar("kg_magnitude_graphs", default=None)


@contextmanager
def _sharing_magnitude_graphs():
    token = _SHARED.set(_SHARED.get() if _SHARED.get() is not None else {})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _magnitude_graph(G, weight, *, distance: bool = False, direction: str = "in"):
    """A copy of G with nodes and edges in sorted order (so that floating-point
    sums run in the same order however G was built) and one attribute ``w``:
    abs(weight), or 1/abs(weight) when ``distance``. Zero-weight edges are
    dropped from distance graphs (infinitely long)."""
    _check_direction(direction)
    shared = _SHARED.get()
    if shared is not None:
        key = (id(G), weight, distance, direction)
        if key not in shared:  # (G is kept with it, so its id is not reused meanwhile)
            shared[key] = (G, _make_magnitude_graph(G, weight, distance, direction))
        return shared[key][1]
    return _make_magnitude_graph(G, weight, distance, direction)


def _magnitude_matrix(G, weight, direction: str = "in") -> EdgeMatrix:
    """The matrix of ``_magnitude_graph(G, weight, direction=direction)`` (its ``w``), rows
    and columns in sorted node order, read off G itself (no magnitude graph: a second
    copy of a large G cost a second); shared while :func:`centrality_table` runs (PageRank,
    eigenvector and Katz read the same one)."""
    shared = _SHARED.get()
    key = (id(G), weight, "matrix", direction)
    if shared is not None and key in shared:
        return shared[key][1]
    A = EdgeMatrix.of(G, sorted(G), lambda d: _magnitude(d, weight))
    if direction == "out":
        A = A.transposed()
    if shared is not None:
        shared[key] = (G, A)  # (G is kept with it, so its id is not reused meanwhile)
    return A


def _make_magnitude_graph(G, weight, distance: bool, direction: str):
    edges = []
    for u, nbrs in G._adj.items():  # (G.edges' view cost a fifth of this on a large graph)
        for v, d in nbrs.items():
            m = _magnitude(d, weight)
            if distance:
                if m == 0:
                    continue
                m = 1.0 / m
            edges.append((v, u, m) if direction == "out" else (u, v, m))
    edges.sort()  # (by u, then v: a pair is one edge, so m never decides)
    # (the dicts networkx would make, made here in bulk: add_weighted_edges_from took half)
    H = nx.DiGraph()
    succ, pred = H._succ, H._pred
    for n in sorted(G):
        H._node[n] = {}
        succ[n] = {}
        pred[n] = {}
    for u, v, m in edges:
        succ[u][v] = pred[v][u] = {"w": m}
    return H


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def in_strength(G, weight: str | None = "weight") -> dict:
    """Weighted in-degree: the sum of ``abs(weight)`` over each node's incoming edges.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None counts every edge as 1.

    Returns
    -------
    dict
        Node -> in-strength (float), nodes in sorted order.

    Raises
    ------
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("a", "c", 1.0), ("b", "c", -2 / 3)])
    >>> round(in_strength(G)["c"], 4)
    1.6667

    Notes
    -----
    Also called weighted in-degree. Negative links count by magnitude, so a
    node hit by a strong negative influence is as exposed as one hit by a
    strong positive one.
    """
    return _strengths(G._pred, weight)  # (the same edges, in the same order, as G.in_edges(n))


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def out_strength(G, weight: str | None = "weight") -> dict:
    """Weighted out-degree: the sum of ``abs(weight)`` over each node's outgoing edges.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None counts every edge as 1.

    Returns
    -------
    dict
        Node -> out-strength (float), nodes in sorted order.

    Raises
    ------
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("a", "b", 1 / 3), ("a", "c", -1.0)])
    >>> round(out_strength(G)["a"], 4)
    1.3333

    Notes
    -----
    Also called weighted out-degree; the row sum of the MICMAC direct matrix.
    """
    return _strengths(G._succ, weight)


def _strengths(adj: dict, weight: str | None) -> dict:
    """Node -> the sum of ``abs(weight)`` over its links in ``adj`` (networkx's own dicts: a
    view per node, and a call per link, cost seconds on a large graph), nodes sorted."""
    if weight is None:
        return {n: float(len(adj[n])) for n in sorted(adj)}
    return {n: float(sum([abs(float(d.get(weight, 1))) for d in adj[n].values()])) for n in sorted(adj)}


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def pagerank(
    G,
    alpha: float = 0.85,
    weight: str | None = "weight",
    max_iter: int = 100,
    tol: float = 1.0e-6,
    direction: str = "in",
) -> dict:
    """PageRank on ``abs(weight)``, by power iteration.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    alpha : float, default 0.85
        Damping factor.
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None counts every edge as 1.
    max_iter : int, default 100
        Maximum number of power iterations.
    tol : float, default 1e-6
        Stop when the L1 change of the score vector is below ``len(G) * tol``.
    direction : {"in", "out"}, default "in"
        "in" ranks nodes that receive influence from highly ranked nodes
        (standard PageRank); "out" runs on the reversed graph and ranks nodes
        whose influence reaches highly ranked nodes.

    Returns
    -------
    dict
        Node -> score; the scores sum to 1. Empty for the null graph.

    Raises
    ------
    CentralityNotConverged
        If the iteration has not converged after ``max_iter`` steps.
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("a", "b", 1.0), ("b", "c", -1.0), ("c", "a", 0.5)])
    >>> {n: round(s, 3) for n, s in pagerank(G).items()}
    {'a': 0.333, 'b': 0.333, 'c': 0.333}

    Notes
    -----
    Same algorithm as :func:`networkx.pagerank` with its defaults (uniform
    teleport vector, dangling nodes -- nodes whose outgoing weights sum to 0 --
    spread their score uniformly over all nodes, same stopping rule), written
    with numpy on the edge list (a sparse matrix without scipy): memory and
    time per iteration are linear in the number of edges.

    References
    ----------
    .. [1] Page, L., Brin, S., Motwani, R., Winograd, T. "The PageRank citation
       ranking: Bringing order to the Web." Stanford InfoLab, 1999.
    """
    _check_direction(direction)
    nodes = sorted(G)
    n = len(nodes)
    if n == 0:
        return {}
    A = _magnitude_matrix(G, weight, direction)  # (its rows: sorted(G), these nodes)
    S = A.row_sums()
    dangling = S == 0
    P = A.scaled_rows(S)
    p = np.full(n, 1.0 / n)
    x = p.copy()
    for _ in range(max_iter):
        xlast = x
        x = alpha * (P.rmatvec(x) + x[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(x - xlast).sum() < n * tol:
            return {v: float(x[i]) for i, v in enumerate(nodes)}
    raise CentralityNotConverged(
        "pagerank", max_iter, "raise max_iter or tol, or lower alpha (the damping factor)"
    )


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def betweenness(G, weight: str | None = "weight", normalized: bool = True) -> dict:
    """Betweenness centrality with edge length ``1/abs(weight)``.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None gives every edge length 1.
    normalized : bool, default True
        Divide by ``(n-1)(n-2)``, the number of ordered pairs not involving the node.

    Returns
    -------
    dict
        Node -> betweenness, nodes in sorted order.

    Raises
    ------
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("a", "b", 1.0), ("b", "c", 1.0), ("a", "c", 0.25)])
    >>> betweenness(G, normalized=False)
    {'a': 0.0, 'b': 1.0, 'c': 0.0}

    Notes
    -----
    Brandes' algorithm, with the values :func:`networkx.betweenness_centrality` gives,
    on shortest paths where a strong link is short: the two strong links
    a->b->c (length 2) beat the weak direct link a->c (length 4). Links of
    weight 0 are left out. A graph of more than about ten reports is searched by
    igraph's C code, a batch of weakly connected components at a time; it counts two
    paths as equally short when their lengths differ by rounding alone, where networkx
    compares the floats (on kg's lengths, 1, 1.5 and 3, the sums are exact and they agree).

    References
    ----------
    .. [1] Brandes, U. "A faster algorithm for betweenness centrality."
       Journal of Mathematical Sociology 25(2):163-177, 2001.
    """
    return _shortest_paths(G, weight, normalized)[0]


def _shortest_paths(G, weight, normalized: bool = True) -> tuple[dict, dict]:
    """:func:`betweenness` and ``closeness(G, weight)`` (direction "in"), from one shortest-path
    search per source: Brandes' search from each node settles its distance to every node it
    reaches, which is all closeness asks for (distances *to* each node, summed)."""
    nodes = sorted(G)
    n = len(nodes)
    between, close = _path_measures(n, *_distance_edges(G, weight))
    scale = 1.0 / ((n - 1) * (n - 2)) if normalized and n > 2 else 1.0
    return dict(zip(nodes, (between * scale).tolist())), dict(zip(nodes, close))


def _distance_edges(G, weight, direction: str = "in") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """G's links as (tails, heads, lengths), the nodes numbered in sorted order, a link's length
    ``1/abs(weight)``; reversed for ``direction="out"``, so that distances *to* a node are
    distances *from* it in G. Links of weight 0 are infinitely long and left out (and so are
    those of a weight too small for its length to be finite, or not a number).

    From the magnitudes' matrix (shared with PageRank, eigenvector and Katz in the table): its
    entries are sorted by (u, v), the order in which a sorted copy of G would list each node's
    successors. A networkx copy of G for them cost seconds."""
    A = _magnitude_matrix(G, weight)
    with np.errstate(divide="ignore"):
        lengths = 1.0 / A.vals
    kept = np.isfinite(lengths)
    rows, cols = A.rows[kept], A.cols[kept]
    if direction == "out":
        order = np.lexsort((rows, cols))
        return cols[order], rows[order], lengths[kept][order]
    return rows, cols, lengths[kept]


# Shortest-path work (the sum over weakly connected components of their size²) from which the
# searches are made by igraph's C code: about ten reports; less is searched here in Python, as
# networkx would (igraph's import alone costs a twentieth of a second)
_IGRAPH_WORK = 200_000
# the most nodes igraph is given at a time (whole components, a batch of them)
_IGRAPH_BATCH = 4096


def _path_measures(n: int, rows: np.ndarray, cols: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, list]:
    """On the graph of nodes ``0 … n-1`` with links ``rows[k] -> cols[k]`` of length
    ``lengths[k]`` (> 0): each node's betweenness, unnormalised, and its closeness as
    :func:`networkx.closeness_centrality` gives it (from the distances *to* the node,
    Wasserman-Faust corrected by the whole graph's ``n``)."""
    components = _weak_components(n, rows, cols)
    if sum(len(c) ** 2 for c in components) >= _IGRAPH_WORK:
        return _igraph_paths(n, rows, cols, lengths, components)
    successors, lengths = cols.tolist(), lengths.tolist()
    starts = np.searchsorted(rows, np.arange(n + 1)).tolist()  # (rows sorted: each node's links in a run)
    between, reach, total = np.zeros(n), [0] * n, [0.0] * n
    # (a search never leaves a weakly connected component: one component at a time, since
    # networkx's Brandes step initialises a dict over *all* nodes for every source)
    for indices in components:
        adj = {i: list(zip(successors[starts[i]:starts[i + 1]], lengths[starts[i]:starts[i + 1]])) for i in indices}
        part, reached, summed = _brandes(adj, indices)
        between[indices] = list(part.values())
        for i in indices:
            reach[i], total[i] = reached[i], summed[i]
    return between, [(reach[v] - 1.0) / total[v] * ((reach[v] - 1.0) / (n - 1)) if total[v] > 0.0 and n > 1 else 0.0
                     for v in range(n)]


def _igraph_paths(n: int, rows: np.ndarray, cols: np.ndarray, lengths: np.ndarray,
                  components: list[list[int]]) -> tuple[np.ndarray, list]:
    """:func:`_path_measures` by igraph, whole components at a time.

    igraph's Brandes sets up arrays over every node of the graph it is given for each source,
    so on the union of 1,000 reports one call took 12 s for the betweenness; given batches of
    whole components (a search never leaves its own), it took 0.3 s, and the closeness with
    the counts of the nodes reaching each node 0.6 s, where kg's Python search took about
    6 CPU-s in forked workers (5 s on two cores). igraph counts two paths as equally short
    when their lengths differ by rounding alone, where networkx compares the floats: on kg's
    lengths (1, 1.5 and 3, from strengths 1 to 3) the sums are exact and the two agree, up
    to the order the path counts are summed in (about 1e-16 of a value)."""
    import igraph

    between, close = np.zeros(n), np.zeros(n)
    batches, current = [], []
    for component in components:
        if current and len(current) + len(component) > _IGRAPH_BATCH:
            batches.append(current)
            current = []
        current += component
    batches.append(current)
    batch_of, local = np.empty(n, np.intp), np.empty(n, np.intp)
    for b, members in enumerate(batches):
        batch_of[members] = b
        local[members] = np.arange(len(members))
    order = np.argsort(batch_of[rows], kind="stable")
    rows, cols, lengths = rows[order], cols[order], lengths[order]
    cuts = np.searchsorted(batch_of[rows], np.arange(len(batches) + 1)).tolist()
    for b, members in enumerate(batches):
        links = slice(cuts[b], cuts[b + 1])
        g = igraph.Graph(n=len(members), edges=np.column_stack((local[rows[links]], local[cols[links]])),
                         directed=True)
        between[members] = g.betweenness(directed=True, weights=lengths[links])
        # ((reached - 1) / total, nan where no other node reaches it; then networkx's correction)
        closeness = np.array(g.closeness(mode="in", weights=lengths[links], normalized=True))
        reached = np.array(g.neighborhood_size(order=len(members), mode="in"), dtype=float)
        with np.errstate(invalid="ignore"):
            close[members] = np.where(reached > 1, closeness * ((reached - 1.0) / max(n - 1, 1)), 0.0)
    return between, close.tolist()


def _weak_components(n: int, rows: np.ndarray, cols: np.ndarray) -> list[list[int]]:
    """The weakly connected components of the graph on nodes ``0 … n-1`` with edges
    ``rows[k] -> cols[k]``, each a list of its nodes in increasing order, the components
    in the order of their smallest node. Every node takes the smallest label among its
    neighbours' and its label's label, until nothing changes: a few rounds of whole-array
    steps (about the log of the longest path) instead of a Python step per edge."""
    label = np.arange(n)
    while True:
        smaller = np.minimum(label[rows], label[cols])
        new = label.copy()
        np.minimum.at(new, rows, smaller)
        np.minimum.at(new, cols, smaller)
        new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    order = np.argsort(label, kind="stable")  # (each component's nodes stay in increasing order)
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    return [part.tolist() for part in np.split(order, cuts)] if n else []


def _brandes(adj: dict, nodes: list) -> tuple[dict, dict, dict]:
    """Brandes' betweenness on one component, unnormalised, from ``adj`` (node -> [(successor,
    length)]) and its ``nodes`` in order: what ``networkx.betweenness_centrality(S,
    weight=..., normalized=False)`` gives on the component as a graph ``S`` of its own, value
    for value, about 3 times faster. With it, for closeness, each node's count of the nodes
    that reach it (itself among them) and the sum of their distances to it.

    networkx's Dijkstra step is followed step for step (the same heap entries, path counts
    and sums, in the same order, down to its source counted twice, which every ratio
    cancels), so the floats are the same; it only leaves out what costs time here: a list and
    a count for every node of the graph for each source, and a weight function called for
    every link.
    """
    out = dict.fromkeys(nodes, 0.0)
    reach = dict.fromkeys(nodes, 0)
    total = dict.fromkeys(nodes, 0.0)
    for s in nodes:
        order = []  # the nodes in the order their distance from s is settled
        preds: dict = {}
        sigma = {s: 1.0}  # shortest paths from s to each node
        settled: dict = {}
        seen = {s: 0}
        queue = [(0, 0, s, s)]
        count = 1
        while queue:
            dist, _, pred, v = heapq.heappop(queue)
            if v in settled:
                continue
            sigma[v] += sigma[pred]
            order.append(v)
            settled[v] = dist
            for w, length in adj[v]:
                vw_dist = dist + length
                if w not in settled and (w not in seen or vw_dist < seen[w]):
                    seen[w] = vw_dist
                    heapq.heappush(queue, (vw_dist, count, v, w))
                    count += 1
                    sigma[w] = 0.0
                    preds[w] = [v]
                elif vw_dist == seen[w]:  # another shortest path
                    sigma[w] += sigma[v]
                    preds[w].append(v)
        for v, dist in settled.items():
            reach[v] += 1
            total[v] += dist
        delta = dict.fromkeys(order, 0)
        while order:
            w = order.pop()
            coeff = (1 + delta[w]) / sigma[w]
            for v in preds.get(w, ()):
                delta[v] += sigma[v] * coeff
            if w != s:
                out[w] += delta[w]
    return out, reach, total


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def closeness(G, weight: str | None = "weight", direction: str = "in") -> dict:
    """Closeness centrality with edge length ``1/abs(weight)``.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None gives every edge length 1.
    direction : {"in", "out"}, default "in"
        "in" uses distances from other nodes to the node (networkx's
        convention: how quickly the node is reached); "out" uses distances from
        the node to the others (how quickly its influence spreads).

    Returns
    -------
    dict
        Node -> closeness, nodes in sorted order.

    Raises
    ------
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("a", "b", 1.0), ("b", "c", 0.5)])
    >>> {n: round(c, 3) for n, c in closeness(G, direction="out").items()}
    {'a': 0.5, 'b': 0.25, 'c': 0.0}

    Notes
    -----
    Computed as :func:`networkx.closeness_centrality` does it, with the
    Wasserman-Faust correction for graphs that are not strongly connected: the same
    numbers, from the same searches as :func:`betweenness` (on a large graph igraph's,
    a batch of weakly connected components at a time).
    """
    _check_direction(direction)
    return dict(zip(sorted(G), _path_measures(len(G), *_distance_edges(G, weight, direction))[1]))


def spectral_radius(H, weight: str | None = "w", absolute: bool = False) -> float:
    """The largest |eigenvalue| of H's ``weight`` matrix (of its entries' magnitudes with
    ``absolute``; every edge 1 with ``weight`` None): the largest over its strongly
    connected components (the matrix is block triangular in them), each solved densely.
    (The components are looked for in :func:`cyclic_core` only: the rest are single nodes
    without a loop, whose eigenvalue is 0.)"""
    rho = 0.0
    for component in nx.strongly_connected_components(H.subgraph(_shared_core(H)[0])):
        if len(component) == 1 and not H.has_edge(*(2 * tuple(component))):
            continue
        nodes = sorted(component)
        # (the matrix nx.to_numpy_array(H.subgraph(nodes), nodelist=nodes, weight=weight) gives,
        # filled from H's own dicts: a subgraph view per component cost more than its eigenvalues)
        index = {v: i for i, v in enumerate(nodes)}
        A = np.zeros((len(nodes), len(nodes)))
        for u in nodes:
            i = index[u]
            for v, d in H._adj[u].items():
                j = index.get(v)
                if j is not None:
                    A[i, j] = 1 if weight is None else d.get(weight, 1)
        if absolute:
            A = np.abs(A)
        rho = max(rho, float(np.max(np.abs(np.linalg.eigvals(A)))))
    return rho


def is_acyclic(G, value: Callable[[dict], float]) -> bool:
    """Whether the edges of ``G`` whose ``value(edge data)`` is not 0 form no cycle (read
    on ``G`` itself, or a view of it: no copy of a large graph; the exact search on
    :func:`cyclic_core` only)."""
    return _acyclic_beyond(G, *_trimmed(G, lambda d: value(d) != 0), value)


def _acyclic_beyond(G, core: list, complete: bool, value: Callable[[dict], float]) -> bool:
    """:func:`is_acyclic` once G is trimmed to ``core`` (see :func:`_trimmed`)."""
    if complete:  # (every node left has an edge in and an edge out among them: a cycle)
        return not core
    S = G.subgraph(core)
    if all(value(d) != 0 for *_, d in S.edges(data=True)):
        return nx.is_directed_acyclic_graph(S)
    return nx.is_directed_acyclic_graph(nx.subgraph_view(S, filter_edge=lambda u, v: value(S[u][v]) != 0))


def _magnitudes_acyclic(G, weight) -> bool:
    """``is_acyclic(G, lambda d: _magnitude(d, weight))``, trimmed by :func:`_shared_core`."""
    return _acyclic_beyond(G, *_shared_core(G, weight), lambda d: _magnitude(d, weight))


def _shared_core(G, weight: str | None = None) -> tuple[list, bool]:
    """``_trimmed(G)`` on the edges of non-zero magnitude of ``weight`` (every edge for
    None: each counts 1), its nodes in sorted order. While :func:`centrality_table` runs,
    read off the magnitudes' matrix it shares and kept: MICMAC (both runs), the eigenvector
    centrality and the loops ask it of one graph, and gathering the edges in Python took
    about a second each time at 1,000 reports."""
    shared = _SHARED.get()
    if shared is None or G.is_multigraph() or not G.is_directed():
        return _trimmed(G, None if weight is None else (lambda d: _magnitude(d, weight) != 0))
    key = (id(G), "core", weight)
    if key not in shared:  # (G is kept with it, so its id is not reused meanwhile)
        nodes = sorted(G)
        if weight is None:
            A = _structure_of(G, nodes)
            rows, cols = A.rows, A.cols
        else:
            A = _magnitude_matrix(G, weight)
            kept = A.vals != 0
            rows, cols = A.rows[kept], A.cols[kept]
        alive, complete = _trim(len(nodes), rows, cols)
        shared[key] = (G, ([nodes[i] for i in np.flatnonzero(alive)], complete))
    return shared[key][1]


# Rounds of :func:`cyclic_core`'s trimming: each costs a pass over the arrays; what a long
# chain leaves after them goes to the exact method unchanged.
_TRIM_ROUNDS = 64


def cyclic_core(G, keep: Callable[[dict], bool] | None = None) -> list:
    """The nodes of the directed graph ``G`` that may lie on a cycle, in G's order.

    What is left once the nodes with no edge in or no edge out are taken away, again and
    again: a node on a cycle never goes, one on none goes sooner or later. A graph of many
    reports has few cycles, so the exact methods (strongly connected components, the
    acyclicity test) then look at a small part of it. At most ``_TRIM_ROUNDS`` rounds, each
    in numpy: what a longer chain would still give up stays in (the result may hold more
    than the nodes on cycles, never fewer). ``keep(edge data)`` picks the edges that count
    (default: all).

    >>> cyclic_core(nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("d", "a")]))
    ['a', 'b']
    """
    return _trimmed(G, keep)[0]


def _trimmed(G, keep: Callable[[dict], bool] | None = None) -> tuple[list, bool]:
    """:func:`cyclic_core`, and whether the trimming went to its end (then every node left
    has an edge in and an edge out among those left, so there is a cycle if any is left)."""
    if G.is_multigraph() or not G.is_directed():
        return list(G), False
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    rows, cols = [], []
    for u, successors in G._adj.items():
        i = index[u]
        for v, d in successors.items():
            if keep is None or keep(d):
                rows.append(i)
                cols.append(index[v])
    alive, complete = _trim(len(nodes), np.array(rows, dtype=np.intp), np.array(cols, dtype=np.intp))
    return [nodes[i] for i in np.flatnonzero(alive)], complete


def _trim(n: int, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, bool]:
    """The trimming of :func:`_trimmed` on nodes ``0 … n-1`` and edges ``rows[k] -> cols[k]``:
    which nodes are left, and whether it went to its end."""
    indeg, outdeg = np.bincount(cols, minlength=n), np.bincount(rows, minlength=n)
    alive, linked = np.ones(n, dtype=bool), np.ones(len(rows), dtype=bool)
    complete = False
    for _ in range(_TRIM_ROUNDS):
        dead = alive & ((indeg == 0) | (outdeg == 0))
        if not dead.any():
            complete = True
            break
        alive &= ~dead
        gone = linked & (dead[rows] | dead[cols])
        linked &= ~gone
        indeg -= np.bincount(cols[gone], minlength=n)
        outdeg -= np.bincount(rows[gone], minlength=n)
    return alive, complete


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def eigenvector(
    G,
    weight: str | None = "weight",
    max_iter: int = 1000,
    tol: float = 1.0e-6,
    direction: str = "in",
) -> dict:
    """Eigenvector centrality on ``abs(weight)``.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None counts every edge as 1.
    max_iter : int, default 1000
        Maximum number of power iterations.
    tol : float, default 1e-6
        Convergence tolerance (networkx's).
    direction : {"in", "out"}, default "in"
        "in": a node is central when central nodes point at it; "out": when it
        points at central nodes.

    Returns
    -------
    dict
        Node -> score (Euclidean norm 1). Empty for the null graph.

    Raises
    ------
    CentralityNotConverged
        If the graph has no cycle (the centrality is undefined) or the power
        iteration does not converge; no fallback value is made up.
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("a", "b", 1.0), ("b", "a", 1.0), ("b", "c", 0.5), ("c", "b", 0.5)])
    >>> {n: round(s, 3) for n, s in eigenvector(G).items()}
    {'a': 0.632, 'b': 0.707, 'c': 0.316}

    Notes
    -----
    The algorithm of :func:`networkx.eigenvector_centrality`, on numpy arrays. The score is the
    Perron eigenvector, which is only meaningful (and only found reliably)
    when the graph is strongly connected. On an acyclic graph -- common for
    driver -> challenge -> response chains -- every eigenvalue is 0 and the
    iteration does not settle: use :func:`katz` or :func:`pagerank` instead.

    References
    ----------
    .. [1] Bonacich, P. "Power and centrality: A family of measures."
       American Journal of Sociology 92(5):1170-1182, 1987.
    """
    if len(G) == 0:
        return {}
    _check_direction(direction)
    # (the reversed graph of direction "out" has the same cycles)
    if _magnitudes_acyclic(G, weight):
        # networkx iterates with A + I and may stop on a meaningless vector
        raise CentralityNotConverged(
            "eigenvector centrality",
            None,
            "the graph has no cycles, so every eigenvalue is 0 and the centrality is "
            "undefined; use katz or pagerank for this graph",
        )
    nodes = sorted(G)
    n = len(nodes)
    A = _magnitude_matrix(G, weight, direction)
    # networkx's power iteration (on A + I, from the uniform vector, same stopping rule),
    # on numpy arrays
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        xlast = x
        x = xlast + A.rmatvec(xlast)
        norm = float(np.sqrt((x * x).sum())) or 1.0
        x = x / norm
        if np.abs(x - xlast).sum() < n * tol:
            return {v: float(x[i]) for i, v in enumerate(nodes)}
    raise CentralityNotConverged(
        "eigenvector centrality",
        max_iter,
        "it is only defined for strongly connected graphs with cycles; "
        "use katz or pagerank for this graph",
    )


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def katz(
    G,
    alpha: float = 0.1,
    beta: float = 1.0,
    weight: str | None = "weight",
    max_iter: int = 1000,
    tol: float = 1.0e-6,
    normalized: bool = True,
    direction: str = "in",
) -> dict:
    """Katz centrality on ``abs(weight)``.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    alpha : float, default 0.1
        Attenuation per step; must be below ``1/lambda_max`` of the magnitude matrix.
    beta : float, default 1.0
        Baseline score of every node.
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None counts every edge as 1.
    max_iter : int, default 1000
        Maximum number of iterations.
    tol : float, default 1e-6
        Convergence tolerance (networkx's).
    normalized : bool, default True
        Scale the scores to Euclidean norm 1.
    direction : {"in", "out"}, default "in"
        "in" counts attenuated walks arriving at the node; "out" walks leaving it.

    Returns
    -------
    dict
        Node -> score. Empty for the null graph.

    Raises
    ------
    CentralityNotConverged
        If the iteration does not converge (``alpha >= 1/lambda_max``); the
        message gives the largest ``alpha`` that works.
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("a", "b", 1.0), ("b", "c", -1.0)])
    >>> {n: round(s, 3) for n, s in katz(G, alpha=0.5, normalized=False).items()}
    {'a': 1.0, 'b': 1.5, 'c': 1.75}

    Notes
    -----
    The algorithm of :func:`networkx.katz_centrality`, on numpy arrays:
    ``x_i = alpha * sum_j |a_ji| x_j + beta``, i.e. the attenuated count of
    walks of every length ending at i. Unlike eigenvector centrality it is
    well defined on acyclic graphs. Same family as MICMAC's attenuated variant.

    References
    ----------
    .. [1] Katz, L. "A new status index derived from sociometric analysis."
       Psychometrika 18(1):39-43, 1953.
    """
    if len(G) == 0:
        return {}
    _check_direction(direction)
    nodes = sorted(G)
    n = len(nodes)
    A = _magnitude_matrix(G, weight, direction)
    # networkx's iteration x <- alpha A'x + beta from 0, same stopping rule, on numpy arrays
    x = np.zeros(n)
    for _ in range(max_iter):
        xlast = x
        x = alpha * A.rmatvec(xlast) + beta
        if np.abs(x - xlast).sum() < n * tol:
            norm = float(np.sqrt((x * x).sum())) if normalized else 1.0
            return {v: float(x[i]) / (norm or 1.0) for i, v in enumerate(nodes)}
    rho = spectral_radius(_magnitude_graph(G, weight, direction=direction))
    bound = f"below 1/lambda_max = {1 / rho:.4g}" if rho > 0 else "any value"
    raise CentralityNotConverged(
        "katz centrality", max_iter, f"alpha={alpha} is too large; use alpha {bound}"
    )


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def two_step_reach(G) -> dict:
    """How many distinct other nodes each node reaches in one or two steps.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).

    Returns
    -------
    dict
        Node -> number of nodes reachable along at most two outgoing edges,
        not counting the node itself. Nodes in sorted order.

    Raises
    ------
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "a")])
    >>> two_step_reach(G)
    {'a': 2, 'b': 3, 'c': 1, 'd': 0}

    Notes
    -----
    Kumu's "reach". Structural: every edge counts whatever its weight.
    """
    nodes = sorted(G)
    n = len(nodes)
    A = _structure_of(G, nodes)
    rows, cols = A.rows, A.cols  # (sorted by row: each node's successors side by side)
    starts = np.searchsorted(rows, np.arange(n + 1))
    # every edge i -> k followed by each edge out of k: i -> j in two steps
    fanout = (starts[1:] - starts[:-1])[cols]
    if fanout.sum() > _TWO_STEP_WALKS:  # (a dense graph: its walks would not fit in arrays)
        return _two_step_reach_by_node(G, nodes)
    first = np.repeat(rows, fanout)
    second = cols[ranges(starts[cols], fanout)]
    src, dst = np.concatenate((rows, first)), np.concatenate((cols, second))
    other = src != dst
    # (each pair of nodes once: sorted, then the first of each run; numpy 2's np.unique took
    # 60 times as long on the million pairs of 1,000 reports)
    pairs = np.sort(src[other] * n + dst[other])
    pairs = pairs[run_starts(pairs)]
    reach = np.bincount(pairs // n, minlength=n) if n else np.zeros(0, dtype=int)
    return dict(zip(nodes, reach.tolist()))


# two-step walks above which two_step_reach goes node by node (each walk takes about 40 bytes
# in its arrays; kg's influence networks have about two per edge)
_TWO_STEP_WALKS = 20_000_000


def _two_step_reach_by_node(G, nodes) -> dict:
    reach = {}
    for n in nodes:
        seen = set(G.successors(n))
        for m in list(seen):
            seen.update(G.successors(m))
        seen.discard(n)
        reach[n] = len(seen)
    return reach


def _structure_of(G, nodes) -> EdgeMatrix:
    """G's edges as a matrix (values aside) in ``nodes`` (sorted) order: one of the
    magnitudes' matrices the table shares, if made, else one made here."""
    shared = _SHARED.get() or {}
    for key, (_, A) in shared.items():
        if key[0] == id(G) and key[2] == "matrix" and key[3] == "in":
            return A
    return EdgeMatrix.of(G, nodes, lambda d: 1.0)


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def centrality_table(G, weight: str | None = "weight") -> dict:
    """Every centrality metric of every node, in one table.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    weight : str or None, default "weight"
        Edge attribute holding the signed weight.

    Returns
    -------
    dict
        Node -> {metric: float} for the metrics ``in_degree``, ``out_degree``
        (edge counts), ``in_strength``, ``out_strength``, ``pagerank``,
        ``betweenness``, ``closeness``, ``eigenvector``, ``katz`` and
        ``two_step_reach``, each with its function's defaults. Nodes in sorted order.

    Raises
    ------
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("a", "b", 1.0), ("b", "c", -1 / 3)])
    >>> row = centrality_table(G)["b"]
    >>> row["in_degree"], row["out_strength"], row["two_step_reach"]
    (1.0, 0.3333333333333333, 1.0)
    >>> row["eigenvector"]  # not defined on an acyclic graph
    nan

    Notes
    -----
    Eigenvector and Katz centrality may fail to converge (see
    :func:`eigenvector`, :func:`katz`); the table then holds ``nan`` for that
    metric instead of failing as a whole. :func:`rank` puts ``nan`` last.
    """
    nodes, columns = centrality_columns(G, weight)
    return {n: {m: columns[m][n] for m in METRICS} for n in nodes}


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def centrality_columns(G, weight: str | None = "weight", metrics: Iterable[str] = METRICS) -> tuple[list, dict]:
    """:func:`centrality_table` by column: (the nodes in sorted order, metric -> node ->
    value), for a caller that reads a metric at a time (a table of a corpus's 185,000
    nodes costs seconds to turn into rows); ``metrics``: only those of :data:`METRICS`
    (in its order), as the table computes them."""
    wanted = set(metrics)
    if not wanted <= set(METRICS):
        raise ValueError(f"unknown metric(s) {sorted(wanted - set(METRICS))}; the metrics are {', '.join(METRICS)}")
    with _sharing_magnitude_graphs():
        return _centrality_columns(G, weight, wanted)


def _centrality_columns(G, weight, wanted: set) -> tuple[list, dict]:
    def converged(func):
        try:
            return func(G, weight=weight)
        except CentralityNotConverged:
            return dict.fromkeys(G, math.nan)

    makers = {  # (in this order)
        ("in_degree",): lambda: [{n: float(d) for n, d in G.in_degree()}],
        ("out_degree",): lambda: [{n: float(d) for n, d in G.out_degree()}],
        ("in_strength",): lambda: [in_strength(G, weight)],
        ("out_strength",): lambda: [out_strength(G, weight)],
        ("pagerank",): lambda: [pagerank(G, weight=weight)],
        ("betweenness", "closeness"): lambda: _shortest_paths(G, weight),  # (one search per node for both)
        ("two_step_reach",): lambda: [{n: float(r) for n, r in two_step_reach(G).items()}],
        ("eigenvector",): lambda: [converged(eigenvector)],
        ("katz",): lambda: [converged(katz)],
    }
    columns = {}
    for names, make in makers.items():
        if wanted.intersection(names):
            columns.update(zip(names, make()))
    return sorted(G), {m: columns[m] for m in METRICS if m in wanted}


def rank(
    scores: Mapping[Hashable, float],
    G=None,
    types: str | Iterable[str] | None = None,
    top: int | None = None,
) -> list[tuple[Hashable, float]]:
    """Nodes ordered by score, highest first, optionally only some node types.

    Parameters
    ----------
    scores : dict
        Node -> score, e.g. the result of :func:`pagerank`.
    G : networkx.Graph, optional
        The graph the scores came from; needed only with ``types``.
    types : str or iterable of str, optional
        Keep only nodes whose ``type`` attribute is one of these.
    top : int, optional
        Keep only the first ``top`` entries.

    Returns
    -------
    list of (node, score)
        Sorted by score descending, ties by node id ascending; ``nan`` scores last.

    Raises
    ------
    ValueError
        If ``types`` is given without ``G``, or ``top`` is negative.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_nodes_from([("d1", {"type": "Driver"}), ("d2", {"type": "Driver"}),
    ...                   ("c1", {"type": "Challenge"})])
    >>> rank({"d1": 0.2, "d2": 0.5, "c1": 0.9}, G, types="Driver")
    [('d2', 0.5), ('d1', 0.2)]
    >>> rank({"b": 1.0, "a": 1.0, "c": 3.0}, top=2)
    [('c', 3.0), ('a', 1.0)]
    """
    if top is not None and top < 0:
        raise ValueError(f"top must be >= 0, not {top}")
    items = list(scores.items())
    if types is not None:
        if G is None:
            raise ValueError("filtering by types needs the graph G")
        wanted = {types} if isinstance(types, str) else set(types)
        items = [(n, s) for n, s in items if n in G and G.nodes[n].get("type") in wanted]
    def order(ns):
        return (math.isnan(ns[1]), -ns[1] if not math.isnan(ns[1]) else 0.0, ns[0])

    if top is not None and top < len(items):
        return heapq.nsmallest(top, items, key=order)  # = sorted(...)[:top], without sorting them all
    items.sort(key=order)
    return items
