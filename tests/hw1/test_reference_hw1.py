"""HW1's reference: its fast training step is the plain one."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.hw1 import reference as ref
from autograder.hw1.checks import finite_differences, sigmoid_net
from course_utils import rel_error


@pytest.mark.parametrize("sizes", [[784, 32, 32, 10], [6, 5, 4], [7, 3], [5, 6, 6, 6, 4]])
def test_fast_step_equals_backprop_then_update(sizes):
    rng = np.random.default_rng(len(sizes))
    weights, biases = sigmoid_net(rng, sizes)
    x, y = rng.uniform(size=sizes[0]), 1
    x[rng.uniform(size=sizes[0]) < 0.5] = 0.0  # zero pixels take the sparse path
    loss, weight_grads, bias_grads = ref.backprop_sample(x, y, weights, biases)
    expected = [p - 0.1 * g for p, g in zip(weights + biases, weight_grads + bias_grads)]
    assert ref.train_one_sample(x, y, weights, biases, learning_rate=0.1) == pytest.approx(loss)
    for got, want in zip(weights + biases, expected):
        assert rel_error(got, want) < 1e-14


def test_reference_gradients_match_finite_differences():
    rng = np.random.default_rng(5)
    weights, biases = sigmoid_net(rng, [8, 6, 6, 4])
    x = rng.uniform(size=8)
    _, weight_grads, bias_grads = ref.backprop_sample(x, 2, weights, biases)
    numeric = finite_differences(x, 2, weights, biases, weights + biases)
    for got, want in zip(weight_grads + bias_grads, numeric):
        assert rel_error(got, want) < 1e-7
