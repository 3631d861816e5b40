"""Correct: the loss straight from the logits by log-sum-exp (no softmax call), a gradient
(softmax - one-hot) built from that, and an epoch loop that accumulates a running sum."""
import numpy as np


def _logits_and_hidden(x, weights, biases):
    hidden = [x]
    for W, b in zip(weights[:-1], biases[:-1]):
        hidden.append(sigmoid(hidden[-1] @ W + b))
    return hidden[-1] @ weights[-1] + biases[-1], hidden


def forward_sample(x, y, weights, biases):
    z, _ = _logits_and_hidden(x, weights, biases)
    m = z.max()
    loss = m + np.log(np.sum(np.exp(z - m))) - z[y]
    guess = np.zeros(z.size)
    guess[z.argmax()] = 1
    return float(loss), guess


def backprop_sample(x, y, weights, biases):
    z, hidden = _logits_and_hidden(x, weights, biases)
    m = z.max()
    log_norm = m + np.log(np.sum(np.exp(z - m)))
    delta = np.exp(z - log_norm)
    delta[y] -= 1
    weight_grads, bias_grads = [], []
    for W, a in zip(reversed(weights), reversed(hidden)):
        weight_grads.append(np.outer(a, delta))
        bias_grads.append(delta)
        delta = (W @ delta) * a * (1 - a)
    return float(log_norm - z[y]), weight_grads[::-1], bias_grads[::-1]


def train_epoch(X, Y, weights, biases, learning_rate=0.003):
    running = 0.0
    count = 0
    for x, y in zip(X, Y):
        running += train_one_sample(x, y, weights, biases, learning_rate)
        count += 1
    return running / count
