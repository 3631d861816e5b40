"""Correct: every product written with np.einsum, a recursive backward pass, and an
evaluate that pushes the whole batch through the network at once."""
import numpy as np


def forward_sample(x, y, weights, biases):
    h = x
    for W, b in zip(weights[:-1], biases[:-1]):
        h = sigmoid(np.einsum("i,ij->j", h, W) + b)
    p = softmax(np.einsum("i,ij->j", h, weights[-1]) + biases[-1])
    return -np.log(max(p[y], 1e-300)), np.eye(p.size)[np.argmax(p)]


def evaluate(X, Y, weights, biases):
    H = X
    for W, b in zip(weights[:-1], biases[:-1]):
        H = sigmoid(np.einsum("ni,ij->nj", H, W) + b)
    S = np.einsum("ni,ij->nj", H, weights[-1]) + biases[-1]
    S = S - S.max(axis=1, keepdims=True)
    log_p = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    Y = np.asarray(Y)
    return float(-log_p[np.arange(len(Y)), Y].mean()), float(np.mean(S.argmax(axis=1) == Y))


def backprop_sample(x, y, weights, biases):
    def down(layer, h):
        if layer == len(weights) - 1:
            p = softmax(np.einsum("i,ij->j", h, weights[layer]) + biases[layer])
            loss = -np.log(max(p[y], 1e-300))
            g = p.copy()
            g[y] -= 1.0
        else:
            a = sigmoid(np.einsum("i,ij->j", h, weights[layer]) + biases[layer])
            loss, upstream, wg, bg = down(layer + 1, a)
            g = upstream * a * (1 - a)
        grad_h = np.einsum("ij,j->i", weights[layer], g)
        if layer == len(weights) - 1:
            return loss, grad_h, [np.einsum("i,j->ij", h, g)], [g]
        return loss, grad_h, [np.einsum("i,j->ij", h, g), *wg], [g, *bg]

    loss, _, weight_grads, bias_grads = down(0, x)
    return loss, weight_grads, bias_grads


def train_epoch(X, Y, weights, biases, learning_rate=0.003):
    losses = np.empty(len(X))
    for i, (x, y) in enumerate(zip(X, Y)):
        losses[i] = train_one_sample(x, y, weights, biases, learning_rate=learning_rate)
    return losses.mean()
