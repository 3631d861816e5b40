"""HW1's hidden checks: per-sample backpropagation on MNIST (784 → 32 → 32 → 10, sigmoid, softmax).

Every expected value is computed here from :mod:`autograder.hw1.reference` on inputs drawn from
the check's own seeded generator. Gradients are certified by central finite differences and by
replaying training; accuracy only by the full 3-epoch run, against the calibrated threshold.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from autograder.engine.assignment import Calibration
from autograder.engine.checks import (
    Check,
    CheckFailed,
    Measured,
    Student,
    as_array,
    as_number,
    as_sequence,
    expect_close,
    uses,
)
from autograder.engine.probe import Rows, Seeded
from autograder.engine.toolkit import (
    central_differences,
    gradient_mismatches,
    random_net,
    reaches_threshold,
)

from . import reference as ref

LAYERS = [784, 32, 32, 10]
SMALL_NETS = [[6, 5, 4], [4, 7, 7, 3], [10, 8, 6, 6, 5]]
EPOCHS = 3
CHUNK = 5_000  # rows per train_epoch call in the full run; the trajectory is the same as one call
MAX_FORWARD_CALLS = 4  # per gradient; finite differences need two per parameter
NOTEBOOK_SEED = 0  # the notebook's own run starts from init_params(LAYERS, default_rng(0))
CALIBRATION_REPORT = Path(__file__).with_name("calibration.json")


@functools.cache
def mnist() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST as uint8 images (n, 784) and int64 labels (n,): train, then test."""
    from course_utils import load_dataset_uint8

    return load_dataset_uint8("mnist")


# -- hidden inputs -----------------------------------------------------------------------------

def sigmoid_net(rng: np.random.Generator, sizes: list[int]) -> tuple[list, list]:
    """Weights scaled to keep sigmoids away from saturation, and nonzero biases."""
    return random_net(rng, sizes, weight_gain=1.5, bias_std=0.5)


def random_sample(rng: np.random.Generator, sizes: list[int]) -> tuple[np.ndarray, int]:
    return rng.uniform(0, 1, sizes[0]), int(rng.integers(sizes[-1]))


def reference_loss(x, y, weights, biases) -> float:
    return float(ref.forward_sample(x, y, weights, biases)[0])


def finite_differences(x, y, weights, biases, params: list[np.ndarray],
                       eps: float = 1e-6) -> list[np.ndarray]:
    """Central differences of the reference loss for every entry of ``params`` (arrays that are
    among ``weights`` and ``biases``, perturbed in place and restored)."""
    grads = central_differences(lambda: reference_loss(x, y, weights, biases), params, eps)
    assert all(np.linalg.norm(grad) > 0 for grad in grads), "hidden input gives a zero gradient"
    return grads


def copies(arrays: list[np.ndarray]) -> list[np.ndarray]:
    return [a.copy() for a in arrays]


# -- student answers, checked for form ---------------------------------------------------------

def student_params(value, sizes: list[int], what: str) -> tuple[list, list]:
    """``(weights, biases)`` from a student's return value, with shapes checked."""
    weights, biases = as_sequence(value, what, 2)
    weights = as_sequence(weights, f"the weights from {what}", len(sizes) - 1)
    biases = as_sequence(biases, f"the biases from {what}", len(sizes) - 1)
    pairs = zip(sizes[:-1], sizes[1:], strict=True)
    for i, ((n_in, n_out), w, b) in enumerate(zip(pairs, weights, biases, strict=True)):
        weights[i] = as_array(w, f"weights[{i}] for layer sizes {sizes}", (n_in, n_out))
        biases[i] = as_array(b, f"biases[{i}] for layer sizes {sizes}", (n_out,))
    return weights, biases


def student_grads(value, weights, biases, what: str) -> tuple[float, list, list]:
    """``(loss, weight_grads, bias_grads)`` from backprop_sample, with shapes checked."""
    loss, weight_grads, bias_grads = as_sequence(value, what, 3)
    weight_grads = as_sequence(weight_grads, "weight_grads", len(weights))
    bias_grads = as_sequence(bias_grads, "bias_grads", len(biases))
    weight_grads = [as_array(g, f"weight_grads[{i}]", w.shape)
                    for i, (g, w) in enumerate(zip(weight_grads, weights, strict=True))]
    bias_grads = [as_array(g, f"bias_grads[{i}]", b.shape)
                  for i, (g, b) in enumerate(zip(bias_grads, biases, strict=True))]
    return as_number(loss, "the loss from backprop_sample"), weight_grads, bias_grads


# -- Q1 init -----------------------------------------------------------------------------------

def q1_shapes(student: Student, rng: np.random.Generator) -> None:
    for sizes in ([784, 32, 32, 10], [5, 7, 3]):
        value = student.call("init_params", sizes, Seeded(int(rng.integers(2**31))))
        student_params(value, sizes, f"init_params({sizes}, rng)")
        for i, w in enumerate(value[0]):
            if np.asarray(w).dtype != np.float64:
                raise CheckFailed(f"weights[{i}] should be float64, got {np.asarray(w).dtype}.")


def q1_zero_biases(student: Student, rng: np.random.Generator) -> None:
    sizes = [30, 20, 10]
    _, biases = student_params(student.call("init_params", sizes, Seeded(int(rng.integers(2**31)))),
                               sizes, f"init_params({sizes}, rng)")
    for i, b in enumerate(biases):
        if np.any(b != 0):
            raise CheckFailed(f"biases[{i}] should start at zero, but it has nonzero entries.")


def q1_variance(student: Student, rng: np.random.Generator) -> None:
    # n_out > n_in in the first layer and n_in > n_out in the second, so both cases are seen.
    sizes = [500, 2000, 300]
    weights, _ = student_params(student.call("init_params", sizes,
                                             Seeded(int(rng.integers(2**31)))),
                                sizes, f"init_params({sizes}, rng)")
    for i, w in enumerate(weights):
        n_in, n_out = w.shape
        target = 1.0 / max(n_in, n_out)
        # The sample variance of n normal draws has relative spread sqrt(2 / n): allow 6 of them.
        allowed = 6 * np.sqrt(2.0 / w.size)
        variance = float(w.var())
        if abs(variance / target - 1) > allowed:
            raise CheckFailed(
                f"weights[{i}] of shape {w.shape} has variance {variance:.3e}; expected "
                f"1/max(n_in, n_out) = {target:.3e} (within {allowed:.1%} for this many draws).")
        if abs(float(w.mean())) > 6 * np.sqrt(target / w.size):
            raise CheckFailed(f"weights[{i}] should have mean 0, but its mean is {w.mean():.2e}.")


def q1_uses_rng(student: Student, rng: np.random.Generator) -> None:
    sizes = [20, 30, 10]
    seed = int(rng.integers(2**31))
    first, again, other = (student_params(student.call("init_params", sizes, Seeded(s)), sizes,
                                          "init_params") for s in (seed, seed, seed + 1))
    if not all(np.array_equal(a, b) for a, b in zip(first[0], again[0], strict=True)):
        raise CheckFailed("Two calls with generators made from the same seed gave different "
                          "weights: draw every random number from the rng argument, not np.random.")
    if all(np.array_equal(a, b) for a, b in zip(first[0], other[0], strict=True)):
        raise CheckFailed("Generators with different seeds gave the same weights: the weights "
                          "should be drawn from the rng argument.")


# -- Q2 forward --------------------------------------------------------------------------------

def q2_loss(student: Student, rng: np.random.Generator) -> None:
    for sizes in [*SMALL_NETS, LAYERS]:
        weights, biases = sigmoid_net(rng, sizes)
        x, y = random_sample(rng, sizes)
        loss, _ = as_sequence(student.call("forward_sample", x, y, weights, biases),
                              f"forward_sample's return value (net {sizes})", 2)
        expect_close(as_number(loss, "the loss"), np.float64(reference_loss(x, y, weights, biases)),
                     f"The loss of forward_sample on a random net with layer sizes {sizes}", 1e-10,
                     "Apply the sigmoid on every hidden layer and softmax only on the last.")


def q2_guess(student: Student, rng: np.random.Generator) -> None:
    for sizes in [*SMALL_NETS, LAYERS]:
        weights, biases = sigmoid_net(rng, sizes)
        x, y = random_sample(rng, sizes)
        _, guess = as_sequence(student.call("forward_sample", x, y, weights, biases),
                               f"forward_sample's return value (net {sizes})", 2)
        guess = as_array(guess, "one_hot_guess", (sizes[-1],))
        expected = ref.forward_sample(x, y, weights, biases)[1]
        if not np.array_equal(guess, expected):
            raise CheckFailed(f"one_hot_guess for a net with layer sizes {sizes} should be a "
                              "one-hot vector with its 1 at the most probable class.")


def q2_evaluate(student: Student, rng: np.random.Generator) -> None:
    sizes = [20, 16, 16, 10]
    weights, biases = sigmoid_net(rng, sizes)
    X, Y = rng.uniform(0, 1, (300, 20)), rng.integers(0, 10, 300)
    answer = as_sequence(student.call("evaluate", X, Y, weights, biases),
                         "evaluate's return value", 2)
    mean_loss, accuracy = (as_number(v, w) for v, w in zip(answer, ("mean_loss", "accuracy"),
                                                           strict=True))
    expected_loss, expected_accuracy = ref.evaluate(X, Y, weights, biases)
    if not 0 <= accuracy <= 1:
        raise CheckFailed(f"accuracy should be a fraction between 0 and 1, got {accuracy:g}.")
    expect_close(np.float64(mean_loss), np.float64(expected_loss), "mean_loss from evaluate", 1e-10,
                 "It should be the mean of the per-sample losses.")
    if abs(accuracy - expected_accuracy) > 1e-12:
        raise CheckFailed(f"accuracy from evaluate is {accuracy:g}, which is not the fraction of "
                          "samples whose guess equals the label.")


def q2_untrained(student: Student, rng: np.random.Generator) -> None:
    weights, biases = ref.init_params(LAYERS, rng)
    _, _, x_test, y_test = mnist()
    answer = as_sequence(student.call("evaluate", Rows("mnist_test_images", 0, 2000, 255.0),
                                      Rows("mnist_test_labels", 0, 2000), weights, biases),
                         "evaluate's return value", 2)
    accuracy = as_number(answer[1], "accuracy")
    expected = ref.evaluate(x_test[:2000] / 255.0, y_test[:2000], weights, biases)[1]
    assert 0.02 < expected < 0.3, "an untrained reference net should score near 10%"
    if abs(accuracy - expected) > 1e-12:
        raise CheckFailed(f"An untrained net on 2,000 MNIST test images should score near 10%; "
                          f"your evaluate reported {accuracy:g}.")


# -- Q3 backprop -------------------------------------------------------------------------------

def backprop_cases(rng: np.random.Generator):
    for sizes in [*SMALL_NETS, LAYERS]:
        weights, biases = sigmoid_net(rng, sizes)
        x, y = random_sample(rng, sizes)
        yield sizes, x, y, weights, biases


def q3_loss_and_shapes(student: Student, rng: np.random.Generator) -> None:
    for sizes, x, y, weights, biases in backprop_cases(rng):
        loss, _, _ = student_grads(student.call("backprop_sample", x, y, weights, biases),
                                   weights, biases, f"backprop_sample's return value (net {sizes})")
        expect_close(np.float64(loss), np.float64(reference_loss(x, y, weights, biases)),
                     f"The loss from backprop_sample (net {sizes})", 1e-10,
                     "It should be the same loss forward_sample computes.")


def gradient_check(student: Student, rng: np.random.Generator, which: int) -> None:
    """which = 1 checks weight_grads, 2 checks bias_grads, against central differences."""
    label = ("weight_grads", "bias_grads")[which - 1]
    for sizes, x, y, weights, biases in backprop_cases(rng):
        returned, calls = student.call("backprop_sample", x, y, weights, biases,
                                       count_calls=("forward_sample",))
        if calls["forward_sample"] > MAX_FORWARD_CALLS:
            raise CheckFailed(
                f"backprop_sample called forward_sample {calls['forward_sample']} times to "
                f"compute one gradient (net {sizes}): that is finite differences, not "
                "backpropagation. Backpropagation needs one forward pass: keep each layer's "
                "activations, then go backwards through the layers with the chain rule.")
        answer = student_grads(returned, weights, biases,
                               f"backprop_sample's return value (net {sizes})")
        weights, biases = copies(weights), copies(biases)
        numeric = finite_differences(x, y, weights, biases, (weights, biases)[which - 1])
        off = gradient_mismatches(answer[which], numeric)
        if off:
            listed = ", ".join(f"{label}[{i}] (relative error {error:.1e})" for i, error in off)
            raise CheckFailed(
                f"On a net with layer sizes {sizes} these gradients do not match finite "
                f"differences of the loss (each should be below 1e-6): {listed}. An error in "
                "one layer spreads to every layer before it, so look first at layer "
                f"{off[-1][0]}, the deepest that fails: the sigmoid derivative, the outer "
                "product and which activation it multiplies.")


def q3_weight_grads(student: Student, rng: np.random.Generator) -> None:
    gradient_check(student, rng, 1)


def q3_bias_grads(student: Student, rng: np.random.Generator) -> None:
    gradient_check(student, rng, 2)


def q3_update(student: Student, rng: np.random.Generator) -> None:
    sizes = [12, 9, 9, 5]
    for learning_rate in (0.05, None):
        weights, biases = sigmoid_net(rng, sizes)
        x, y = random_sample(rng, sizes)
        kwargs = {} if learning_rate is None else {"learning_rate": learning_rate}
        step = 0.003 if learning_rate is None else learning_rate
        loss, after = student.call("train_one_sample", x, y, weights, biases, return_args=(2, 3),
                                   **kwargs)
        expected_loss, weight_grads, bias_grads = ref.backprop_sample(x, y, weights, biases)
        expect_close(np.float64(as_number(loss, "the loss from train_one_sample")),
                     np.float64(expected_loss), "The loss returned by train_one_sample", 1e-10,
                     "Return the loss computed before the update.")
        new_weights, new_biases = student_params(tuple(after), sizes, "the updated parameters")
        old = [*weights, *biases]
        new = [*new_weights, *new_biases]
        grads = [*weight_grads, *bias_grads]
        if all(np.array_equal(a, b) for a, b in zip(new, old, strict=True)):
            raise CheckFailed("train_one_sample did not change the caller's weights and biases: "
                              "update each array in place, e.g. weights[i] -= learning_rate * "
                              "grad (rebinding a name does not change the caller's arrays).")
        setting = "the default learning rate" if learning_rate is None else f"learning_rate={step}"
        for i, (a, b, g) in enumerate(zip(new, old, grads, strict=True)):
            expect_close(a - b, -step * g, f"The change of parameter array {i} with {setting}",
                         1e-8, "The update is exactly p -= learning_rate * grad.")


# -- Q4 training -------------------------------------------------------------------------------

def q4_replay(student: Student, rng: np.random.Generator) -> None:
    x_train, y_train, _, _ = mnist()
    for count, learning_rate in ((300, None), (100, 0.01)):
        weights, biases = ref.init_params(LAYERS, rng)
        rows = rng.choice(len(x_train), count, replace=False)
        X, Y = x_train[rows] / 255.0, y_train[rows]
        kwargs = {} if learning_rate is None else {"learning_rate": learning_rate}
        mean_loss, after = student.call("train_epoch", X, Y, weights, biases, return_args=(2, 3),
                                        **kwargs)
        expected_w, expected_b = copies(weights), copies(biases)
        expected_loss = ref.train_epoch(X, Y, expected_w, expected_b, **kwargs)
        setting = f"learning_rate={learning_rate}" if learning_rate else "the default rate"
        what = f"train_epoch on {count} training images with {setting}"
        new_weights, new_biases = student_params(tuple(after), LAYERS, "the trained parameters")
        for i, (a, b, e) in enumerate(zip([*new_weights, *new_biases], [*weights, *biases],
                                          [*expected_w, *expected_b], strict=True)):
            expect_close(a - b, e - b, f"After {what}, the change of parameter array {i}", 1e-7,
                         "Walk the rows in order, one train_one_sample step per row, "
                         "passing learning_rate on.")
        expect_close(np.float64(as_number(mean_loss, "the mean loss")), np.float64(expected_loss),
                     f"The mean loss returned by {what}", 1e-9,
                     "Return the mean of the per-sample losses, each taken before its update.")


def full_run(student: Student, init_seed: int) -> float:
    """Test accuracy after the student's train_epoch runs EPOCHS epochs from the reference init."""
    weights, biases = ref.init_params(LAYERS, np.random.default_rng(init_seed))
    n = len(mnist()[0])
    for epoch in range(EPOCHS):
        for start in range(0, n, CHUNK):
            stop = min(start + CHUNK, n)
            _, after = student.call("train_epoch", Rows("mnist_train_images", start, stop, 255.0),
                                    Rows("mnist_train_labels", start, stop), weights, biases,
                                    return_args=(2, 3), timeout=120)
            weights, biases = student_params(tuple(after), LAYERS,
                                             f"the parameters after epoch {epoch + 1}")
    return test_accuracy(weights, biases)


def test_accuracy(weights, biases) -> float:
    """The reference's accuracy on the 10,000 MNIST test images, in blocks to save memory."""
    _, _, x_test, y_test = mnist()
    correct = 0
    for start in range(0, len(x_test), 2000):
        probs = ref.predict_proba(x_test[start:start + 2000] / 255.0, weights, biases)
        correct += int(np.sum(np.argmax(probs, axis=1) == y_test[start:start + 2000]))
    return correct / len(x_test)


def q4_accuracy(student: Student, rng: np.random.Generator) -> Measured:
    accuracy = full_run(student, NOTEBOOK_SEED)
    return reaches_threshold(accuracy, CALIBRATION_REPORT, lambda got, needed: (
        f"After {EPOCHS} epochs on all 60,000 training images from the notebook's starting "
        f"weights, your train_epoch reached {got:.1%} test accuracy; at least {needed:.1%} is "
        "expected (correct code reaches about 92%). Check the update and the order of the "
        "samples."))


EPOCH_USES = uses("train_epoch", train_one_sample="Q3")
CHECKS = [
    Check("Q1", "Q1 init_params: shapes and dtype", 2, q1_shapes),
    Check("Q1", "Q1 init_params: biases start at zero", 2, q1_zero_biases),
    Check("Q1", "Q1 init_params: weight variance is 1/max(n_in, n_out)", 4, q1_variance),
    Check("Q1", "Q1 init_params: draws come from rng", 2, q1_uses_rng),
    Check("Q2", "Q2 forward_sample: loss on random nets of several sizes", 8, q2_loss),
    Check("Q2", "Q2 forward_sample: guess is the one-hot argmax", 4, q2_guess),
    Check("Q2", "Q2 evaluate: mean loss and accuracy", 6, q2_evaluate),
    Check("Q2", "Q2 evaluate: an untrained net scores near 10% on MNIST", 2, q2_untrained),
    Check("Q3", "Q3 backprop_sample: loss and gradient shapes", 8, q3_loss_and_shapes),
    Check("Q3", "Q3 backprop_sample: weight gradients match finite differences", 12,
          q3_weight_grads),
    Check("Q3", "Q3 backprop_sample: bias gradients match finite differences", 8,
          q3_bias_grads),
    Check("Q3", "Q3 train_one_sample: in-place update p -= learning_rate * grad", 12,
          q3_update),
    Check("Q4", "Q4 train_epoch: replay from the grader's start follows the reference", 12,
          q4_replay, EPOCH_USES),
    Check("Q4", "Q4 training: 3 epochs reach the calibrated test accuracy", 18, q4_accuracy,
          EPOCH_USES),
]
ROWS = {
    "mnist_train_images": lambda: mnist()[0],
    "mnist_train_labels": lambda: mnist()[1],
    "mnist_test_images": lambda: mnist()[2],
    "mnist_test_labels": lambda: mnist()[3],
}
CALIBRATION = Calibration(train=full_run, report=CALIBRATION_REPORT, floor=0.70, margin=0.02)
