"""A sparse matrix without scipy: a graph's edges as arrays of (row, column, value).

The iterative methods (PageRank, eigenvector and Katz centrality, MICMAC powers, fuzzy
cognitive map steps) only ever multiply the matrix by a vector, so they need nothing more;
time and memory stay linear in the number of edges however many reports a graph holds.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np

__all__ = ["EdgeMatrix", "run_starts", "ranges"]


class EdgeMatrix:
    """``A[i, j] = value(u -> v)`` for the edges of a graph, rows and columns in ``nodes`` order.

    Entries are kept sorted by (row, column), so sums run in the same order however the
    graph was built.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b", {"w": 2.0}), ("b", "c", {"w": 1.0})])
    >>> A = EdgeMatrix.of(G, sorted(G), lambda d: d["w"])
    >>> A.row_sums().tolist(), A.rmatvec(np.ones(3)).tolist()
    ([2.0, 1.0, 0.0], [0.0, 2.0, 1.0])
    """

    def __init__(self, n: int, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray):
        self.n, self.rows, self.cols, self.vals = n, rows, cols, vals

    @classmethod
    def of(cls, G, nodes: Sequence[Hashable], value: Callable[[dict], float]) -> "EdgeMatrix":
        """The matrix of ``G``'s edges between ``nodes``, each entry ``value(edge data)``."""
        index = {v: i for i, v in enumerate(nodes)}
        rows, cols, vals = [], [], []
        # (a DiGraph's own dicts; any other graph through its edge view)
        edges = (((u, successors.items()) for u, successors in G._adj.items())
                 if G.is_directed() and not G.is_multigraph() else ((u, ((v, d),)) for u, v, d in G.edges(data=True)))
        for u, successors in edges:
            i = index.get(u)
            if i is None:
                continue
            for v, d in successors:
                j = index.get(v)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    vals.append(value(d))
        rows, cols = np.array(rows, dtype=np.intp), np.array(cols, dtype=np.intp)
        vals = np.array(vals, dtype=float)
        # (sorted by row, then column, then value, in numpy: a Python sort of a tuple per edge
        # took most of this at 1,000 reports)
        order = np.lexsort((vals, cols, rows))
        return cls(len(index), rows[order], cols[order], vals[order])

    def transposed(self) -> "EdgeMatrix":
        """``A.T``, its entries sorted as :meth:`of` sorts them."""
        order = np.lexsort((self.vals, self.rows, self.cols))
        return EdgeMatrix(self.n, self.cols[order], self.rows[order], self.vals[order])

    def row_sums(self) -> np.ndarray:
        return np.bincount(self.rows, weights=self.vals, minlength=self.n)

    def col_sums(self) -> np.ndarray:
        return np.bincount(self.cols, weights=self.vals, minlength=self.n)

    def matvec(self, u: np.ndarray) -> np.ndarray:
        """``A @ u``."""
        return np.bincount(self.rows, weights=self.vals * u[self.cols], minlength=self.n)

    def rmatvec(self, v: np.ndarray) -> np.ndarray:
        """``v @ A`` (= ``A.T @ v``): every node passes its score along its out-edges."""
        return np.bincount(self.cols, weights=self.vals * v[self.rows], minlength=self.n)

    def scaled_rows(self, divisors: np.ndarray) -> "EdgeMatrix":
        """Each row divided by ``divisors[row]`` (rows with a zero divisor become 0)."""
        d = divisors[self.rows]
        vals = np.divide(self.vals, d, out=np.zeros_like(self.vals), where=d != 0)
        return EdgeMatrix(self.n, self.rows, self.cols, vals)


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """Where each run of equal rows begins, in arrays sorted by their rows (``keys`` side by
    side, row ``k`` made of each one's ``k``-th value): a mask, true at every row that
    differs from the one before (and at the first).

    >>> run_starts(np.array([1, 1, 1, 2]), np.array([5, 5, 6, 6])).tolist()
    [True, False, True, True]
    """
    starts = np.zeros(len(keys[0]), dtype=bool)
    starts[:1] = True
    for key in keys:
        starts[1:] |= key[1:] != key[:-1]
    return starts


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``starts[k], starts[k] + 1, …`` (``counts[k]`` of them) for every ``k``, end to end:
    ``np.concatenate([np.arange(s, s + c) for s, c in zip(starts, counts)])`` without a
    Python step per range.

    >>> ranges(np.array([10, 3]), np.array([2, 3])).tolist()
    [10, 11, 3, 4, 5]
    """
    return np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
