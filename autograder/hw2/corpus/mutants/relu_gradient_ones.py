"""Mutant: the ReLU's gradient is 1 everywhere, as if it were the identity."""
import numpy as np

LOSES = ["b.iii", "e"]
MAY_ALSO_LOSE = ["f"]


def relu_activation(s):
    return np.maximum(s, 0.0), np.ones_like(s)
