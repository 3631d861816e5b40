"""Mutant: biases start at 0.01 instead of zero."""
import numpy as np

LOSES = ["Q1"]
MAY_ALSO_LOSE = []


def init_params(layer_sizes, rng):
    weights = [rng.normal(0, np.sqrt(1 / max(a, b)), size=(a, b))
               for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
    return weights, [np.full(b, 0.01) for b in layer_sizes[1:]]
