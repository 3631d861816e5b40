"""HW0's reference solution: what the checks compare against, and the corpus's starting point.

The notebook's solution cells hold the same answers; this module is the judge's own copy.
"""

from __future__ import annotations

import numpy as np

from autograder.engine.toolkit import assignment_helper

hand_network = assignment_helper(__file__, "hw0_utils").hand_network
STUDENT_ID = "reference"


# -- L1 regression -------------------------------------------------------------------------------

def l1_loss(X, w, y):
    """sum_i |x_i . w - y_i| for X of shape (n, d), w of shape (d,), y of shape (n,)."""
    return float(np.sum(np.abs(X @ w - y)))


def l1_subgradient(X, w, y):
    """A subgradient of l1_loss at w, shape (d,): X.T @ sign(X @ w - y)."""
    return X.T @ np.sign(X @ w - y)


def l1_descent(X, y, w0, learning_rate, steps):
    """Subgradient descent from w0; step t (0, 1, ...) moves by learning_rate / sqrt(t + 1).

    Returns (best_w, losses): the weights with the lowest loss among w_0 ... w_steps, and the
    list of the steps + 1 losses l1_loss(X, w_t, y).
    """
    w = np.array(w0, dtype=np.float64)
    best_w, losses = w.copy(), [l1_loss(X, w, y)]
    for t in range(steps):
        w = w - learning_rate / np.sqrt(t + 1) * l1_subgradient(X, w, y)
        losses.append(l1_loss(X, w, y))
        if losses[-1] < min(losses[:-1]):
            best_w = w.copy()
    return best_w, losses


def l1_data(rng, n=200, d=3):
    """A regression problem with outliers: X of shape (n, d), y of shape (n,)."""
    X = np.column_stack([rng.uniform(-2, 2, (n, d - 1)), np.ones(n)])
    w_true = rng.normal(0, 2, d)
    noise = rng.laplace(0, 0.3, n)
    outliers = rng.random(n) < 0.1
    noise[outliers] += rng.normal(0, 15, outliers.sum())
    return X, X @ w_true + noise


# -- hand-built ReLU networks ------------------------------------------------------------------
# (W1 of shape (1, k), b1 of shape (k,), W2 of shape (k, 1), b2 of shape (1,)), k <= 4.

NET_A = (np.array([[1.0, 1.0, 1.0, 1.0]]), np.array([0.0, -4.0, -6.0, -8.0]),
         np.array([[-2.0], [4.0], [-4.0], [4.0]]), np.array([8.0]))
NET_B = (np.array([[1.0, 1.0, 1.0]]), np.array([0.0, -3.0, -5.0]),
         np.array([[1.0], [-2.0], [1.5]]), np.array([0.0]))


def hand_pass(network: dict) -> tuple[dict, dict]:
    """The forward and backward pass of the 1-4-1 network at its x, loss (y_hat - y)^2 / 2."""
    x, y = network["x"], network["y"]
    W1, b1, W2, b2 = network["W1"][0], network["b1"], network["W2"][:, 0], network["b2"][0]
    z = x * W1 + b1
    h = np.maximum(z, 0.0)
    y_hat = float(h @ W2 + b2)
    d_out = y_hat - y
    dh = d_out * W2
    dz = dh * (z > 0)
    forward = {"z": z.tolist(), "h": h.tolist(), "y_hat": y_hat, "loss": 0.5 * d_out ** 2}
    backward = {"dy_hat": d_out, "dW2": (d_out * h).tolist(), "db2": d_out, "dh": dh.tolist(),
                "dz": dz.tolist(), "dW1": (x * dz).tolist(), "db1": dz.tolist()}
    return forward, backward


FORWARD, BACKWARD = hand_pass(hand_network(STUDENT_ID))


# -- step neurons ------------------------------------------------------------------------------

def step(z):
    """The step neuron's activation: 1 where z > 0, else 0."""
    return (np.asarray(z) > 0).astype(np.float64)


def step_network(x, w1, b1, w2, b2):
    """Output sum_j w2[j] * step(w1[j] * x + b1[j]) + b2 for x of shape (m,): shape (m,)."""
    return step(np.outer(x, w1) + b1) @ w2 + b2


def box_network(h, delta):
    """Two step neurons whose output is h on (0, delta] and 0 outside it (the notebook leaves
    the value at the ends open): (w1, b1, w2, b2)."""
    return np.array([1.0, 1.0]), np.array([0.0, -delta]), np.array([h, -h]), 0.0


def staircase_network(f, B, n):
    """n step neurons approximating f on [-B, B]: a step at each of n - 1 inner points of a
    uniform grid, each jump the change of f between neighbouring midpoints; (w1, b1, w2, b2)."""
    edges = np.linspace(-B, B, n + 1)
    mids = (edges[:-1] + edges[1:]) / 2
    values = f(mids)
    w1 = np.ones(n)
    b1 = -np.concatenate([[-B - 1.0], edges[1:-1]])  # the first unit is on across [-B, B]
    w2 = np.concatenate([[values[0]], np.diff(values)])
    return w1, b1, w2, 0.0


# -- initialization ----------------------------------------------------------------------------

def fan_in_variance(n_in, n_out):
    """1 / n_in: keeps a linear unit's forward variance."""
    return 1.0 / n_in


def relu_variance(n_in, n_out):
    """2 / n_in: the same for ReLU units, which zero half their inputs."""
    return 2.0 / n_in


def fan_out_variance(n_in, n_out):
    """1 / n_out: keeps the variance of the gradients going backwards."""
    return 1.0 / n_out


def glorot_variance(n_in, n_out):
    """2 / (n_in + n_out): the compromise between the forward and backward rules."""
    return 2.0 / (n_in + n_out)
