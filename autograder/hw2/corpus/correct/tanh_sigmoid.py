"""Correct: the sigmoid written as 0.5 * (1 + tanh(s / 2)), which never overflows, and a loss
that compares shapes with an explicit message."""
import numpy as np


def sigmoid_activation(s):
    out = np.clip(0.5 * (1.0 + np.tanh(0.5 * np.asarray(s, dtype=float))), 1e-15, 1 - 1e-15)
    return out, out - out ** 2


def logistic_loss(g, y):
    if np.shape(g) != np.shape(y):
        raise ValueError("shapes differ")
    return -np.log(np.where(y == 1, g, 1 - g)), np.where(y == 1, -1 / g, 1 / (1 - g))
