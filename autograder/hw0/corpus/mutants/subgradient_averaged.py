"""Mutant: the subgradient of the mean absolute error instead of the sum."""
import numpy as np

LOSES = ["Q1"]
MAY_ALSO_LOSE = ["Q2"]


def l1_subgradient(X, w, y):
    return X.T @ np.sign(X @ w - y) / len(y)
