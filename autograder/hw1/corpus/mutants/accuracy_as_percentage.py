"""Mutant: evaluate reports accuracy as a percentage (0-100) instead of a fraction."""
import numpy as np

LOSES = ["Q2"]
MAY_ALSO_LOSE = []


def evaluate(X, Y, weights, biases):
    results = [forward_sample(x, y, weights, biases) for x, y in zip(X, Y)]
    hits = sum(int(np.argmax(guess) == y) for (_, guess), y in zip(results, Y))
    return float(np.mean([loss for loss, _ in results])), 100.0 * hits / len(X)
