"""Mutant: the plain formula 1 / (1 + exp(-s)), which overflows for very negative s."""
import numpy as np

LOSES = ["b.i"]
MAY_ALSO_LOSE = []


def sigmoid_activation(s):
    out = np.clip(1.0 / (1.0 + np.exp(-s)), 1e-15, 1 - 1e-15)
    return out, out * (1 - out)
