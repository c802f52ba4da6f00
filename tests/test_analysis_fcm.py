"""Fuzzy cognitive maps: transfer functions, inference rules, clamping, scenarios,
a published worked example, and a property test on output ranges."""

from __future__ import annotations

import doctest
import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.analysis import fcm
from kg.analysis.fcm import TRANSFER_RANGES, scenario, simulate


def digraph(edges):
    G = nx.DiGraph()
    G.add_weighted_edges_from(edges)
    return G


def sig(x):
    return 1 / (1 + math.exp(-x))


def test_docstring_examples_run():
    failures, _ = doctest.testmod(fcm)
    assert failures == 0
    assert "Graph convention" in fcm.__doc__


def test_transfer_functions():
    assert fcm.sigmoid(0.0) == 0.5
    assert fcm.sigmoid(1.0, lam=2.0) == pytest.approx(sig(2.0))
    assert fcm.sigmoid(-800.0) == 0.0 and fcm.sigmoid(800.0) == 1.0  # no overflow
    assert fcm.tanh(0.5, lam=2.0) == pytest.approx(math.tanh(1.0))
    assert [fcm.bivalent(x) for x in (-1.0, 0.0, 0.1)] == [0.0, 0.0, 1.0]
    assert [fcm.trivalent(x) for x in (-0.1, 0.0, 0.1)] == [-1.0, 0.0, 1.0]


# a -> b 0.5, b -> a -1; A(0) = (a 1, b 0). Every concept has an incoming edge.
TWO = [("a", "b", 0.5), ("b", "a", -1.0)]


@pytest.mark.parametrize(
    "inference, expected",
    [
        # a: f(-1 * 0), b: f(0.5 * 1)
        ("kosko", {"a": sig(0.0), "b": sig(0.5)}),
        # a: f(1 + -1 * 0), b: f(0 + 0.5 * 1)
        ("modified-kosko", {"a": sig(1.0), "b": sig(0.5)}),
        # 2A - 1 = (1, -1); a: f(1 + -1 * -1), b: f(-1 + 0.5 * 1)
        ("rescaled", {"a": sig(2.0), "b": sig(-0.5)}),
    ],
)
def test_one_step_by_hand(inference, expected):
    r = simulate(digraph(TWO), initial={"a": 1.0}, inference=inference, max_steps=1)
    assert r.steps == 1 and not r.converged
    assert r.trajectory[0] == {"a": 1.0, "b": 0.0}
    assert r.trajectory[1] == pytest.approx(expected, abs=1e-15)
    assert r.final == r.trajectory[-1]


def test_one_step_with_tanh_and_lambda():
    r = simulate(digraph(TWO), initial={"a": 1.0}, transfer="tanh", lam=2.0, max_steps=1)
    assert r.final == pytest.approx({"a": 0.0, "b": math.tanh(2.0 * 0.5)})


def test_concepts_without_incoming_edges_keep_their_value():
    G = digraph([("src", "x", 1.0), ("x", "y", -1.0)])
    r = simulate(G, initial={"src": 0.3})
    assert r.converged
    assert all(state["src"] == 0.3 for state in r.trajectory)
    assert r.final["x"] == pytest.approx(sig(0.3))


def test_clamped_concepts_keep_their_value():
    G = digraph([("a", "b", 1.0), ("b", "a", -1.0), ("b", "c", 0.5)])
    r = simulate(G, initial={"a": 0.1}, clamped={"a": 0.9}, inference="modified-kosko")
    assert all(state["a"] == 0.9 for state in r.trajectory)
    assert r.converged


def test_a_limit_cycle_does_not_converge():
    # trivalent a -> b (+), b -> a (-): (1,0) (0,1) (-1,0) (0,-1) (1,0) ...
    G = digraph([("a", "b", 1.0), ("b", "a", -1.0)])
    r = simulate(G, initial={"a": 1.0}, transfer="trivalent", max_steps=9)
    assert not r.converged and r.steps == 9 and len(r.trajectory) == 10
    assert [(s["a"], s["b"]) for s in r.trajectory[:5]] == [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 0)]


def test_threshold_decides_convergence():
    G = digraph([("a", "b", 1.0), ("b", "a", 0.5)])
    loose = simulate(G, threshold=0.1)
    tight = simulate(G, threshold=1e-9)
    assert loose.converged and tight.converged and loose.steps < tight.steps
    assert simulate(G, max_steps=0).trajectory == [{"a": 0.0, "b": 0.0}]


def test_simulate_validates_its_arguments():
    G = digraph(TWO)
    with pytest.raises(nx.NodeNotFound):
        simulate(G, initial={"zz": 1.0})
    with pytest.raises(nx.NodeNotFound):
        simulate(G, clamped={"zz": 1.0})
    with pytest.raises(ValueError, match="outside the transfer range"):
        simulate(G, initial={"a": -0.5})  # sigmoid lives in [0, 1]
    simulate(G, initial={"a": -0.5}, transfer="tanh")  # fine in [-1, 1]
    with pytest.raises(ValueError, match="transfer"):
        simulate(G, transfer="relu")
    with pytest.raises(ValueError, match="inference"):
        simulate(G, inference="kosko-clamped")
    with pytest.raises(ValueError, match="threshold"):
        simulate(G, threshold=-1)
    with pytest.raises(nx.NetworkXNotImplemented):
        simulate(nx.Graph([("a", "b")]))


def test_empty_graph():
    r = simulate(nx.DiGraph())
    assert r.converged and r.steps == 0 and r.final == {}


# Published worked example.
# Source: FCMpy documentation, "Methods for simulating FCM's", simulate() example
# (Mkhitaryan, Giabbanelli, Wozniak, Nápoles, De Vries, Crutzen; FCMpy:
# a python module for constructing and analyzing fuzzy cognitive maps,
# PeerJ Computer Science 8:e1078, 2022, https://doi.org/10.7717/peerj-cs.1078;
# docs: https://github.com/SamvelMK/FCMpy/blob/master/fcmpy/simulator/simulator.md
# and https://maxiuw.github.io/fcmpyhtml/tutorial/simulate.html). The example
# replicates the one of the R package fcm by Dikopoulou & Papageorgiou.
# Setup: 8 concepts, weight matrix below (row = source, column = target; note the
# self-loop C7 -> C7 = 0.4), initial state C1 = C2 = 1, others 0, sigmoid with
# lambda = 1, modified Kosko inference, threshold 0.001. Published output: "The
# values converged in the 7 state (e <= 0.001)" with the table of states 0..6
# below, printed to 6 decimals.
FCMPY_WEIGHTS = {
    "C1": [0.0, 0.0, 0.6, 0.9, 0.0, 0.0, 0.0, 0.8],
    "C2": [0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2, 0.5],
    "C3": [0.0, 0.7, 0.0, 0.0, 0.9, 0.0, 0.4, 0.1],
    "C4": [0.4, 0.0, 0.0, 0.0, 0.0, 0.9, 0.0, 0.0],
    "C5": [0.0, 0.0, 0.0, 0.0, 0.0, -0.9, 0.0, 0.3],
    "C6": [-0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    "C7": [0.0, 0.0, 0.0, 0.0, 0.0, 0.8, 0.4, 0.9],
    "C8": [0.1, 0.0, 0.0, 0.0, 0.0, 0.1, 0.6, 0.0],
}
FCMPY_STATES = [
    [1.000000, 1.000000, 0.000000, 0.000000, 0.000000, 0.000000, 0.000000, 0.000000],
    [0.750260, 0.731059, 0.645656, 0.710950, 0.500000, 0.500000, 0.549834, 0.785835],
    [0.738141, 0.765490, 0.749475, 0.799982, 0.746700, 0.769999, 0.838315, 0.921361],
    [0.730236, 0.784168, 0.767163, 0.812191, 0.805531, 0.829309, 0.898379, 0.950172],
    [0.727059, 0.789378, 0.769467, 0.812967, 0.816974, 0.838759, 0.908173, 0.954927],
    [0.726125, 0.790510, 0.769538, 0.812650, 0.818986, 0.839860, 0.909707, 0.955666],
    [0.725885, 0.790706, 0.769451, 0.812473, 0.819294, 0.839901, 0.909940, 0.955774],
]


def test_reproduces_the_fcmpy_published_example():
    names = list(FCMPY_WEIGHTS)
    G = nx.DiGraph()
    G.add_nodes_from(names)
    for source, row in FCMPY_WEIGHTS.items():
        for target, w in zip(names, row):
            if w:
                G.add_edge(source, target, weight=w)
    r = simulate(
        G,
        initial={"C1": 1, "C2": 1},
        transfer="sigmoid",
        lam=1.0,
        inference="modified-kosko",
        threshold=0.001,
        max_steps=50,
    )
    assert r.converged
    assert len(r.trajectory) == len(FCMPY_STATES)  # "converged in the 7 state": states 0..6
    assert r.steps == 6
    for state, published in zip(r.trajectory, FCMPY_STATES):
        for name, value in zip(names, published):
            assert state[name] == pytest.approx(value, abs=5e-7)  # published to 6 decimals


def test_scenario_reports_change_from_the_baseline():
    G = digraph([("price", "demand", -1.0), ("demand", "revenue", 1.0), ("revenue", "price", 0.5)])
    r = scenario(G, clamp={"demand": 1.0}, transfer="tanh", inference="modified-kosko")
    base = simulate(G, transfer="tanh", inference="modified-kosko")
    assert r.baseline == base.final and r.baseline_converged == base.converged
    assert r.scenario["demand"] == 1.0
    assert r.change == pytest.approx({n: r.scenario[n] - r.baseline[n] for n in r.baseline})
    assert r.scenario_converged
    assert r.change["revenue"] > 0 and r.change["price"] > 0
    with pytest.raises(TypeError, match="clamp"):
        scenario(G, clamp={"demand": 1.0}, clamped={"price": 0.0})


def test_scenario_hand_computed():
    # demand = tanh(-price), revenue = tanh(demand); price has no driver
    G = digraph([("price", "demand", -1.0), ("demand", "revenue", 1.0)])
    r = scenario(G, clamp={"price": 1.0}, initial={"price": 0.0}, transfer="tanh")
    assert r.baseline == {"demand": 0.0, "price": 0.0, "revenue": 0.0}
    assert r.scenario == pytest.approx(
        {"demand": math.tanh(-1.0), "price": 1.0, "revenue": math.tanh(math.tanh(-1.0))}
    )
    assert r.change == pytest.approx(r.scenario)


# --- property test: activations never leave the transfer function's range ------

names = st.sampled_from(["a", "b", "c", "d", "e"])
weights = st.floats(-1.0, 1.0, allow_nan=False)


@st.composite
def fcm_cases(draw):
    edges = draw(st.lists(st.tuples(names, names, weights), max_size=12))
    G = nx.DiGraph()
    G.add_nodes_from(draw(st.sets(names, min_size=1)))
    G.add_weighted_edges_from(edges)
    transfer = draw(st.sampled_from(sorted(TRANSFER_RANGES)))
    lo, hi = TRANSFER_RANGES[transfer]
    values = st.floats(lo, hi, allow_nan=False)
    initial = draw(st.dictionaries(st.sampled_from(sorted(G)), values))
    clamped = draw(st.dictionaries(st.sampled_from(sorted(G)), values, max_size=2))
    options = {
        "transfer": transfer,
        "inference": draw(st.sampled_from(fcm.INFERENCE_RULES)),
        "lam": draw(st.floats(0.1, 5.0)),
        "max_steps": 30,
    }
    return G, initial, clamped, options


@settings(max_examples=300, deadline=None)
@given(fcm_cases())
def test_activations_stay_in_the_transfer_range(case):
    G, initial, clamped, options = case
    lo, hi = TRANSFER_RANGES[options["transfer"]]
    r = simulate(G, initial=initial, clamped=clamped, **options)
    assert len(r.trajectory) == r.steps + 1
    for state in r.trajectory:
        assert set(state) == set(G)
        assert all(lo <= a <= hi for a in state.values())
    for node, value in clamped.items():
        assert all(state[node] == value for state in r.trajectory)
