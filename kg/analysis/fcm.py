"""Fuzzy cognitive maps (Kosko): simulate an influence graph and test scenarios.

Graph convention
----------------
``G`` is a :class:`networkx.DiGraph`. An edge ``u -> v`` says that concept
``u`` influences concept ``v``; its ``weight`` attribute is the signed weight
in [-1, 1] (kg writes ``±strength/3``) and it may also carry ``strength``
(1..3). Functions take ``weight="weight"`` naming the attribute; an edge
without it counts as 1 and ``weight=None`` sets every weight to 1. Here, unlike
the structural analyses, the sign matters: the weight matrix is
``W[j, i] = w(j -> i)`` as given. Node ids must be mutually comparable (kg
uses strings); states are dicts in sorted node order.

Method
------
A state A gives every concept an activation. One step applies an inference
rule and a transfer function f:

- ``"kosko"``:          ``A_i(t+1) = f(sum_j W[j, i] A_j(t))``
- ``"modified-kosko"``: ``A_i(t+1) = f(A_i(t) + sum_j W[j, i] A_j(t))``
- ``"rescaled"``:       ``A_i(t+1) = f((2A_i(t) - 1) + sum_j W[j, i] (2A_j(t) - 1))``

Transfer functions: ``"sigmoid"`` ``1/(1+exp(-lam x))`` in [0, 1], ``"tanh"``
``tanh(lam x)`` in [-1, 1], ``"bivalent"`` (1 if x > 0 else 0) and
``"trivalent"`` (sign of x). A concept with no incoming edge keeps its value
(nothing drives it); a clamped concept is reset to its clamp value every step.
The simulation stops when ``max_i |A_i(t) - A_i(t-1)| <= threshold``
(converged) or after ``max_steps`` steps (not converged: a limit cycle or
chaos, or just too few steps).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ._sparse import EdgeMatrix

__all__ = [
    "FcmResult",
    "ScenarioResult",
    "sigmoid",
    "tanh",
    "bivalent",
    "trivalent",
    "TRANSFER_RANGES",
    "INFERENCE_RULES",
    "simulate",
    "scenario",
]


def _out(y):
    return float(y) if np.ndim(y) == 0 else y


def sigmoid(x, lam: float = 1.0):
    """Logistic transfer function ``1 / (1 + exp(-lam * x))``, range [0, 1].

    Parameters
    ----------
    x : float or numpy.ndarray
        Input.
    lam : float, default 1.0
        Steepness.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> sigmoid(0.0), round(sigmoid(1.0), 6), sigmoid(-1000.0)
    (0.5, 0.731059, 0.0)

    Notes
    -----
    Evaluated as ``(1 + tanh(lam x / 2)) / 2``, the same function without
    overflow for large ``|x|``.
    """
    return _out(0.5 * (1.0 + np.tanh(0.5 * lam * np.asarray(x, dtype=float))))


def tanh(x, lam: float = 1.0):
    """Hyperbolic tangent transfer function ``tanh(lam * x)``, range [-1, 1].

    Parameters
    ----------
    x : float or numpy.ndarray
        Input.
    lam : float, default 1.0
        Steepness.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> tanh(0.0), round(tanh(1.0), 6)
    (0.0, 0.761594)
    """
    return _out(np.tanh(lam * np.asarray(x, dtype=float)))


def bivalent(x, lam: float = 1.0):
    """Bivalent transfer function: 1 if x > 0 else 0.

    Parameters
    ----------
    x : float or numpy.ndarray
        Input.
    lam : float, default 1.0
        Ignored; accepted so that every transfer function has one signature.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> bivalent(0.2), bivalent(0.0), bivalent(-3.0)
    (1.0, 0.0, 0.0)
    """
    return _out((np.asarray(x, dtype=float) > 0).astype(float))


def trivalent(x, lam: float = 1.0):
    """Trivalent transfer function: the sign of x (1, 0 or -1).

    Parameters
    ----------
    x : float or numpy.ndarray
        Input.
    lam : float, default 1.0
        Ignored; accepted so that every transfer function has one signature.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> trivalent(0.2), trivalent(0.0), trivalent(-3.0)
    (1.0, 0.0, -1.0)
    """
    return _out(np.sign(np.asarray(x, dtype=float)))


_TRANSFER = {"sigmoid": sigmoid, "tanh": tanh, "bivalent": bivalent, "trivalent": trivalent}

#: Closed range of each transfer function's output.
TRANSFER_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "bivalent": (0.0, 1.0), "trivalent": (-1.0, 1.0)}

#: The inference rules :func:`simulate` knows.
INFERENCE_RULES = ("kosko", "modified-kosko", "rescaled")


@dataclass(frozen=True)
class FcmResult:
    """Outcome of :func:`simulate`.

    Attributes
    ----------
    trajectory : list of dict
        State (node -> activation) at steps 0 (the initial state) .. ``steps``.
    converged : bool
        True when the last step changed no activation by more than the threshold.
    steps : int
        Number of update steps made.
    final : dict
        The last state, ``trajectory[-1]``.
    """

    trajectory: list
    converged: bool
    steps: int
    final: dict


@dataclass(frozen=True)
class ScenarioResult:
    """Outcome of :func:`scenario`.

    Attributes
    ----------
    baseline : dict
        Final state without clamping.
    scenario : dict
        Final state with the chosen concepts clamped.
    change : dict
        ``scenario - baseline`` per concept.
    baseline_converged, scenario_converged : bool
        Whether each simulation converged.
    """

    baseline: dict
    scenario: dict
    change: dict
    baseline_converged: bool
    scenario_converged: bool


def _state_vector(values, index, lo, hi, what):
    """Check a partial state dict and return (positions, values)."""
    pos, vals = [], []
    for node, value in (values or {}).items():
        if node not in index:
            raise nx.NodeNotFound(f"{what} names {node!r}, which is not in the graph")
        value = float(value)
        if not lo <= value <= hi:
            raise ValueError(f"{what} value {value} for {node!r} is outside the transfer range [{lo}, {hi}]")
        pos.append(index[node])
        vals.append(value)
    return np.array(pos, dtype=int), np.array(vals, dtype=float)


@nx.utils.not_implemented_for("undirected")
@nx.utils.not_implemented_for("multigraph")
def simulate(
    G,
    initial: Mapping[Hashable, float] | None = None,
    clamped: Mapping[Hashable, float] | None = None,
    transfer: str = "sigmoid",
    lam: float = 1.0,
    inference: str = "kosko",
    threshold: float = 0.001,
    max_steps: int = 100,
    weight: str | None = "weight",
) -> FcmResult:
    """Run a fuzzy cognitive map from an initial state until it settles.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring); signed weights.
    initial : dict, optional
        Node -> initial activation; nodes left out start at 0.
    clamped : dict, optional
        Node -> value held at every step (and in the initial state).
    transfer : {"sigmoid", "tanh", "bivalent", "trivalent"}, default "sigmoid"
        Transfer function f.
    lam : float, default 1.0
        Steepness of sigmoid and tanh.
    inference : {"kosko", "modified-kosko", "rescaled"}, default "kosko"
        Update rule (see the module docstring).
    threshold : float, default 0.001
        Converged when no activation changes by more than this in one step.
    max_steps : int, default 100
        Give up (``converged=False``) after this many steps.
    weight : str or None, default "weight"
        Edge attribute holding the signed weight; None sets every weight to 1.

    Returns
    -------
    FcmResult

    Raises
    ------
    ValueError
        If ``transfer`` or ``inference`` is unknown, ``threshold`` or
        ``max_steps`` is negative, or an initial/clamped value lies outside the
        transfer function's range.
    networkx.NodeNotFound
        If ``initial`` or ``clamped`` names a node not in G.
    networkx.NetworkXNotImplemented
        If G is undirected or a multigraph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("rain", "grass", 1.0), ("grass", "cows", 0.5)])
    >>> r = simulate(G, initial={"rain": 1.0})
    >>> r.converged, r.steps
    (True, 3)
    >>> {n: round(a, 4) for n, a in r.final.items()}
    {'cows': 0.5904, 'grass': 0.7311, 'rain': 1.0}

    "rain" has no incoming edge, so it keeps its value; "grass" becomes
    sigmoid(1.0 * 1.0) and "cows" sigmoid(0.5 * 0.7311) = 0.5904.

    Notes
    -----
    Concepts with no incoming edge (in-degree 0) keep their initial value, as
    they would otherwise be driven by an empty sum (``f(0)``, 0.5 for the
    sigmoid). Convergence means a fixed point was reached to within
    ``threshold``; ``converged=False`` may mean a limit cycle (common with the
    bivalent and trivalent functions), chaos, or too small ``max_steps``.

    References
    ----------
    .. [1] Kosko, B. "Fuzzy cognitive maps." International Journal of
       Man-Machine Studies 24(1):65-75, 1986.
    .. [2] Papageorgiou, E. I. "A new methodology for decisions in medical
       informatics using fuzzy cognitive maps based on fuzzy rule-extraction
       techniques." Applied Soft Computing 11(1):500-513, 2011 (modified
       Kosko and rescaled rules).
    .. [3] Mkhitaryan, S., Giabbanelli, P., Wozniak, M. K., Nápoles, G.,
       De Vries, N., Crutzen, R. "FCMpy: a python module for constructing and
       analyzing fuzzy cognitive maps." PeerJ Computer Science 8:e1078, 2022.
    """
    if transfer not in _TRANSFER:
        raise ValueError(f"transfer must be one of {sorted(_TRANSFER)}, not {transfer!r}")
    if inference not in INFERENCE_RULES:
        raise ValueError(f"inference must be one of {list(INFERENCE_RULES)}, not {inference!r}")
    if not threshold >= 0:
        raise ValueError(f"threshold must be >= 0, not {threshold!r}")
    if max_steps < 0:
        raise ValueError(f"max_steps must be >= 0, not {max_steps!r}")
    f = _TRANSFER[transfer]
    lo, hi = TRANSFER_RANGES[transfer]

    nodes = sorted(G)
    index = {n: i for i, n in enumerate(nodes)}
    # each step is x[j] = sum_i W[i, j] A[i]: linear in the number of edges
    W = EdgeMatrix.of(G, nodes, lambda d: 1.0 if weight is None else float(d.get(weight, 1)))
    pull = W.rmatvec

    A = np.zeros(len(nodes))
    pos, vals = _state_vector(initial, index, lo, hi, "initial")
    A[pos] = vals
    cpos, cvals = _state_vector(clamped, index, lo, hi, "clamped")
    A[cpos] = cvals
    unchanging = np.array([G.in_degree(n) == 0 for n in nodes], dtype=bool)

    def state(vector):
        return dict(zip(nodes, vector.tolist()))

    trajectory = [state(A)]
    converged = len(nodes) == 0
    steps = 0
    while not converged and steps < max_steps:
        if inference == "kosko":
            x = pull(A)
        elif inference == "modified-kosko":
            x = A + pull(A)
        else:  # rescaled
            r = 2.0 * A - 1.0
            x = r + pull(r)
        new = np.asarray(f(x, lam), dtype=float)
        new[unchanging] = A[unchanging]
        new[cpos] = cvals
        delta = float(np.max(np.abs(new - A)))
        A = new
        steps += 1
        trajectory.append(state(A))
        converged = delta <= threshold
    return FcmResult(trajectory=trajectory, converged=converged, steps=steps, final=trajectory[-1])


def scenario(
    G,
    clamp: Mapping[Hashable, float],
    initial: Mapping[Hashable, float] | None = None,
    **options,
) -> ScenarioResult:
    """What-if analysis: clamp some concepts and compare with the baseline.

    Parameters
    ----------
    G : networkx.DiGraph
        Influence graph (see the module docstring); signed weights.
    clamp : dict
        Node -> value held at every step of the scenario.
    initial : dict, optional
        Initial state of the baseline run (see :func:`simulate`).
    **options
        Passed to :func:`simulate` for both runs: ``transfer``, ``lam``,
        ``inference``, ``threshold``, ``max_steps``, ``weight``.

    Returns
    -------
    ScenarioResult

    Raises
    ------
    TypeError
        If ``options`` contains ``clamped`` (use ``clamp``).
    ValueError, networkx.NodeNotFound
        As for :func:`simulate`.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("price", "demand", -1.0), ("demand", "revenue", 1.0)])
    >>> r = scenario(G, clamp={"price": 1.0}, initial={"price": 0.0}, transfer="tanh")
    >>> {n: round(c, 4) for n, c in r.change.items()}
    {'demand': -0.7616, 'price': 1.0, 'revenue': -0.642}

    Notes
    -----
    The baseline runs from ``initial`` without clamping; the scenario starts
    from the baseline's final state (the status quo) with ``clamp`` applied at
    every step, as in FCMpy's interventions and Mental Modeler's scenarios.
    Check both ``converged`` flags before reading the change: a difference
    between two non-converged states is not a steady-state effect.
    """
    if "clamped" in options:
        raise TypeError("scenario() takes the clamped concepts as `clamp`, not `clamped`")
    base = simulate(G, initial=initial, **options)
    scen = simulate(G, initial=base.final, clamped=clamp, **options)
    change = {n: scen.final[n] - base.final[n] for n in base.final}
    return ScenarioResult(
        baseline=base.final,
        scenario=scen.final,
        change=change,
        baseline_converged=base.converged,
        scenario_converged=scen.converged,
    )
