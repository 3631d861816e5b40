"""Mutant: l1_descent returns the last weights, not the best ones seen."""
import numpy as np

LOSES = ["Q2"]
MAY_ALSO_LOSE = []


def l1_descent(X, y, w0, learning_rate, steps):
    w = np.array(w0, dtype=np.float64)
    losses = [l1_loss(X, w, y)]
    for t in range(steps):
        w = w - learning_rate / np.sqrt(t + 1) * l1_subgradient(X, w, y)
        losses.append(l1_loss(X, w, y))
    return w, losses
