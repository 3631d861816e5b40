"""Mutant: the sigmoid derivative is left out when the error flows from the output layer into
the second hidden layer (layer 1), so the gradients of layers 1 and 0 are both off."""
import numpy as np

LOSES = ["Q3"]
MAY_ALSO_LOSE = ["Q4"]
SAYS = ["look first at layer 1, the deepest that fails"]


def backprop_sample(x, y, weights, biases):
    activations = [x]
    for W, b in zip(weights[:-1], biases[:-1]):
        activations.append(sigmoid(activations[-1] @ W + b))
    probs = softmax(activations[-1] @ weights[-1] + biases[-1])
    loss = cross_entropy(one_hot(y, probs.size), probs)
    delta = probs - one_hot(y, probs.size)
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    last = len(weights) - 1
    for layer in reversed(range(len(weights))):
        a_in = activations[layer]
        weight_grads[layer] = np.outer(a_in, delta)
        bias_grads[layer] = delta
        if layer == last:
            delta = weights[layer] @ delta
        elif layer > 0:
            delta = (weights[layer] @ delta) * a_in * (1.0 - a_in)
    return loss, weight_grads, bias_grads
