"""Mutant: the hand backward pass with dloss/dy_hat taken as y - y_hat: every gradient's sign
is flipped (the forward pass is right)."""

LOSES = ["Q4"]
MAY_ALSO_LOSE = []

BACKWARD = {"dy_hat": 2, "dW2": [14, 6, 0, 12], "db2": 2, "dh": [-6, 6, -2, 2],
            "dz": [-6, 6, 0, 2], "dW1": [-12, 12, 0, 4], "db1": [-6, 6, 0, 2]}
