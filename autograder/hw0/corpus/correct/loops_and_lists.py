"""Correct: loops instead of matrix products, plain lists, answers as arrays of any layout, and
a box open at both ends."""
import numpy as np

FORWARD = {"z": np.array([[7.0, 3.0, -6.0, 6.0]]), "h": [7.0, 3.0, 0.0, 6.0],
           "y_hat": np.float64(-3.0), "loss": 2.0}
BACKWARD = {"dy_hat": -2.0, "dW2": np.array([[-14.0], [-6.0], [0.0], [-12.0]]), "db2": [-2.0],
            "dh": (6, -6, 2, -2), "dz": [6, -6, 0, -2], "dW1": [[12, -12, 0, -4]],
            "db1": [6, -6, 0, -2]}
NET_A = ([[1, 1, 1, 1]], [0, -4, -6, -8], [[-2], [4], [-4], [4]], [8])
NET_B = ([1, 1, 1], [0, -3, -5], [1, -2, 1.5], 0)


def l1_subgradient(X, w, y):
    g = np.zeros(X.shape[1])
    for x_i, y_i in zip(X, y):
        r = sum(x_i[j] * w[j] for j in range(len(w))) - y_i
        g += np.sign(r) * x_i
    return g


def l1_descent(X, y, w0, learning_rate, steps):
    ws = [np.asarray(w0, dtype=float)]
    for t in range(steps):
        ws.append(ws[-1] - learning_rate / (t + 1) ** 0.5 * l1_subgradient(X, ws[-1], y))
    losses = [l1_loss(X, w, y) for w in ws]
    return ws[int(np.argmin(losses))], losses


def fan_in_variance(n_in, n_out):
    return n_in ** -1


def relu_variance(n_in, n_out):
    return 2 * fan_in_variance(n_in, n_out)


def fan_out_variance(n_in, n_out):
    return 1 / float(n_out)


def glorot_variance(n_in, n_out):
    return 1 / ((n_in + n_out) / 2)


def box_network(h, delta):
    # step(x) + step(delta - x) - 1: both ends open, 0 at x = 0 and at x = delta.
    return [1.0, -1.0], [0.0, delta], [h, h], -h
