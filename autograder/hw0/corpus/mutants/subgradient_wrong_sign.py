"""Mutant: the residual taken as y - X @ w, so the subgradient points the wrong way (and the
descent built on it climbs)."""
import numpy as np

LOSES = ["Q1"]
MAY_ALSO_LOSE = ["Q2"]


def l1_subgradient(X, w, y):
    return X.T @ np.sign(y - X @ w)
