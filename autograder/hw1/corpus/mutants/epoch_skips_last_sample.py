"""Mutant: train_epoch stops one sample early."""
import numpy as np

LOSES = ["Q4"]
MAY_ALSO_LOSE = []


def train_epoch(X, Y, weights, biases, learning_rate=0.003):
    losses = [train_one_sample(X[i], Y[i], weights, biases, learning_rate)
              for i in range(len(X) - 1)]
    return float(np.mean(losses))
