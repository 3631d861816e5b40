"""Correct: explicit per-layer caches of pre-activations, broadcasting instead of np.outer,
and an evaluate that loops over samples."""
import numpy as np


def forward_sample(x, y, weights, biases):
    a = x
    for layer, (W, b) in enumerate(zip(weights, biases)):
        z = a @ W + b
        a = softmax(z) if layer == len(weights) - 1 else sigmoid(z)
    guess = np.zeros_like(a)
    guess[np.argmax(a)] = 1.0
    return cross_entropy(one_hot(y, a.size), a), guess


def evaluate(X, Y, weights, biases):
    total, hits = 0.0, 0
    for i in range(len(X)):
        loss, guess = forward_sample(X[i], Y[i], weights, biases)
        total += loss
        hits += guess[Y[i]] == 1.0
    return total / len(X), hits / len(X)


def backprop_sample(x, y, weights, biases):
    zs, activations = [], [x]
    for layer, (W, b) in enumerate(zip(weights, biases)):
        zs.append(activations[-1] @ W + b)
        last = layer == len(weights) - 1
        activations.append(softmax(zs[-1]) if last else sigmoid(zs[-1]))
    probs = activations[-1]
    loss = cross_entropy(one_hot(y, probs.size), probs)
    grad_z = probs - one_hot(y, probs.size)
    weight_grads, bias_grads = [], []
    for layer in range(len(weights) - 1, -1, -1):
        weight_grads.insert(0, activations[layer][:, None] * grad_z[None, :])
        bias_grads.insert(0, grad_z.copy())
        if layer > 0:
            grad_z = (grad_z @ weights[layer].T) * sigmoid_derivative(zs[layer - 1])
    return loss, weight_grads, bias_grads
