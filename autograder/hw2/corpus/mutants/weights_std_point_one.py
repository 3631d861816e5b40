"""Mutant: weights drawn with standard deviation 0.1 instead of 0.01."""

LOSES = ["c", "e"]
MAY_ALSO_LOSE = ["f"]


def create_weight_matrices(layer_dims, rng):
    return [rng.normal(0.0, 0.1, size=(n_in, n_out))
            for n_in, n_out in zip(layer_dims[:-1], layer_dims[1:])]
