"""MICMAC structural analysis (Godet): direct and indirect influence and dependence.

Graph convention
----------------
``G`` is a :class:`networkx.DiGraph`. An edge ``u -> v`` says that ``u``
influences ``v``; its ``weight`` attribute is the signed weight in [-1, 1]
(kg writes ``±strength/3``) and it may also carry ``strength`` (1..3). Every
function takes ``weight="weight"`` naming the attribute; an edge without it
counts as 1 and ``weight=None`` counts every edge as 1. MICMAC measures how
much influence passes, not its sign, so the matrix holds ``abs(weight)``;
``weight="strength"`` gives Godet's classical 0-3 scale (rankings and
classes are the same, only the scale differs). Node ids must be mutually
comparable (kg uses strings): the matrix rows are in sorted node order and
ties are broken by node id.

Method
------
Direct matrix ``M[i, j] = |w(i -> j)|``. Direct influence of i is its row sum,
direct dependence of j its column sum. Indirect influence and dependence are
the row and column sums of ``M^k``, raising k until the rankings stop
changing; they converge to the right and left Perron eigenvectors when M is
irreducible and primitive. When they do not settle (a periodic or acyclic
structure) the result says so (``converged=False`` and a ``note``) instead of
presenting an arbitrary power as the answer. The attenuated variant ranks by
``sum_k alpha^(k-1) M^k`` (Katz-like), which is well defined on acyclic graphs
when ``alpha * rho(M) < 1``.

Godet's plane puts influence on y and dependence on x, split at the mean (or
median): high influence / low dependence = *influential* (driving variables),
high / high = *relay*, low / high = *dependent* (result variables), low / low
= *autonomous*.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np

from .centrality import _magnitude, _magnitude_matrix, _magnitudes_acyclic, spectral_radius as graph_spectral_radius

__all__ = [
    "MicmacStep",
    "MicmacResult",
    "direct_matrix",
    "indirect_matrix",
    "classify",
    "micmac",
]

CLASSES = ("influential", "relay", "dependent", "autonomous")
# Rankings compare values rounded to this many decimals of their maximum: values
# a millionth of the largest are practically tied (and floating-point noise or
# the oscillation of a decaying periodic part should not flip them).
_RANK_DECIMALS = 6


@dataclass(frozen=True, eq=False)
class MicmacStep:
    """Influence and dependence at one power k (one row of the ranking history).

    Values are scaled so that each vector sums to the direct matrix's total,
    which keeps every power on the scale of the direct plane. Held as arrays;
    the rankings, dicts and node orders are made when first read (a graph of
    many reports has many nodes and many powers, and deciding whether the
    rankings settled reads the last few powers' only).
    """

    power: int
    nodes: list = field(repr=False)
    infl: np.ndarray = field(repr=False)
    dep: np.ndarray = field(repr=False)

    def __eq__(self, other) -> bool:
        if not isinstance(other, MicmacStep):
            return NotImplemented
        return (self.power == other.power and self.nodes == other.nodes
                and np.array_equal(self.infl, other.infl) and np.array_equal(self.dep, other.dep))

    __hash__ = None

    @cached_property
    def infl_rank(self) -> np.ndarray:
        """Row indices by influence, highest first (ties by node, see :func:`_rank`)."""
        return _rank(self.infl)

    @cached_property
    def dep_rank(self) -> np.ndarray:
        """Row indices by dependence, highest first."""
        return _rank(self.dep)

    @cached_property
    def influence(self) -> dict:
        return {n: float(x) for n, x in zip(self.nodes, self.infl)}

    @cached_property
    def dependence(self) -> dict:
        return {n: float(x) for n, x in zip(self.nodes, self.dep)}

    @cached_property
    def influence_order(self) -> tuple:
        return tuple(self.nodes[i] for i in self.infl_rank)

    @cached_property
    def dependence_order(self) -> tuple:
        return tuple(self.nodes[i] for i in self.dep_rank)


@dataclass(frozen=True)
class MicmacResult:
    """Outcome of :func:`micmac`.

    Attributes
    ----------
    nodes : list
        Nodes in matrix order (sorted).
    influence, dependence : dict
        Direct influence (row sums of M) and dependence (column sums).
    indirect_influence, indirect_dependence : dict
        Row and column sums of ``M^power`` (or of the attenuated partial sum up
        to ``power``), scaled to sum to the direct total ``M.sum()`` so they
        can be drawn on the direct plane's scale.
    power : int
        The power the indirect values come from: ``stable_at`` when converged,
        otherwise the last power computed.
    stable_at : int or None
        Smallest k >= 2 from which the influence and dependence rankings stay
        the same at every power up to ``max_power`` (so at least k and k + 1
        agree); None when they did not settle.
    converged : bool
        Whether the rankings settled within ``max_power``.
    note : str
        Why the result did not converge, or other caveats; "" when none.
    history : list of MicmacStep
        Values and rankings at every power computed, from 1 (direct).
    split : str
        "mean" or "median".
    thresholds : dict
        ``{"direct": {"influence": t, "dependence": t}, "indirect": {...}}``.
    classes, indirect_classes : dict
        Node -> "influential" | "relay" | "dependent" | "autonomous" on the
        direct and on the indirect plane.
    attenuation : float or None
        The alpha of the attenuated variant, or None.
    """

    nodes: list
    influence: dict
    dependence: dict
    indirect_influence: dict
    indirect_dependence: dict
    power: int
    stable_at: int | None
    converged: bool
    note: str
    history: list
    split: str
    thresholds: dict
    classes: dict
    indirect_classes: dict
    attenuation: float | None


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def direct_matrix(
    G, weight: str | None = "weight", nodes: Sequence[Hashable] | None = None
) -> tuple[np.ndarray, list]:
    """The MICMAC direct matrix ``M[i, j] = |w(i -> j)|``.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None counts every edge as 1.
    nodes : sequence, optional
        Row/column order; edges touching other nodes are ignored. Default:
        all nodes, sorted.

    Returns
    -------
    M : numpy.ndarray
        n x n float array.
    nodes : list
        The node of each row and column.

    Raises
    ------
    networkx.NodeNotFound
        If a node in ``nodes`` is not in G.
    ValueError
        If ``nodes`` repeats a node.
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("b", "a", -2 / 3), ("a", "c", 1.0)])
    >>> M, nodes = direct_matrix(G)
    >>> nodes
    ['a', 'b', 'c']
    >>> (M * 3).round().astype(int).tolist()
    [[0, 0, 3], [2, 0, 0], [0, 0, 0]]

    Notes
    -----
    Godet's matrices have a zero diagonal; a self-loop in G, if any, is kept
    as ``M[i, i]``.
    """
    nodes = sorted(G) if nodes is None else list(nodes)
    if len(set(nodes)) != len(nodes):
        raise ValueError("nodes must not repeat a node")
    for n in nodes:
        if n not in G:
            raise nx.NodeNotFound(f"node {n!r} is not in the graph")
    index = {n: i for i, n in enumerate(nodes)}
    M = np.zeros((len(nodes), len(nodes)))
    for u, v, d in G.edges(data=True):
        if u in index and v in index:
            M[index[u], index[v]] = _magnitude(d, weight)
    return M, nodes


def indirect_matrix(
    G, k: int, weight: str | None = "weight", nodes: Sequence[Hashable] | None = None
) -> tuple[np.ndarray, list]:
    """The exact power ``M^k`` of the direct matrix.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    k : int
        Power, >= 1.
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None counts every edge as 1.
    nodes : sequence, optional
        Row/column order, as for :func:`direct_matrix`.

    Returns
    -------
    Mk : numpy.ndarray
        ``M^k``; with ``weight=None`` entry (i, j) is the number of walks of
        length k from i to j.
    nodes : list
        The node of each row and column.

    Raises
    ------
    ValueError
        If k < 1.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "a")])
    >>> M2, nodes = indirect_matrix(G, 2, weight=None)
    >>> M2.astype(int).tolist()
    [[1, 0, 1], [1, 0, 0], [0, 1, 1]]

    Notes
    -----
    Unscaled, so entries overflow for large k on big graphs; :func:`micmac`
    rescales every power instead.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, not {k}")
    M, nodes = direct_matrix(G, weight, nodes)
    return np.linalg.matrix_power(M, k), nodes


def _threshold(values, split: str) -> float:
    if not values:
        return math.nan
    return float(statistics.fmean(values) if split == "mean" else statistics.median(values))


def _check_split(split: str) -> None:
    if split not in ("mean", "median"):
        raise ValueError(f"split must be 'mean' or 'median', not {split!r}")


def classify(
    influence: Mapping[Hashable, float],
    dependence: Mapping[Hashable, float],
    split: str = "mean",
) -> tuple[dict, dict]:
    """Place nodes in the four quadrants of Godet's influence/dependence plane.

    Parameters
    ----------
    influence, dependence : dict
        Node -> value, with the same nodes.
    split : {"mean", "median"}, default "mean"
        Where each axis is cut: Godet's mean, or the median.

    Returns
    -------
    classes : dict
        Node -> "influential" (high influence, low dependence), "relay"
        (high, high), "dependent" (low, high) or "autonomous" (low, low).
    thresholds : dict
        ``{"influence": t_i, "dependence": t_d}``.

    Raises
    ------
    ValueError
        If ``split`` is unknown or the two dicts have different nodes.

    Examples
    --------
    >>> classes, t = classify({"a": 3, "b": 2, "c": 0, "d": 0}, {"a": 0, "b": 2, "c": 3, "d": 0})
    >>> classes
    {'a': 'influential', 'b': 'relay', 'c': 'dependent', 'd': 'autonomous'}
    >>> t
    {'influence': 1.25, 'dependence': 1.25}

    Notes
    -----
    "High" means strictly above the threshold (by more than 1e-9 of the
    largest value, to absorb rounding), so a node sitting on an axis counts
    as low on it, and when all values are equal every node is low.
    """
    _check_split(split)
    if set(influence) != set(dependence):
        raise ValueError("influence and dependence must have the same nodes")
    nodes = list(influence)
    ti = _threshold(list(influence.values()), split)
    td = _threshold(list(dependence.values()), split)
    # (in numpy: a step per node took a second for the four calls of a corpus's MICMAC)
    infl = np.fromiter(influence.values(), float, len(nodes))
    dep = np.fromiter(map(dependence.__getitem__, nodes), float, len(nodes))
    # values equal in exact arithmetic may differ by rounding after many powers
    ei = 1e-9 * float(np.abs(infl).max()) if nodes else 0.0
    ed = 1e-9 * float(np.abs(dep).max()) if nodes else 0.0
    quadrant = 2 * (infl > ti + ei) + (dep > td + ed)
    classes = dict(zip(nodes, _QUADRANTS[quadrant].tolist()))
    return classes, {"influence": ti, "dependence": td}


#: the classes by (high influence, high dependence) as 2 * influence + dependence
_QUADRANTS = np.array(["autonomous", "dependent", "influential", "relay"], dtype=object)


def _rank(values: np.ndarray) -> np.ndarray:
    """Row indices from the highest value down; ties (after rounding) keep row order,
    which is node order since rows are sorted by node."""
    top = values.max() if values.size else 0.0
    rounded = np.round(values / top, _RANK_DECIMALS) if top > 0 else values
    return np.argsort(-rounded, kind="stable")


def _step(power: int, infl: np.ndarray, dep: np.ndarray, nodes: list, total: float) -> MicmacStep:
    """One history row; both vectors get the same scale factor (the direct
    total over their common sum), which keeps sum(influence) == sum(dependence)."""
    s = infl.sum()
    scale = total / s if s > 0 else 0.0
    infl, dep = infl * scale, dep * scale
    return MicmacStep(power=power, nodes=nodes, infl=infl, dep=dep)


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def micmac(
    G,
    weight: str | None = "weight",
    max_power: int = 30,
    split: str = "mean",
    attenuation: float | None = None,
) -> MicmacResult:
    """MICMAC: direct and indirect influence/dependence, and Godet's classes.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring).
    weight : str or None, default "weight"
        Edge attribute holding the signed weight (its magnitude is used);
        "strength" gives Godet's 0-3 scale; None counts every edge as 1.
    max_power : int, default 30
        Highest power of M to compute; >= 3.
    split : {"mean", "median"}, default "mean"
        How the plane is cut into quadrants (see :func:`classify`).
    attenuation : float, optional
        alpha > 0: rank by the partial sums ``sum_{k=1..K} alpha^(k-1) M^k``
        instead of ``M^K``.

    Returns
    -------
    MicmacResult
        See its attributes. ``converged`` is False -- with the reason in
        ``note`` and the last values kept -- when the rankings still change
        at ``max_power``, or when M has no cycles so that its powers vanish.

    Raises
    ------
    ValueError
        If ``max_power`` < 3, ``split`` is unknown or ``attenuation`` <= 0.
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    A three-cycle with a chord (primitive, so the rankings settle):

    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("a", "b", 1.0), ("b", "c", 1.0), ("c", "a", 1.0), ("a", "c", 1 / 3)])
    >>> r = micmac(G)
    >>> r.converged, r.stable_at
    (True, 4)
    >>> r.history[r.stable_at - 1].influence_order
    ('a', 'c', 'b')
    >>> r.indirect_classes
    {'a': 'influential', 'b': 'autonomous', 'c': 'dependent'}

    A two-cycle has period 2, so the rankings alternate forever:

    >>> H = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c")])
    >>> r = micmac(H, weight=None, max_power=10)
    >>> r.converged, r.stable_at
    (False, None)

    Notes
    -----
    Only the row sums ``M^k 1`` and column sums ``1' M^k`` are needed, so the
    powers are taken as matrix-vector products (O(n^2) per power), every
    power divided by its total ``1' M^k 1`` -- which keeps the numbers finite
    without changing rankings; values are then rescaled to the direct total
    (see :class:`MicmacResult`). Since rows and columns of M^k have the same
    total, sum(influence) == sum(dependence) at every power.

    A ranking is the order of nodes by value, descending, ties by node id,
    after rounding values to 1e-6 of their maximum. All powers up to
    ``max_power`` are computed; ``stable_at`` is the first k >= 2 (k = 1 is
    the direct matrix) from which both orders no longer change. Godet stops at
    the first k whose ranking equals that of k + 1; that rule is fooled by the
    damped oscillations of real matrices (two nodes crossing back and forth
    with shrinking amplitude), which this stricter rule is not -- within the
    ``max_power`` horizon.

    For an acyclic graph M is nilpotent (``M^k = 0`` once k exceeds the
    longest path), so the unattenuated indirect ranking has no limit: the
    result is flagged and the last non-zero power kept; the attenuated sum is
    then finite and exact.

    References
    ----------
    .. [1] Godet, M. "From Anticipation to Action: A Handbook of Strategic
       Prospective." UNESCO Publishing, 1994, ch. 4 (structural analysis).
    .. [2] Arcade, J., Godet, M., Meunier, F., Roubelat, F. "Structural
       analysis with the MICMAC method & Actors' strategy with MACTOR method."
       AC/UNU Millennium Project, Futures Research Methodology, 1999.
    """
    _check_split(split)
    if isinstance(max_power, bool) or not isinstance(max_power, int) or max_power < 3:
        raise ValueError(f"max_power must be an integer >= 3, not {max_power!r}")
    if attenuation is not None and not attenuation > 0:
        raise ValueError(f"attenuation must be > 0, not {attenuation!r}")

    nodes = sorted(G)
    M = _magnitude_matrix(G, weight)  # (rows and columns in sorted order; shared with the centralities' where they run)
    total = float(M.vals.sum())
    row_sums, col_sums = M.row_sums(), M.col_sums()
    influence = {n: float(x) for n, x in zip(nodes, row_sums)}
    dependence = {n: float(x) for n, x in zip(nodes, col_sums)}
    classes, t_direct = classify(influence, dependence, split)

    history = [_step(1, row_sums, col_sums, nodes, total)]
    stable_at, note = None, ""
    if not nodes:
        note = "the graph has no nodes"
    elif total == 0:
        note = "the graph has no influence (no edge of non-zero weight): nothing to rank"
    else:
        # (both read on G itself: a copy of a corpus-sized graph costs seconds; whether G has
        # cycles matters to the plain powers only, the spectral radius to the attenuated ones)
        cycle_free = _magnitudes_acyclic(G, weight) if attenuation is None else False
        rho = graph_spectral_radius(G, weight=weight, absolute=True) if attenuation is not None else None
        stable_at, note = _iterate_powers(M, nodes, total, max_power, attenuation, history, cycle_free, rho)

    converged = stable_at is not None
    chosen = history[stable_at - 1] if converged else history[-1]
    indirect_classes, t_indirect = classify(chosen.influence, chosen.dependence, split)
    return MicmacResult(
        nodes=nodes,
        influence=influence,
        dependence=dependence,
        indirect_influence=chosen.influence,
        indirect_dependence=chosen.dependence,
        power=chosen.power,
        stable_at=stable_at,
        converged=converged,
        note=note,
        history=history,
        split=split,
        thresholds={"direct": t_direct, "indirect": t_indirect},
        classes=classes,
        indirect_classes=indirect_classes,
        attenuation=attenuation,
    )


def _iterate_powers(M, nodes, total, max_power, attenuation, history, acyclic, rho):
    """Append a MicmacStep for powers 2..max_power to ``history``; return
    (stable_at, note). ``acyclic``: M's non-zero entries form no cycle (read without
    ``attenuation`` only); ``rho``: M's spectral radius (needed with ``attenuation`` only)."""
    notes = []
    if attenuation is not None:
        if attenuation * rho >= 1:
            notes.append(
                f"attenuation*rho(M) = {attenuation * rho:.4g} >= 1: the attenuated series "
                "diverges and its ranking tends to the unattenuated one"
            )
    elif acyclic:
        # Nilpotent M: any agreement between powers is a transient coincidence,
        # since every value ends at 0.
        notes.append(
            "the graph has no cycles, so M^k = 0 for large k and indirect influence has no "
            "stable ranking; use attenuation to rank by walks of all lengths"
        )

    # u = M^k 1 (row sums) and v = 1' M^k (column sums), both divided by the
    # common factor exp(log_c) = 1' M^k 1 so that nothing overflows.
    u, v = M.row_sums(), M.col_sums()
    c = u.sum()
    u, v, log_c = u / c, v / c, math.log(c)
    U, V, log_s = u.copy(), v.copy(), log_c  # attenuated partial sums, same scaling
    complete = False  # attenuated series complete (M^k = 0): its ranking is final
    for k in range(2, max_power + 1):
        u, v = M.matvec(u), M.rmatvec(v)
        c = u.sum()
        if c == 0:
            if attenuation is None:
                notes.append(f"M^{k} = 0; the values are those of M^{k - 1}")
                return None, "; ".join(notes)
            complete = True
        else:
            u, v, log_c = u / c, v / c, log_c + math.log(c)
            if attenuation is not None:
                # U <- U + alpha^(k-1) M^k 1, in rescaled form (likewise V)
                log_t = (k - 1) * math.log(attenuation) + log_c
                m = max(log_s, log_t)
                a, b = math.exp(log_s - m), math.exp(log_t - m)
                U, V = a * U + b * u, a * V + b * v
                t = U.sum()
                U, V, log_s = U / t, V / t, m + math.log(t)
        if attenuation is None:
            history.append(_step(k, u, v, nodes, total))
        else:
            history.append(_step(k, U, V, nodes, total))
        if complete:
            break

    # The rankings have stopped changing at the first power from which they stay
    # the same through the last one computed (not merely at the first k where
    # k and k+1 agree: damped oscillations make such agreements transient).
    def same(a, b):
        return np.array_equal(a.infl_rank, b.infl_rank) and np.array_equal(a.dep_rank, b.dep_rank)

    i = len(history) - 1
    while i > 1 and same(history[i - 1], history[-1]):
        i -= 1
    if complete or (i < len(history) - 1 and not (acyclic and attenuation is None)):
        return history[i].power, "; ".join(notes)
    if not (acyclic and attenuation is None):
        prev, last = history[-2], history[-1]
        moved = "; ".join(
            f"{axis} order differs at positions {_positions(a, b)} of {len(nodes)}"
            for axis, a, b in (
                ("influence", prev.influence_order, last.influence_order),
                ("dependence", prev.dependence_order, last.dependence_order),
            )
            if a != b
        )
        notes.append(
            f"the rankings still change between powers {max_power - 1} and {max_power} "
            f"({moved}): the powers of M converge slowly or not at all (periodic or "
            f"reducible structure); the values are those of power {max_power}. Raise "
            "max_power or use attenuation"
        )
    return None, "; ".join(notes)


def _positions(a: tuple, b: tuple) -> str:
    """1-based positions where two orders differ, e.g. "3-4, 9-10"."""
    diff = [i + 1 for i, (x, y) in enumerate(zip(a, b)) if x != y]
    runs, start = [], diff[0]
    for prev, cur in zip(diff, diff[1:] + [None]):
        if cur != prev + 1:
            runs.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = cur
    return ", ".join(runs)
