"""Mutant: the ReLU rule without its factor 2, and Glorot's rule as 1 / (n_in + n_out)."""

LOSES = ["Q6"]
MAY_ALSO_LOSE = []


def relu_variance(n_in, n_out):
    return 1.0 / n_in


def glorot_variance(n_in, n_out):
    return 1.0 / (n_in + n_out)
