"""Judge-owned code that HW2's checks run inside the student's kernel (a read-only copy).

Each function here drives notebook functions that the check passes in, so that what the student's
code builds (caches, closures) stays in the kernel and only numbers come back. Nothing here is
trusted: every number that comes back is checked by the judge against its own computation.
"""

from __future__ import annotations

import numpy as np


def relu(s):
    """ReLU and its derivative, for checks that must not depend on the student's own."""
    return np.maximum(s, 0.0), (s > 0).astype(np.float64)


def sigmoid(s):
    """The sigmoid (clipped like the course's) and its derivative."""
    out = np.clip(0.5 * (1.0 + np.tanh(0.5 * s)), 1e-15, 1.0 - 1e-15)
    return out, out * (1.0 - out)


def known_loss(case, params, data):
    """A loss of ``params`` whose gradient the judge knows, reading the arrays of ``params``:

    - "squares": sum_i sum(data[i] * params[i] ** 2)
    - "cubic": sum(params[0] ** 3) + sum(data[0] * params[1])
    - "net": the mean logistic loss of a one-hidden-layer ReLU net, params = [W1, W2, b1, b2],
      on the batch data = [X, y]
    """
    if case == "squares":
        return lambda: float(sum(np.sum(c * p ** 2) for c, p in zip(data, params)))
    if case == "cubic":
        return lambda: float(np.sum(params[0] ** 3) + np.sum(data[0] * params[1]))
    X, y = data

    def net_loss():
        hidden = np.maximum(X @ params[0] + params[2], 0.0)
        g, _ = sigmoid(hidden @ params[1] + params[3])
        return float(np.mean(-(y * np.log(g) + (1 - y) * np.log(1 - g))))
    return net_loss


def check_finite_differences(checker, case, params, data):
    """The student's ``finite_difference_gradients`` run on :func:`known_loss`; returns
    (its gradients, ``params`` as they are afterwards)."""
    grads = checker(known_loss(case, params, data), params)
    return grads, params


def forward_output(forward_pass, X, weights, biases, activations):
    """Only the output of the student's ``forward_pass``; its caches stay here."""
    output, _ = forward_pass(X, weights, biases, activations)
    return output


def forward_then_backward(forward_pass, backward_pass, X, weights, biases, activations, dL_dg):
    """The student's ``backward_pass`` fed the student's own caches from ``forward_pass``."""
    _, caches = forward_pass(X, weights, biases, activations)
    return backward_pass(dL_dg, caches)


def layer_then_backward(layer_forward, backward_pass, x, W, b, activation_fn, dL_dg):
    """The output of the student's ``layer_forward``, and the student's ``backward_pass``
    through that one layer's cache: (out, (grad_Ws, grad_bs))."""
    out, cache = layer_forward(x, W, b, activation_fn)
    return out, backward_pass(dL_dg, [cache])


def item(sequence, index):
    """``sequence[index]``: one part of a result kept in the kernel."""
    return sequence[index]
