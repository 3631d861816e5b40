"""Mutant: dL_dg has the wrong sign, so training climbs the loss."""
import numpy as np

LOSES = ["b.ii", "e"]
MAY_ALSO_LOSE = ["f"]


def logistic_loss(g, y):
    if g.shape != y.shape:
        raise ValueError("shapes differ")
    loss = -(y * np.log(g) + (1 - y) * np.log(1 - g))
    return loss, y / g - (1 - y) / (1 - g)
