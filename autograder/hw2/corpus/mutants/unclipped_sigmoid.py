"""Mutant: a stable sigmoid (exp only of -|s|) that is never clipped, so its output reaches
exactly 0 and 1 for large |s|."""
import numpy as np

LOSES = ["b.i"]
MAY_ALSO_LOSE = []
SAYS = ["gives 0.0 at s = -10000", "1.0 at s = 10000"]


def sigmoid_activation(s):
    e = np.exp(-np.abs(s))
    out = np.where(s >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out, out * (1.0 - out)
