"""HW2 reference solution: a vectorized minibatch network for MNIST 3 (label 0) versus 9 (label 1).

Conventions of the course: a batch ``X`` has shape (n, d_in), one sample per row; a layer
computes ``X @ W + b`` with ``W`` of shape (n_in, n_out) and ``b`` of shape (1, n_out); labels and
per-example values have shape (n, 1). Hidden layers use ReLU, the output a sigmoid, and the loss
is the negative log-likelihood; gradients are those of the batch-mean loss.

Randomness protocol, so that a run can be replayed exactly: ``train`` draws the weights with
``create_weight_matrices(layer_dims, rng)``, then at the start of every epoch takes
``order = rng.permutation(n)`` and walks the batches ``order[k:k + batch_size]`` in turn.
"""

from __future__ import annotations

import numpy as np

CLIP = 1e-15  # sigmoid outputs stay in [CLIP, 1 - CLIP], so log(g) and log(1 - g) are finite
WEIGHT_STD = 0.01
MEMORIZE = {"layer_dims": (784, 256, 1), "batch_size": 10, "step_size": 0.03, "epochs": 80}


# -- a: finite differences --------------------------------------------------------------------

def finite_difference_gradients(loss_fn, params, eps=1e-5):
    """Central differences of ``loss_fn()`` (no arguments; it reads the arrays of ``params``)
    with respect to every entry of every array in ``params``.

    Each entry is moved by +eps and -eps in place and restored, so ``params`` is unchanged
    afterwards. Returns a list of arrays shaped like ``params``.
    """
    grads = []
    for param in params:
        grad = np.zeros(param.shape)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + eps
            plus = float(loss_fn())
            param[index] = saved - eps
            minus = float(loss_fn())
            param[index] = saved
            grad[index] = (plus - minus) / (2 * eps)
        grads.append(grad)
    return grads


# -- b: activations, loss, one layer ----------------------------------------------------------

def sigmoid_activation(s):
    """The sigmoid of ``s`` (any shape) and its derivative, both shaped like ``s``.

    exp is only taken of -|s|, which never overflows; the output is clipped to [CLIP, 1 - CLIP].
    """
    s = np.asarray(s, dtype=np.float64)
    e = np.exp(-np.abs(s))
    out = np.where(s >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    out = np.clip(out, CLIP, 1.0 - CLIP)
    return out, out * (1.0 - out)


def relu_activation(s):
    """max(s, 0) and its derivative (1 where s > 0, else 0), both of shape (n, d)."""
    s = np.asarray(s, dtype=np.float64)
    return np.maximum(s, 0.0), (s > 0).astype(np.float64)


def logistic_loss(g, y):
    """Per-example negative log-likelihood of labels ``y`` under probabilities ``g`` and its
    derivative with respect to ``g``; ``g``, ``y`` and both results have shape (n, 1).

    Raises ValueError when the shapes differ (broadcasting (n,) against (n, 1) would silently
    build an (n, n) loss).
    """
    g, y = np.asarray(g, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if g.shape != y.shape or g.ndim != 2 or g.shape[1] != 1:
        raise ValueError(f"g and y must both have shape (n, 1); got {g.shape} and {y.shape}")
    loss = -(y * np.log(g) + (1.0 - y) * np.log(1.0 - g))
    return loss, (g - y) / (g * (1.0 - g))


def layer_forward(x, W, b, activation_fn):
    """One layer: ``out = activation_fn(x @ W + b)`` of shape (n, n_out), and the cache the
    backward pass needs, ``(x, W, activation gradient)``."""
    out, grad = activation_fn(x @ W + b)
    return out, (x, W, grad)


# -- c: parameters and the forward pass -------------------------------------------------------

def create_weight_matrices(layer_dims, rng):
    """Weights W[i] of shape (layer_dims[i], layer_dims[i + 1]), drawn from N(0, 0.01^2) with
    ``rng``, layer by layer."""
    return [rng.normal(0.0, WEIGHT_STD, size=(n_in, n_out))
            for n_in, n_out in zip(layer_dims[:-1], layer_dims[1:])]


def create_bias_vectors(layer_dims):
    """Zero biases b[i] of shape (1, layer_dims[i + 1])."""
    return [np.zeros((1, n_out)) for n_out in layer_dims[1:]]


def forward_pass(X, weights, biases, activations):
    """The network's output for the batch ``X`` (n, d_in), of shape (n, d_out), and the list of
    each layer's cache; ``activations[i]`` is layer i's activation function."""
    caches = []
    out = X
    for W, b, activation_fn in zip(weights, biases, activations):
        out, cache = layer_forward(out, W, b, activation_fn)
        caches.append(cache)
    return out, caches


def network_activations(layer_dims):
    """ReLU for every hidden layer, a sigmoid for the output."""
    return [relu_activation] * (len(layer_dims) - 2) + [sigmoid_activation]


# -- d: the backward pass ---------------------------------------------------------------------

def backward_pass(dL_dg, caches):
    """Gradients of the batch-mean loss from ``dL_dg`` (n, 1), the per-example derivatives of
    the loss with respect to the output, and the caches of :func:`forward_pass`.

    Returns (grad_Ws, grad_bs), shaped like the weights and biases.
    """
    upstream = dL_dg / dL_dg.shape[0]
    grad_Ws, grad_bs = [], []
    for layer in range(len(caches) - 1, -1, -1):
        x, W, activation_grad = caches[layer]
        delta = upstream * activation_grad
        grad_Ws.append(x.T @ delta)
        grad_bs.append(delta.sum(axis=0, keepdims=True))
        if layer > 0:  # the input layer passes nothing further down
            upstream = delta @ W.T
    return grad_Ws[::-1], grad_bs[::-1]


# -- e: training ------------------------------------------------------------------------------

def loss_and_accuracy(X, y, weights, biases, activations):
    """Mean loss and accuracy (a probability above 0.5 predicts 1) on ``X``, ``y`` (n, 1)."""
    g, _ = forward_pass(X, weights, biases, activations)
    loss, _ = logistic_loss(g, y)
    return float(loss.mean()), float(np.mean((g > 0.5) == (y > 0.5)))


def train(X_train, y_train, X_test, y_test, rng, layer_dims=(784, 200, 1), batch_size=100,
          step_size=0.1, epochs=5):
    """Minibatch SGD following the randomness protocol of this module.

    Returns (weights, biases, history); ``history`` maps "train_loss" and "train_acc" (the
    batch of the step, before its update) and "test_loss" and "test_acc" (the whole test set,
    after the update) to one value per step.
    """
    weights = create_weight_matrices(layer_dims, rng)
    biases = create_bias_vectors(layer_dims)
    activations = network_activations(layer_dims)
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    n = len(X_train)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            g, caches = forward_pass(X_train[batch], weights, biases, activations)
            loss, dL_dg = logistic_loss(g, y_train[batch])
            grad_Ws, grad_bs = backward_pass(dL_dg, caches)
            for param, grad in zip(weights + biases, grad_Ws + grad_bs):
                param -= step_size * grad
            history["train_loss"].append(float(loss.mean()))
            history["train_acc"].append(float(np.mean((g > 0.5) == (y_train[batch] > 0.5))))
            test_loss, test_acc = loss_and_accuracy(X_test, y_test, weights, biases, activations)
            history["test_loss"].append(test_loss)
            history["test_acc"].append(test_acc)
    return weights, biases, history
