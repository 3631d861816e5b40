"""Mutant: train_epoch shuffles the samples (with its own generator) instead of keeping order."""
import numpy as np

LOSES = ["Q4"]
MAY_ALSO_LOSE = []


def train_epoch(X, Y, weights, biases, learning_rate=0.003):
    order = np.random.default_rng(0).permutation(len(X))
    losses = [train_one_sample(X[i], Y[i], weights, biases, learning_rate) for i in order]
    return float(np.mean(losses))
