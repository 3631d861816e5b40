"""Correct: einsum for the subgradient, a staircase whose units switch off (decreasing steps)."""
import numpy as np


def l1_subgradient(X, w, y):
    return np.einsum("ij,i->j", X, np.sign(np.einsum("ij,j->i", X, w) - y))


def box_network(h, delta):
    # Scaled weights: step(3x) and step(3x - 3 delta) switch at the same points.
    return np.array([3.0, 3.0]), np.array([0.0, -3.0 * delta]), np.array([h, -h]), 0.0


def staircase_network(f, B, n):
    # Units step(c_j - x) that are on left of c_j; the output bias is f near B, and walking
    # left each unit adds the change of f between neighbouring midpoints.
    edges = np.linspace(-B, B, n + 1)
    mids = (edges[:-1] + edges[1:]) / 2
    values = f(mids)
    jumps = values[:-1] - values[1:]
    w1 = -np.ones(n)
    b1 = np.concatenate([edges[1:-1], [-B - 1.0]])  # the last unit is never on in [-B, B]
    w2 = np.concatenate([jumps, [0.0]])
    return w1, b1, w2, float(values[-1])
