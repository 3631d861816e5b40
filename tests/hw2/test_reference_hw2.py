"""HW2's reference: gradients match finite differences, the sigmoid never overflows, shapes are
strict, and training follows the randomness protocol."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autograder.engine.toolkit import assignment_helper
from autograder.hw2 import reference as ref
from course_utils import rel_error


def random_batch(rng, layer_dims, n):
    X = rng.uniform(size=(n, layer_dims[0]))
    y = (rng.uniform(size=(n, 1)) < 0.5).astype(np.float64)
    weights = [rng.normal(0, 1 / np.sqrt(a), (a, b)) for a, b in zip(layer_dims, layer_dims[1:])]
    biases = [rng.normal(0, 0.3, (1, b)) for b in layer_dims[1:]]
    return X, y, weights, biases


def mean_loss(X, y, weights, biases):
    g, _ = ref.forward_pass(X, weights, biases, ref.network_activations(
        [weights[0].shape[0], *(W.shape[1] for W in weights)]))
    return float(ref.logistic_loss(g, y)[0].mean())


@pytest.mark.parametrize("layer_dims", [[4, 2, 1], [6, 5, 4, 1], [3, 1]])
def test_backward_pass_matches_finite_differences_of_the_mean_loss(layer_dims):
    rng = np.random.default_rng(len(layer_dims))
    X, y, weights, biases = random_batch(rng, layer_dims, 7)
    g, caches = ref.forward_pass(X, weights, biases, ref.network_activations(layer_dims))
    grad_Ws, grad_bs = ref.backward_pass(ref.logistic_loss(g, y)[1], caches)
    params = weights + biases
    numeric = ref.finite_difference_gradients(lambda: mean_loss(X, y, weights, biases), params)
    for got, want in zip(grad_Ws + grad_bs, numeric):
        assert got.shape == want.shape
        assert rel_error(got, want) < 1e-7


def test_finite_differences_are_exact_on_a_quadratic_and_restore_params():
    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(3, 2)), rng.normal(size=(1, 4))
    before = [A.copy(), B.copy()]
    grads = ref.finite_difference_gradients(lambda: np.sum(A ** 2) + 3 * np.sum(B), [A, B])
    assert rel_error(grads[0], 2 * before[0]) < 1e-9 and rel_error(grads[1], 3 + 0 * B) < 1e-9
    assert all(np.array_equal(a, b) for a, b in zip([A, B], before))


def test_sigmoid_is_stable_clipped_and_shaped_like_its_input():
    s = np.array([[-1e4, -800.0, -1.0], [0.0, 2.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, grad = ref.sigmoid_activation(s)
    assert out.shape == grad.shape == s.shape
    assert out.min() == ref.CLIP and out.max() == 1 - ref.CLIP
    assert out[1, 0] == 0.5 and np.allclose(grad, out * (1 - out))


def test_logistic_loss_refuses_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match=r"\(n, 1\)"):
        ref.logistic_loss(np.full((5, 1), 0.5), np.zeros(5))
    loss, grad = ref.logistic_loss(np.array([[0.25]]), np.array([[1.0]]))
    assert loss[0, 0] == pytest.approx(np.log(4)) and grad[0, 0] == pytest.approx(-4)


def test_training_follows_the_randomness_protocol():
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(23, 5))
    y = (X[:, :1] > 0.5).astype(np.float64)
    weights, biases, history = ref.train(X, y, X, y, np.random.default_rng(9),
                                         layer_dims=(5, 4, 1), batch_size=10, epochs=2)
    assert len(history["train_loss"]) == 2 * 3  # batches of 10, 10 and 3 per epoch
    # by hand: weights first, then one permutation per epoch, batches in turn
    draws = np.random.default_rng(9)
    W = ref.create_weight_matrices((5, 4, 1), draws)
    b = ref.create_bias_vectors((5, 4, 1))
    acts = ref.network_activations((5, 4, 1))
    losses = []
    for _ in range(2):
        order = draws.permutation(23)
        for start in range(0, 23, 10):
            batch = order[start:start + 10]
            g, caches = ref.forward_pass(X[batch], W, b, acts)
            loss, dL = ref.logistic_loss(g, y[batch])
            gW, gb = ref.backward_pass(dL, caches)
            for param, grad in zip(W + b, gW + gb):
                param -= 0.1 * grad
            losses.append(float(loss.mean()))
    assert history["train_loss"] == losses
    assert all(np.array_equal(p, q) for p, q in zip(weights + biases, W + b))


@pytest.mark.slow
def test_data_and_a_full_reference_run():
    hw2_utils = assignment_helper(ref.__file__, "hw2_utils")
    X_train, y_train, X_test, y_test = hw2_utils.load_mnist_3_vs_9()
    assert X_train.shape == (12080, 784) and y_train.shape == (12080, 1)
    assert X_test.shape == (2019, 784) and y_test.shape == (2019, 1)
    assert set(np.unique(y_train)) == {0.0, 1.0}
    _, _, history = ref.train(X_train, y_train, X_test, y_test, np.random.default_rng(0))
    assert len(history["test_acc"]) == 605
    assert history["test_acc"][-1] > 0.97
