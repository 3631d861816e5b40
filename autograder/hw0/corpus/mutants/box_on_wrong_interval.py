"""Mutant: the box sits on (-delta/2, delta/2) instead of (0, delta)."""
import numpy as np

LOSES = ["Q5"]
MAY_ALSO_LOSE = []


def box_network(h, delta):
    return np.array([1.0, 1.0]), np.array([delta / 2, -delta / 2]), np.array([h, -h]), 0.0
