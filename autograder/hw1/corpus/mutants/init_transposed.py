"""Mutant: weight matrices drawn with shape (n_out, n_in) instead of (n_in, n_out)."""
import numpy as np

LOSES = ["Q1"]
MAY_ALSO_LOSE = []


def init_params(layer_sizes, rng):
    weights = [rng.normal(0, np.sqrt(1 / max(a, b)), size=(b, a))
               for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
    return weights, [np.zeros(b) for b in layer_sizes[1:]]
