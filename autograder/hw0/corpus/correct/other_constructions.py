"""Correct: other networks for A and B, a box from falling steps, a left-endpoint staircase."""
import numpy as np

# A: 2 relu(4 - x) carries the first slope, so no output bias is needed.
NET_A = (np.array([[-1.0, 1.0, 1.0, 1.0]]), np.array([4.0, -4.0, -6.0, -8.0]),
         np.array([[2.0], [2.0], [-4.0], [4.0]]), np.array([0.0]))
# B: the same kinks with rescaled units.
NET_B = (np.array([[0.5, 2.0, 1.0]]), np.array([0.0, -6.0, -5.0]),
         np.array([[2.0], [-1.0], [1.5]]), np.array([0.0]))


def box_network(h, delta):
    # step(delta - x) - step(-x): on below delta, minus on below 0.
    return np.array([-1.0, -1.0]), np.array([delta, 0.0]), np.array([h, -h]), 0.0


def staircase_network(f, B, n):
    # Value f at each cell's left edge; the output bias holds f(-B) and n steps add the jumps
    # (the last unit never switches on inside [-B, B]).
    edges = np.linspace(-B, B, n + 1)
    values = f(edges)
    w1 = np.ones(n)
    b1 = -edges[1:]
    w2 = np.diff(values)
    w2[-1] = 0.0
    return w1, b1, w2, float(values[0])
