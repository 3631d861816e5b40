"""Mutant: the hand backward pass lets the gradient through the unit that is off (z < 0)."""

LOSES = ["Q4"]
MAY_ALSO_LOSE = []

BACKWARD = {"dy_hat": -2, "dW2": [-14, -6, 0, -12], "db2": -2, "dh": [6, -6, 2, -2],
            "dz": [6, -6, 2, -2], "dW1": [12, -12, 4, -4], "db1": [6, -6, 2, -2]}
