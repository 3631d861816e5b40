"""Correct: column vectors inside (x as (d, 1), W.T @ a), gradients built transposed and turned
back, weights drawn uniform with the same variance, and a manual in-place update loop."""
import numpy as np


def init_params(layer_sizes, rng):
    weights, biases = [], []
    for n_in, n_out in zip(layer_sizes, layer_sizes[1:]):
        limit = np.sqrt(3.0 / max(n_in, n_out))  # uniform(-l, l) has variance l**2 / 3
        weights.append(rng.uniform(-limit, limit, size=(n_in, n_out)))
        biases.append(np.zeros(n_out))
    return weights, biases


def backprop_sample(x, y, weights, biases):
    a = [x.reshape(-1, 1)]
    for W, b in zip(weights[:-1], biases[:-1]):
        a.append(sigmoid(W.T @ a[-1] + b.reshape(-1, 1)))
    p = softmax((weights[-1].T @ a[-1]).ravel() + biases[-1]).reshape(-1, 1)
    t = one_hot(y, p.shape[0]).reshape(-1, 1)
    loss = cross_entropy(t.ravel(), p.ravel())
    d = p - t
    weight_grads = [None] * len(weights)
    bias_grads = [None] * len(biases)
    for k in reversed(range(len(weights))):
        weight_grads[k] = (d @ a[k].T).T
        bias_grads[k] = d.ravel()
        if k:
            d = (weights[k] @ d) * a[k] * (1 - a[k])
    return loss, weight_grads, bias_grads


def train_one_sample(x, y, weights, biases, learning_rate=0.003):
    loss, weight_grads, bias_grads = backprop_sample(x, y, weights, biases)
    for k in range(len(weights)):
        weights[k][...] = weights[k] - learning_rate * weight_grads[k]
        biases[k][:] = biases[k] - learning_rate * bias_grads[k]
    return loss
