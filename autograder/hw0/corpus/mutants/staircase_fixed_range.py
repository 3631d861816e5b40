"""Mutant: the staircase always spans [-3, 3], the notebook's visible B, whatever B it is given
(too coarse on a shorter interval, flat beyond 3 on a longer one)."""
import numpy as np

LOSES = ["Q5"]
MAY_ALSO_LOSE = []
SAYS = ["on [-0.5, 0.5], your staircase is off by up to"]


def staircase_network(f, B, n):
    edges = np.linspace(-3.0, 3.0, n + 1)
    mids = (edges[:-1] + edges[1:]) / 2
    values = f(mids)
    w1 = np.ones(n)
    b1 = -np.concatenate([[-3.0 - 1.0], edges[1:-1]])
    w2 = np.concatenate([[values[0]], np.diff(values)])
    return w1, b1, w2, 0.0
