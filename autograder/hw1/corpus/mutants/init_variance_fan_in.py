"""Mutant: variance 1/n_in for every layer instead of 1/max(n_in, n_out)."""
import numpy as np

LOSES = ["Q1"]
MAY_ALSO_LOSE = []


def init_params(layer_sizes, rng):
    weights = [rng.normal(0, np.sqrt(1 / a), size=(a, b))
               for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
    return weights, [np.zeros(b) for b in layer_sizes[1:]]
