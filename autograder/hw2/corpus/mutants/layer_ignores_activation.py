"""Mutant: layer_forward always applies ReLU, whatever activation_fn it is given."""
import numpy as np

LOSES = ["b.iv", "e"]
MAY_ALSO_LOSE = ["c", "d", "f"]


def layer_forward(x, W, b, activation_fn):
    s = x @ W + b
    return np.maximum(s, 0.0), (x, W, (s > 0).astype(float))
