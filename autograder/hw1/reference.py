"""HW1 reference solution: per-sample backpropagation for a sigmoid MLP with a softmax output.

Conventions of the course: a sample ``x`` is a row of shape (d_in,); a layer computes
``x @ W + b`` with ``W`` of shape (n_in, n_out) and ``b`` of shape (n_out,); labels are integers.
"""

from __future__ import annotations

import math

import numpy as np


def sigmoid(z):
    """The logistic function of an array ``z`` (any shape), as 0.5 * (1 + tanh(z / 2)): stable
    for any z, and cheaper than the two-branch form for the small arrays of one sample."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def softmax(z):
    """Probabilities of shape (k,) from scores ``z`` of shape (k,)."""
    e = np.exp(z - np.max(z))
    return e / e.sum()


def cross_entropy(y_one_hot, probs):
    """-sum(y * log p) for one sample; probabilities are clipped away from 0."""
    return float(-np.sum(y_one_hot * np.log(np.clip(probs, 1e-300, 1.0))))


def one_hot(label, num_classes=10):
    """A float64 vector of shape (num_classes,) with a 1 at ``label``."""
    vector = np.zeros(num_classes)
    vector[int(label)] = 1.0
    return vector


def init_params(layer_sizes, rng):
    """Normal weights with variance 1/max(n_in, n_out), zero biases.

    Returns (weights, biases): weights[i] of shape (n_in, n_out), biases[i] of shape (n_out,).
    """
    weights, biases = [], []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        weights.append(rng.normal(0.0, np.sqrt(1.0 / max(n_in, n_out)), size=(n_in, n_out)))
        biases.append(np.zeros(n_out))
    return weights, biases


def _forward(x, weights, biases):
    """Activations of every layer: [x, a_1, ..., a_L-1, probs]."""
    activations = [x]
    for W, b in zip(weights[:-1], biases[:-1]):
        activations.append(sigmoid(activations[-1] @ W + b))
    activations.append(softmax(activations[-1] @ weights[-1] + biases[-1]))
    return activations


def forward_sample(x, y, weights, biases):
    """Loss of one sample and the one-hot guess, shape (n_classes,)."""
    probs = _forward(x, weights, biases)[-1]
    return cross_entropy(one_hot(y, probs.size), probs), one_hot(np.argmax(probs), probs.size)


def predict_proba(X, weights, biases):
    """Class probabilities of shape (n, n_classes) for a batch ``X`` of shape (n, d_in)."""
    a = X
    for W, b in zip(weights[:-1], biases[:-1]):
        a = sigmoid(a @ W + b)
    scores = a @ weights[-1] + biases[-1]
    scores -= scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def evaluate(X, Y, weights, biases):
    """(mean cross-entropy, accuracy as a fraction) over rows ``X`` (n, d_in), labels ``Y`` (n,)."""
    probs = predict_proba(X, weights, biases)
    Y = np.asarray(Y, dtype=np.int64)
    picked = np.clip(probs[np.arange(len(Y)), Y], 1e-300, 1.0)
    return float(-np.mean(np.log(picked))), float(np.mean(np.argmax(probs, axis=1) == Y))


def backprop_sample(x, y, weights, biases):
    """(loss, weight_grads, bias_grads) of one sample; grads have the parameters' shapes."""
    activations = _forward(x, weights, biases)
    probs = activations[-1]
    target = one_hot(y, probs.size)
    loss = cross_entropy(target, probs)
    delta = probs - target
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    for layer in range(len(weights) - 1, -1, -1):
        a_in = activations[layer]
        weight_grads[layer] = np.outer(a_in, delta)
        bias_grads[layer] = delta
        if layer > 0:
            delta = (weights[layer] @ delta) * a_in * (1.0 - a_in)
    return loss, weight_grads, bias_grads


def train_one_sample(x, y, weights, biases, learning_rate=0.003):
    """One SGD step on one sample, in place (``p -= learning_rate * grad``); returns the loss
    before the step.

    The same computation as ``backprop_sample`` followed by the update, arranged for speed
    (each numpy call on these small arrays costs about a microsecond, so the step makes few):

    - pixels that are 0 contribute nothing to the first layer and get a zero gradient row, so
      the first layer works only on the rows of ``weights[0]`` where ``x`` is nonzero (about
      150 of 784 for MNIST), gathered with ``take`` and written back at the end;
    - ``a.dot(W)`` rather than ``a @ W`` (same BLAS call, less dispatch), sigmoids in place;
    - the 10 output scores go through the softmax as Python floats;
    - ``step`` carries ``learning_rate * dL/dz`` backwards (backprop is linear in it), and
      ``np.dot(column, row)`` forms each rank-1 update with BLAS.
    """
    rows = (x != 0).nonzero()[0]
    params = [weights[0].take(rows, axis=0), *weights[1:]]  # layer 0 restricted to those rows
    inputs = [x.take(rows)]
    for W, b in zip(params[:-1], biases[:-1]):
        z = inputs[-1].dot(W)
        z += b
        z *= 0.5  # sigmoid(z) = 0.5 * (1 + tanh(z / 2)), computed in place
        np.tanh(z, out=z)
        z += 1.0
        z *= 0.5
        inputs.append(z)
    scores = (inputs[-1].dot(params[-1]) + biases[-1]).tolist()
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    loss = math.log(total) - (scores[y] - top)  # -log softmax(scores)[y]
    step = np.array(exps)
    step *= learning_rate / total
    step[y] -= learning_rate  # learning_rate * (probs - one_hot(y))
    for layer in range(len(params) - 1, -1, -1):
        a_in, W = inputs[layer], params[layer]
        if layer:
            back = W.dot(step)  # before W changes
            back *= a_in - a_in * a_in
        W -= np.dot(a_in[:, None], step[None, :])
        biases[layer] -= step
        if layer:
            step = back
    weights[0][rows] = params[0]
    return loss


def train_epoch(X, Y, weights, biases, learning_rate=0.003):
    """One pass over the rows of ``X`` in order; returns the mean per-sample loss."""
    total = 0.0
    for x, y in zip(X, Y):
        total += train_one_sample(x, y, weights, biases, learning_rate)
    return total / len(X)
