"""Mutant: the box's second step sits at 1.001 delta, so it is still h just past delta."""
import numpy as np

LOSES = ["Q5"]
MAY_ALSO_LOSE = []
SAYS = ["should be 0 outside [0, delta]"]


def box_network(h, delta):
    return np.array([1.0, 1.0]), np.array([0.0, -1.001 * delta]), np.array([h, -h]), 0.0
