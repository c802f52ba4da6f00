"""Deterministic node positions and the cap on large graphs.

Pages carry precomputed ``x``/``y`` and switch physics off, so a view opens at once and
the same graph always gives the same picture. Positions come from a seeded
Fruchterman-Reingold layout (networkx) on a copy of the graph with sorted nodes and edges,
so they do not depend on the order the SPARQL rows arrived in.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

import networkx as nx

from ..procs import map_forked

__all__ = ["scale_for", "spring_positions", "spring_positions_many", "spiral_positions", "plane_positions", "top_nodes", "SEED", "SCALE"]

SEED = 7
SCALE = 1000.0  # default half-width of a drawing, in vis-network's canvas units


def scale_for(n: int) -> float:
    """A drawing size that keeps labels readable: small graphs small, large graphs larger."""
    return float(max(220.0, min(3000.0, 95.0 * math.sqrt(max(n, 1)))))
# networkx's dense solver (numpy only) is quick up to a few hundred nodes; at 500 it switches
# to a scipy solver that takes about a minute for 3000 nodes. Larger graphs get a spring
# layout of their best-connected nodes, the others placed beside their neighbours.
_CORE = 400


def _sorted_simple(G: nx.Graph, nodes: Iterable[Hashable] | None = None) -> nx.Graph:
    """An undirected simple graph with the nodes (and edges) of ``G`` in sorted order."""
    keep = sorted(G if nodes is None else nodes, key=str)
    H = nx.Graph()
    H.add_nodes_from(keep)
    kept = set(keep)
    edges = G.edges() if nodes is None else G.edges(kept)  # (the edges that leave kept nodes)
    pairs = {tuple(sorted((a, b), key=str)) for a, b in edges if a in kept and b in kept and a != b}
    H.add_edges_from(sorted(pairs, key=lambda e: (str(e[0]), str(e[1]))))
    return H


def spring_positions(G: nx.Graph, seed: int = SEED, scale: float | None = None, iterations: int = 100) -> dict:
    """Seeded force-directed positions, rounded to a tenth of a unit.

    Parameters
    ----------
    G : networkx graph
        Directed or not, multi or not; direction, parallel edges and weights are
        ignored (influence weights are signed, which a spring model cannot use).
    seed : int
        Seed of the initial positions; the same seed gives the same layout.
    scale : float, optional
        The layout spans ``[-scale, scale]`` on its longer axis (default: :func:`scale_for`).
    iterations : int
        Fruchterman-Reingold iterations.

    Returns
    -------
    dict
        node → ``(x, y)``.

    Notes
    -----
    Graphs of more than 400 nodes get the spring layout for their 400 best-connected
    nodes; every other node sits next to the placed neighbours it has (their centroid,
    nudged along a golden-angle spiral so they do not overlap), or on an outer ring when it
    has none. That keeps a few thousand nodes to about a second and needs no scipy.

    Examples
    --------
    >>> import networkx as nx
    >>> spring_positions(nx.path_graph(["a", "b", "c"])) == spring_positions(nx.path_graph(["c", "b", "a"]))
    True
    """
    return spring_positions_many([G], seed=seed, scale=scale, iterations=iterations)[0]


def spring_positions_many(graphs: Iterable[nx.Graph], seed: int = SEED, scale: float | None = None,
                          iterations: int = 100) -> list[dict]:
    """:func:`spring_positions` of many graphs at once.

    The Fruchterman-Reingold steps of networkx's ``spring_layout`` (same start, cooling,
    forces and stopping rule, so the same positions) run for all the graphs together as
    padded numpy arrays: a few hundred small neighbourhoods cost about as much as one
    graph would, where one ``spring_layout`` call each took most of a second.
    """
    graphs = list(graphs)
    out: list[dict] = [{} for _ in graphs]
    small = []
    for i, G in enumerate(graphs):
        if len(G) == 0:
            continue
        H = _sorted_simple(G)
        size = scale_for(len(H)) if scale is None else scale
        if len(H) == 1:
            out[i] = {next(iter(H)): (0.0, 0.0)}
        elif len(H) > _CORE:
            out[i] = _core_and_satellites(H, seed, size, iterations)
        else:
            small.append((i, H, size))
    # k a little above networkx's default 1/sqrt(n) spreads labelled nodes apart
    jobs = [(H, 1.6 / math.sqrt(len(H)), size) for _, H, size in small]
    batches = _batches([len(H) for H, _, _ in jobs])
    # the batches shared out over the cores (an entity explorer of thousands of
    # neighbourhoods: seconds of numpy), where there is enough work for a fork to pay
    laid_out = map_forked(lambda batch: _fruchterman_reingold_batch([jobs[j] for j in batch], seed, iterations),
                          batches, sizes=[len(batch) * max(len(jobs[j][0]) for j in batch) ** 2 for batch in batches],
                          min_total=_FORK_FROM)
    for batch, positions in zip(batches, laid_out):
        for j, pos in zip(batch, positions):
            out[small[j][0]] = {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}
    return out


_FORK_FROM = 200_000  # node pairs in all the batches (about a second of layout)


def _batches(sizes: list[int], budget: int = 1 << 16) -> list[list[int]]:
    """The jobs (by their graphs' sizes) in batches of similar size, so that padding stays
    small, each under ``budget`` node pairs (or one graph): a batch's arrays then stay in
    the processor's cache, which made the layouts of many neighbourhoods twice as fast as
    batches of 2 million pairs."""
    order = sorted(range(len(sizes)), key=sizes.__getitem__)
    batches: list[list[int]] = []
    batch: list[int] = []
    for j in order:
        n = sizes[j]
        if batch and (n > 2 * sizes[batch[0]] or (len(batch) + 1) * n * n > budget):
            batches.append(batch)
            batch = []
        batch.append(j)
    if batch:
        batches.append(batch)
    return batches


def _fruchterman_reingold_batch(jobs, seed: int, iterations: int, threshold: float = 1e-4) -> list[dict]:
    """networkx's ``_fruchterman_reingold`` (dense, no fixed nodes) followed by
    ``rescale_layout``, for a batch of graphs padded to the largest.

    The same arithmetic in the same order, so the same floating-point positions as
    networkx (a force-directed layout magnifies a last-bit difference into a different
    picture), arranged for speed: x and y are kept apart, so each step works on contiguous
    (graph, node, node) arrays reused from step to step, and the displacement sums run
    along the middle axis, which numpy adds in the order networkx's sum takes (the forces
    are symmetric, so ``force[b, j, i]`` is ``force[b, i, j]``). A 263-node layout took
    0.06 s rather than 0.30 s, a batch of small ones a third of the time.
    """
    import numpy as np

    B = len(jobs)
    N = max(len(H) for H, _, _ in jobs)
    A = np.zeros((B, N, N))
    pos = np.zeros((B, N, 2))
    real = np.zeros((B, N), dtype=bool)
    k = np.empty(B)
    sizes = np.empty(B)
    for b, (H, kb, _) in enumerate(jobs):
        n = len(H)
        A[b, :n, :n] = nx.to_numpy_array(H, weight=None)
        pos[b, :n] = np.random.RandomState(seed).rand(n, 2)
        real[b, :n] = True
        k[b] = kb
        sizes[b] = n
    # the padding of a smaller graph in the batch feels no force and exerts none
    padding = None if real.all() else ~(real[:, :, None] & real[:, None, :])
    span = np.where(real[..., None], pos, np.nan)
    t = np.nanmax(np.nanmax(span, axis=1) - np.nanmin(span, axis=1), axis=1) * 0.1
    dt = t / (iterations + 1)
    running = np.ones(B, dtype=bool)
    kk = (k * k)[:, None, None]
    kb = k[:, None, None]
    x, y = pos[..., 0].copy(), pos[..., 1].copy()
    dx, dy, distance, force = (np.empty((B, N, N)) for _ in range(4))
    for _ in range(iterations):
        # [b, j, i]: node i's offset from node j (networkx's delta[i, j])
        np.subtract(x[:, None, :], x[:, :, None], out=dx)
        np.subtract(y[:, None, :], y[:, :, None], out=dy)
        np.multiply(dx, dx, out=distance)
        np.multiply(dy, dy, out=force)
        distance += force
        np.sqrt(distance, out=distance)
        np.clip(distance, 0.01, None, out=distance)
        # force = k² / distance² − A · distance / k
        np.multiply(distance, distance, out=force)
        np.divide(kk, force, out=force)
        np.multiply(A, distance, out=distance)
        distance /= kb
        force -= distance
        if padding is not None:
            force[padding] = 0.0
        np.multiply(dx, force, out=dx)
        np.multiply(dy, force, out=dy)
        step = np.stack([dx.sum(axis=1), dy.sum(axis=1)], axis=-1)
        length = np.clip(np.sqrt(np.einsum("bik,bik->bi", step, step)), 0.01, None)
        step *= (t[:, None] / length)[..., None]
        step *= running[:, None, None]
        x += step[..., 0]
        y += step[..., 1]
        t -= dt
        moved = np.sqrt(np.einsum("bik,bik->b", step, step)) / sizes
        running &= ~(moved < threshold)
        if not running.any():
            break
    out = []
    for b, (H, _, scale) in enumerate(jobs):
        n = len(H)
        p = np.stack([x[b, :n], y[b, :n]], axis=1)
        p -= p.mean(axis=0)
        lim = np.abs(p).max()
        if lim > 0:
            p *= scale / lim
        out.append(dict(zip(H, p)))
    return out


def _core_and_satellites(H: nx.Graph, seed: int, scale: float, iterations: int) -> dict:
    degree = dict(H.degree())
    order = sorted(H, key=lambda n: (-degree[n], str(n)))
    core = _sorted_simple(H, order[:_CORE])
    pos = {n: (float(x), float(y)) for n, (x, y) in
           _fruchterman_reingold_batch([(core, 1.6 / math.sqrt(len(core)), scale)], seed, iterations)[0].items()}
    golden = math.pi * (3 - math.sqrt(5))
    step = scale / math.sqrt(len(H))
    loners = []
    for i, n in enumerate(order[_CORE:]):
        placed = [pos[m] for m in H[n] if m in pos]
        if not placed:
            loners.append(n)
            continue
        cx = sum(p[0] for p in placed) / len(placed)
        cy = sum(p[1] for p in placed) / len(placed)
        r = step * (0.6 + 0.4 * math.sqrt(i % 7 + 1))
        pos[n] = (cx + r * math.cos(i * golden), cy + r * math.sin(i * golden))
    for i, n in enumerate(loners):  # a ring outside the drawing
        angle = 2 * math.pi * i / len(loners)
        pos[n] = (1.15 * scale * math.cos(angle), 1.15 * scale * math.sin(angle))
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}


def spiral_positions(nodes: Iterable[Hashable], scale: float = SCALE) -> dict:
    """Nodes on a sunflower spiral, the first at the centre (for very large graphs).

    Examples
    --------
    >>> spiral_positions(["a", "b"])["a"]
    (0.0, 0.0)
    """
    nodes = list(nodes)
    golden = math.pi * (3 - math.sqrt(5))
    n = max(len(nodes), 1)
    return {node: (round(scale * math.sqrt(i / n) * math.cos(i * golden), 1),
                   round(scale * math.sqrt(i / n) * math.sin(i * golden), 1))
            for i, node in enumerate(nodes)}


def plane_positions(x: Mapping, y: Mapping, width: float = 2 * SCALE, height: float = 1.4 * SCALE,
                    origin_x: float | None = None, origin_y: float | None = None) -> tuple[dict, dict]:
    """Place nodes on a plane by two scores (MICMAC: x = dependence, y = influence).

    Scores map linearly onto ``[0, width]`` and ``[0, height]``, with y pointing up as a
    reader expects (the canvas's y points down, so it is flipped).

    Parameters
    ----------
    x, y : mapping
        node → score.
    width, height : float
        Size of the plotted area in canvas units.
    origin_x, origin_y : float, optional
        Score values to mark with a line (the MICMAC thresholds).

    Returns
    -------
    positions : dict
        node → ``(x, y)`` in canvas units.
    frame : dict
        ``left``, ``right``, ``top``, ``bottom`` of the area and ``x0``/``y0``, the canvas
        coordinates of ``origin_x``/``origin_y`` (None when not given).

    Examples
    --------
    >>> pos, frame = plane_positions({"a": 0, "b": 2}, {"a": 0, "b": 1}, width=100, height=50, origin_x=1)
    >>> pos["b"], frame["x0"]
    ((100.0, -50.0), 50.0)
    """
    xs = [float(v) for v in x.values()] + ([float(origin_x)] if origin_x is not None else [])
    ys = [float(v) for v in y.values()] + ([float(origin_y)] if origin_y is not None else [])
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y_lo, y_hi = (min(ys), max(ys)) if ys else (0.0, 1.0)
    sx = width / (x_hi - x_lo) if x_hi > x_lo else 0.0
    sy = height / (y_hi - y_lo) if y_hi > y_lo else 0.0
    to_x = lambda v: round((float(v) - x_lo) * sx if sx else width / 2, 1)  # noqa: E731
    to_y = lambda v: round(-((float(v) - y_lo) * sy if sy else height / 2), 1)  # noqa: E731
    pos = {n: (to_x(x[n]), to_y(y[n])) for n in sorted(x, key=str) if n in y}
    frame = {"left": 0.0, "right": float(width), "top": -float(height), "bottom": 0.0,
             "x0": to_x(origin_x) if origin_x is not None else None,
             "y0": to_y(origin_y) if origin_y is not None else None}
    return pos, frame


def top_nodes(G: nx.Graph, max_nodes: int | None, score: Mapping | None = None) -> tuple[list, bool]:
    """The ``max_nodes`` nodes with the highest ``score`` (default: degree).

    Parameters
    ----------
    G : networkx graph
    max_nodes : int or None
        The cap; ``None`` or a cap at least ``len(G)`` keeps every node.
    score : mapping, optional
        node → number; ties and missing scores fall back to degree, then to the node id.

    Returns
    -------
    nodes : list
        The kept nodes, sorted by id.
    capped : bool
        Whether nodes were left out.

    Examples
    --------
    >>> import networkx as nx
    >>> top_nodes(nx.star_graph(4), 2)
    ([0, 1], True)
    """
    nodes = list(G)
    if max_nodes is None or len(nodes) <= max_nodes:
        return sorted(nodes, key=str), False
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, not {max_nodes}")
    if not score:
        degree = dict(G.degree())
        ranked = sorted(nodes, key=lambda n: (-degree[n], str(n)))
        return sorted(ranked[:max_nodes], key=str), True
    value = {n: _number(score.get(n)) for n in nodes}
    # the degree breaks ties only among the nodes that share the last score kept: counted
    # for those alone (on a subgraph view of a large graph, counting it for every node
    # took seconds)
    cut = sorted(value.values(), reverse=True)[max_nodes - 1]
    kept = [n for n in nodes if value[n] > cut]
    tied = [n for n in nodes if value[n] == cut]
    degree = dict(G.degree(tied))
    kept += sorted(tied, key=lambda n: (-degree[n], str(n)))[:max_nodes - len(kept)]
    return sorted(kept, key=str), True


def _number(x) -> float:
    value = float(x or 0.0)
    return value if value == value else 0.0  # (NaN as 0: it has no place in an order)
