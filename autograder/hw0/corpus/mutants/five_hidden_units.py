"""Mutant: Dataset A fitted exactly, but with a fifth hidden unit (no credit)."""
import numpy as np

LOSES = ["Q3"]
MAY_ALSO_LOSE = []

NET_A = (np.array([[1.0, 1.0, 1.0, 1.0, 1.0]]), np.array([0.0, -4.0, -6.0, -8.0, -20.0]),
         np.array([[-2.0], [4.0], [-4.0], [4.0], [1.0]]), np.array([8.0]))
