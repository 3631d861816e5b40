"""Per-sample SGD cost on a 784-32-32-10 net: the reference against the course's original code.

The original code re-evaluates a two-branch np.where sigmoid inside its derivative, builds full
outer products for every layer and allocates new arrays for every update. Both run in the same
process, on the same 2,000 MNIST training images from the same starting weights; best of 5.
Target: the reference at most 50 us per sample.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder.hw1 import reference  # noqa: E402
from course_utils import load_dataset_uint8  # noqa: E402

SAMPLES, REPEATS = 2000, 5


def original_sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def original_sigmoid_derivative(z):
    return original_sigmoid(z) * (1 - original_sigmoid(z))


def original_train_one_sample(x, y, weights, biases, learning_rate=0.003):
    """The course's original per-sample step, kept as it was written."""
    zs, activations = [], [x]
    for W, b in zip(weights[:-1], biases[:-1]):
        zs.append(activations[-1] @ W + b)
        activations.append(original_sigmoid(zs[-1]))
    scores = activations[-1] @ weights[-1] + biases[-1]
    probs = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
    target = np.zeros(probs.size)
    target[y] = 1
    loss = -np.sum(target * np.log(probs))
    delta = probs - target
    grads_w, grads_b = [None] * len(weights), [None] * len(biases)
    for layer in reversed(range(len(weights))):
        grads_w[layer] = np.outer(activations[layer], delta)
        grads_b[layer] = delta
        if layer > 0:
            delta = (weights[layer] @ delta) * original_sigmoid_derivative(zs[layer - 1])
    for i in range(len(weights)):
        weights[i][:] = weights[i] - learning_rate * grads_w[i]
        biases[i][:] = biases[i] - learning_rate * grads_b[i]
    return loss


def best_us_per_sample(step, X, Y) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        weights, biases = reference.init_params([784, 32, 32, 10], np.random.default_rng(0))
        started = time.perf_counter()
        for x, y in zip(X, Y):
            step(x, y, weights, biases)
        best = min(best, (time.perf_counter() - started) / len(X))
    return best * 1e6


def main() -> None:
    images, labels, _, _ = load_dataset_uint8("mnist")
    X, Y = images[:SAMPLES] / 255.0, labels[:SAMPLES]
    ours = best_us_per_sample(reference.train_one_sample, X, Y)
    original = best_us_per_sample(original_train_one_sample, X, Y)
    print(f"{SAMPLES} MNIST training images, 784-32-32-10, best of {REPEATS}")
    print(f"reference train_one_sample: {ours:6.1f} us per sample   (target <= 50)")
    print(f"original per-sample code:   {original:6.1f} us per sample")
    print(f"ratio original / reference: {original / ours:6.2f}")


if __name__ == "__main__":
    main()
