"""Mutant: a sigmoid applied to the last layer too, before the softmax."""
import numpy as np

LOSES = ["Q2"]
MAY_ALSO_LOSE = []


def forward_sample(x, y, weights, biases):
    a = x
    for W, b in zip(weights, biases):
        a = sigmoid(a @ W + b)
    probs = softmax(a)
    return cross_entropy(one_hot(y, probs.size), probs), one_hot(np.argmax(probs), probs.size)
