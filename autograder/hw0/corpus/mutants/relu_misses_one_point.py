"""Mutant: a fourth unit bends Dataset B's fit after x = 9.5, so it misses the last point."""
import numpy as np

LOSES = ["Q3"]
MAY_ALSO_LOSE = []

NET_B = (np.array([[1.0, 1.0, 1.0, 1.0]]), np.array([0.0, -3.0, -5.0, -9.5]),
         np.array([[1.0], [-2.0], [1.5], [0.5]]), np.array([0.0]))
