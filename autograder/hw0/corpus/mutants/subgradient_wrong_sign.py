"""Mutant: the residual taken as y - X @ w, so the subgradient points the wrong way (and the
descent built on it climbs)."""
import numpy as np

LOSES = ["Q1"]
MAY_ALSO_LOSE = ["Q2"]
SAYS = ["l1_descent calls your l1_subgradient, which fails Q1: fix Q1 first."]


def l1_subgradient(X, w, y):
    return X.T @ np.sign(y - X @ w)
