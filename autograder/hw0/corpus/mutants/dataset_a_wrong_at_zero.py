"""Mutant: Dataset A's first slope starts at x = 1 (relu(x - 1), output bias 6): right from
x = 1 on, wrong at x = 0."""
import numpy as np

LOSES = ["Q3"]
MAY_ALSO_LOSE = []

NET_A = (np.array([[1.0, 1.0, 1.0, 1.0]]), np.array([-1.0, -4.0, -6.0, -8.0]),
         np.array([[-2.0], [4.0], [-4.0], [4.0]]), np.array([6.0]))
