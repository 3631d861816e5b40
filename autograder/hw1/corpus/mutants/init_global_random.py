"""Mutant: draws from the global np.random instead of the rng argument."""
import numpy as np

LOSES = ["Q1"]
MAY_ALSO_LOSE = []


def init_params(layer_sizes, rng):
    weights = [np.random.normal(0, np.sqrt(1 / max(a, b)), size=(a, b))
               for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
    return weights, [np.zeros(b) for b in layer_sizes[1:]]
