"""Mutant: the loss never compares shapes, so (n, 1) against (n,) broadcasts to (n, n)."""
import numpy as np

LOSES = ["b.ii"]
MAY_ALSO_LOSE = []


def logistic_loss(g, y):
    loss = -(y * np.log(g) + (1 - y) * np.log(1 - g))
    return loss, -y / g + (1 - y) / (1 - g)
