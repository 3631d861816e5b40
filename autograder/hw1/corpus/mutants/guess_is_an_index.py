"""Mutant: forward_sample returns the index of the best class instead of a one-hot vector."""
import numpy as np

LOSES = ["Q2"]
MAY_ALSO_LOSE = []


def forward_sample(x, y, weights, biases):
    a = x
    for W, b in zip(weights[:-1], biases[:-1]):
        a = sigmoid(a @ W + b)
    probs = softmax(a @ weights[-1] + biases[-1])
    return cross_entropy(one_hot(y, probs.size), probs), int(np.argmax(probs))
