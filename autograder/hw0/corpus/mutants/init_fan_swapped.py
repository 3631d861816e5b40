"""Mutant: fan-in and fan-out swapped in the forward and backward rules."""

LOSES = ["Q6"]
MAY_ALSO_LOSE = []


def fan_in_variance(n_in, n_out):
    return 1.0 / n_out


def fan_out_variance(n_in, n_out):
    return 1.0 / n_in
