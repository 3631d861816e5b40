"""Mutant: a correct hand pass, copied from the student with ID 'classmate', handed in under
this notebook's own STUDENT_ID."""

LOSES = ["Q4"]
MAY_ALSO_LOSE = []

FORWARD = {"z": [2, -5, -1, 5], "h": [2, 0, 0, 5], "y_hat": -7, "loss": 4.5}
BACKWARD = {"dy_hat": -3, "dW2": [-6, 0, 0, -15], "db2": -3, "dh": [3, 6, 3, 3],
            "dz": [3, 0, 0, 3], "dW1": [6, 0, 0, 6], "db1": [3, 0, 0, 3]}
