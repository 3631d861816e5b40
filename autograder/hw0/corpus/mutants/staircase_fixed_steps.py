"""Mutant: the staircase always uses 10 steps, whatever n is (the other units are idle), so its
error does not shrink as units are added."""
import numpy as np

LOSES = ["Q5"]
MAY_ALSO_LOSE = []


def staircase_network(f, B, n):
    edges = np.linspace(-B, B, 11)
    mids = (edges[:-1] + edges[1:]) / 2
    values = f(mids)
    w1, b1, w2 = np.ones(n), np.full(n, -2.0 * B - 1.0), np.zeros(n)
    b1[:10] = -np.concatenate([[-B - 1.0], edges[1:-1]])
    w2[:10] = np.concatenate([[values[0]], np.diff(values)])
    return w1, b1, w2, 0.0
