"""Mutant: a constant step size instead of learning_rate / sqrt(t + 1)."""
import numpy as np

LOSES = ["Q2"]
MAY_ALSO_LOSE = []


def l1_descent(X, y, w0, learning_rate, steps):
    w = np.array(w0, dtype=np.float64)
    best_w, losses = w.copy(), [l1_loss(X, w, y)]
    for _ in range(steps):
        w = w - learning_rate * l1_subgradient(X, w, y)
        losses.append(l1_loss(X, w, y))
        if losses[-1] < min(losses[:-1]):
            best_w = w.copy()
    return best_w, losses
