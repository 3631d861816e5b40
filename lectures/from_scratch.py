"""The lecture's from-scratch network: 784 → 64 → 10 in numpy, sigmoid hidden units, a softmax
output, cross-entropy, minibatch SGD with momentum.

Shapes: a batch ``X`` is (n, 784), one image per row; labels ``y`` are class numbers (n,).
Weights are ``W1`` (784, 64), ``b1`` (64,), ``W2`` (64, 10), ``b2`` (10,).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the kit's course_utils

from course_utils import load_dataset  # noqa: E402


def batches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """The minibatches of one epoch: a fresh permutation of range(n) cut into slices of
    ``batch_size`` (the last one shorter). Every sample is in exactly one batch: the slices run
    to ``n``, not ``n - 1``."""
    order = rng.permutation(n)
    return [order[begin:begin + batch_size] for begin in range(0, n, batch_size)]


def sigmoid(s: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * s))  # no overflow for any s


def softmax(s: np.ndarray) -> np.ndarray:
    """Row-wise softmax of ``s`` (n, k)."""
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Network:
    """784 → 64 sigmoid → 10 softmax, trained by SGD with momentum on the mean cross-entropy.

    - sizes: (inputs, hidden units, classes)
    - rng: draws the weights, N(0, 1 / fan-in), and the batch order
    """

    def __init__(self, sizes=(784, 64, 10), rng: np.random.Generator | None = None):
        self.rng = rng or np.random.default_rng(0)
        n_in, n_hidden, n_out = sizes
        self.params = {
            "W1": self.rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_hidden)),
            "b1": np.zeros(n_hidden),
            "W2": self.rng.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, n_out)),
            "b2": np.zeros(n_out),
        }
        self.velocity = {name: np.zeros_like(p) for name, p in self.params.items()}

    def forward(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities (n, 10), hidden activations (n, 64)) for a batch ``X`` (n, 784)."""
        hidden = sigmoid(X @ self.params["W1"] + self.params["b1"])
        return softmax(hidden @ self.params["W2"] + self.params["b2"]), hidden

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """Mean cross-entropy of the batch."""
        probabilities, _ = self.forward(X)
        return float(-np.log(probabilities[np.arange(len(y)), y] + 1e-12).mean())

    def gradients(self, X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        """The gradient of :meth:`loss` for every parameter, shaped like it."""
        probabilities, hidden = self.forward(X)
        d_scores = probabilities.copy()
        d_scores[np.arange(len(y)), y] -= 1.0
        d_scores /= len(y)  # (n, 10)
        d_hidden = d_scores @ self.params["W2"].T * hidden * (1.0 - hidden)  # (n, 64)
        return {"W1": X.T @ d_hidden, "b1": d_hidden.sum(axis=0),
                "W2": hidden.T @ d_scores, "b2": d_scores.sum(axis=0)}

    def step(self, X: np.ndarray, y: np.ndarray, learning_rate: float, momentum: float) -> None:
        """One SGD step with momentum: v = momentum v - learning_rate grad; p += v."""
        for name, grad in self.gradients(X, y).items():
            self.velocity[name] = momentum * self.velocity[name] - learning_rate * grad
            self.params[name] += self.velocity[name]

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        probabilities, _ = self.forward(X)
        return float(np.mean(probabilities.argmax(axis=1) == y))

    def train(self, X_train, y_train, X_test, y_test, epochs=10, batch_size=128,
              learning_rate=0.1, momentum=0.9) -> dict[str, list[float]]:
        """Train for ``epochs``; returns the history: training and test loss and accuracy
        after every epoch."""
        history = {"train_loss": [], "test_loss": [], "train_acc": [], "test_acc": []}
        for _ in range(epochs):
            for batch in batches(len(X_train), batch_size, self.rng):
                self.step(X_train[batch], y_train[batch], learning_rate, momentum)
            history["train_loss"].append(self.loss(X_train, y_train))
            history["test_loss"].append(self.loss(X_test, y_test))
            history["train_acc"].append(self.accuracy(X_train, y_train))
            history["test_acc"].append(self.accuracy(X_test, y_test))
        return history


def load_mnist():
    """MNIST: X_train (60000, 784) float64 in [0, 1], y_train (60000,) int64, X_test (10000, 784),
    y_test (10000,)."""
    return load_dataset("mnist")


__all__ = ["Network", "batches", "load_mnist", "sigmoid", "softmax"]
