"""Mutant: l1_descent tracks the best weights among w_1 ... w_steps only, never w_0, so it
cannot return the start when no step improves on it."""
import numpy as np

LOSES = ["Q2"]
MAY_ALSO_LOSE = []
SAYS = ["w_0 is one of the candidates"]


def l1_descent(X, y, w0, learning_rate, steps):
    w = np.array(w0, dtype=np.float64)
    losses = [l1_loss(X, w, y)]
    best_w, best = w.copy(), float("inf")
    for t in range(steps):
        w = w - learning_rate / np.sqrt(t + 1) * l1_subgradient(X, w, y)
        losses.append(l1_loss(X, w, y))
        if losses[-1] < best:
            best_w, best = w.copy(), losses[-1]
    return best_w, losses
