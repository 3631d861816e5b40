"""HW2's hidden checks: a vectorized minibatch network for MNIST 3 versus 9 (784 → 200 → 1, ReLU,
sigmoid, negative log-likelihood).

Every expected value is computed here from :mod:`autograder.hw2.reference` on inputs drawn from
the check's own seeded generator. Functions the student writes are run in the student's kernel;
where one must be fed another's result (caches, closures over ``params``), judge-owned code in
:mod:`autograder.hw2.hw2_kernel` drives them there, so only numbers come back.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np

from autograder.engine.assignment import Calibration
from autograder.engine.checks import (
    Check,
    CheckFailed,
    Measured,
    Score,
    Student,
    as_array,
    as_sequence,
    expect_close,
    uses,
)
from autograder.engine.probe import KernelFunction, Raised, Rows, Seeded
from autograder.engine.toolkit import (
    assignment_helper,
    central_differences,
    gradient_mismatches,
    judge_functions,
    random_net,
    reaches_threshold,
)
from course_utils import load_dataset_uint8, rel_error

from . import reference as ref

hw2_utils = assignment_helper(__file__, "hw2_utils")
KERNEL_MODULE = Path(__file__).with_name("hw2_kernel.py")
CALIBRATION_REPORT = Path(__file__).with_name("calibration.json")
LAYERS = (784, 200, 1)
NETS = [(4, 2, 1), (6, 5, 4, 1), (9, 7, 1)]  # small nets for finite differences
TRAIN_SECONDS = 150  # one full training run in the student's kernel
MEMORIZE_ROWS = 100
MEMORIZE_KEYS = ("layer_dims", "batch_size", "step_size", "epochs")
F_POINTS = 10
CLIP_TOLERANCE = 1e-18  # absolute, on the sigmoid's entries that the clip bounds


judge_function = judge_functions(KERNEL_MODULE)
NOTEBOOK = {name: KernelFunction(name) for name in (
    "finite_difference_gradients", "sigmoid_activation", "relu_activation", "layer_forward",
    "forward_pass", "backward_pass")}


@functools.cache
def digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST 3s and 9s as uint8: images (n, 784) and labels (n, 1), 1 for a 9; train, test."""
    x_train, y_train, x_test, y_test = load_dataset_uint8("mnist")
    out = []
    for x, y in ((x_train, y_train), (x_test, y_test)):
        images, nines = hw2_utils.select_3_vs_9(x, y)
        out += [images, nines.astype(np.uint8)]
    return tuple(out)


def activations_for(layer_dims) -> list:
    return [judge_function("relu")] * (len(layer_dims) - 2) + [judge_function("sigmoid")]


def relu_net(rng: np.random.Generator, layer_dims) -> tuple[list, list]:
    """Weights large enough that ReLUs switch on and off, and nonzero biases (1, n_out)."""
    return random_net(rng, layer_dims, weight_gain=1.0, bias_std=0.3, bias_rows=True)


def random_batch(rng: np.random.Generator, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(0, 1, (n, d))
    return X, (rng.uniform(size=(n, 1)) < 0.5).astype(np.float64)


def mean_loss(X, y, weights, biases) -> float:
    dims = [weights[0].shape[0], *(W.shape[1] for W in weights)]
    g, _ = ref.forward_pass(X, weights, biases, ref.network_activations(dims))
    return float(ref.logistic_loss(g, y)[0].mean())


def numeric_gradients(X, y, weights, biases, eps: float = 1e-6) -> list[np.ndarray]:
    """Central differences of the reference's batch-mean loss for every weight and bias."""
    return central_differences(lambda: mean_loss(X, y, weights, biases), [*weights, *biases], eps)


def arrays(value, what: str, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """``value`` as a list of arrays of the given shapes, or CheckFailed."""
    items = as_sequence(value, what, len(shapes))
    return [as_array(item, f"{what}[{i}]", shape) for i, (item, shape) in
            enumerate(zip(items, shapes, strict=True))]


def shapes_of(params: list[np.ndarray]) -> list[tuple[int, ...]]:
    return [p.shape for p in params]


# -- a: finite differences ---------------------------------------------------------------------

def known_cases(rng: np.random.Generator):
    """(case, params, data, gradient) for losses whose gradient is known exactly."""
    params = [rng.normal(size=(3, 2)), rng.normal(size=(1, 4))]
    data = [rng.uniform(0.5, 2, (3, 2)), rng.uniform(0.5, 2, (1, 4))]
    yield "squares", params, data, [2 * c * p for c, p in zip(data, params)]
    params = [rng.normal(size=(2, 3)), rng.normal(size=(4,))]
    data = [rng.normal(size=(4,))]
    yield "cubic", params, data, [3 * params[0] ** 2, data[0]]


def run_checker(student: Student, case: str, params: list, data: list):
    """The student's checker on a known loss: (gradients, params afterwards)."""
    answer = student.call(judge_function("check_finite_differences"),
                          NOTEBOOK["finite_difference_gradients"], case, params, data)
    grads, after = as_sequence(answer, "finite_difference_gradients' result", 2)
    shapes = shapes_of(params)
    return (arrays(grads, "the list finite_difference_gradients returns", shapes),
            arrays(after, "params after finite_difference_gradients", shapes))


def a_exact(student: Student, rng: np.random.Generator) -> None:
    for case, params, data, expected in known_cases(rng):
        grads, _ = run_checker(student, case, params, data)
        for i, (got, want) in enumerate(zip(grads, expected)):
            expect_close(got, want, f"The gradient for params[{i}] of a {case} loss", 1e-6,
                         "Use central differences (f(p + eps) - f(p - eps)) / (2 eps), one "
                         "entry at a time, and call loss_fn() after each change.")


def a_restores(student: Student, rng: np.random.Generator) -> None:
    for case, params, data, _ in known_cases(rng):
        _, after = run_checker(student, case, params, data)
        for i, (got, before) in enumerate(zip(after, params)):
            moved = float(np.max(np.abs(got - before)))
            if moved > 1e-12:
                raise CheckFailed(f"params[{i}] changed by up to {moved:.1e} after "
                                  "finite_difference_gradients returned: put every entry back "
                                  "to its saved value after its two loss evaluations.")


def a_exposes(student: Student, rng: np.random.Generator) -> None:
    X, y = random_batch(rng, 6, 4)
    weights, biases = relu_net(rng, (4, 3, 1))
    params = [*weights, *biases]
    grads, _ = run_checker(student, "net", params, [X, y])
    g, caches = ref.forward_pass(X, weights, biases, ref.network_activations((4, 3, 1)))
    dL_dg = ref.logistic_loss(g, y)[1]
    right = sum(ref.backward_pass(dL_dg, caches), [])
    # the first layer's gradient of a backward pass that skips the ReLU derivative
    no_relu = X.T @ ((dL_dg * caches[1][2] / len(X)) @ weights[1].T)
    for i, (got, want) in enumerate(zip(grads, right)):
        expect_close(got, want, f"The finite-difference gradient for params[{i}] of a small "
                     "net's loss", 1e-6)
    if rel_error(grads[0], no_relu) < 1e-3:
        raise CheckFailed("Your finite differences agree with a backward pass that forgets "
                          "the ReLU derivative; they should expose it.")


# -- b: activations, loss, one layer -----------------------------------------------------------

def b1_values(student: Student, rng: np.random.Generator) -> None:
    for shape in [(5, 1), (3, 4)]:
        s = rng.normal(0, 4, shape)
        out, grad = as_sequence(student.call("sigmoid_activation", s),
                                "sigmoid_activation's return value", 2)
        expected, expected_grad = ref.sigmoid_activation(s)
        expect_close(as_array(out, "out", shape), expected, f"sigmoid_activation(s) for s of "
                     f"shape {shape}", 1e-10, "The output keeps the shape of s.")
        expect_close(as_array(grad, "grad", shape), expected_grad, "The sigmoid's gradient",
                     1e-10, "grad = out * (1 - out).")


def b1_stable(student: Student, rng: np.random.Generator) -> None:
    s = np.array([[-1e4, -1000.0, -710.0, -40.0], [40.0, 710.0, 1000.0, 1e4]])
    answer = student.call("sigmoid_activation", s, warnings_as_errors=True, allow_raise=True)
    if isinstance(answer, Raised):
        raise CheckFailed(f"sigmoid_activation(s) with entries of s as large as 1e4 raised "
                          f"{answer.type}: {answer.message}. np.exp(-s) overflows for very "
                          "negative s: compute exp only of -|s|, or use np.tanh.")
    out, _ = as_sequence(answer, "sigmoid_activation's return value", 2)
    out = as_array(out, "out", s.shape)
    expected = ref.sigmoid_activation(s)[0]
    clip_hint = (f"Clip the output to [{ref.CLIP:g}, 1 - {ref.CLIP:g}] so that log(out) and "
                 "log(1 - out) stay finite.")
    at_bound = (expected == ref.CLIP) | (expected == 1 - ref.CLIP)
    # The clip is 1e-15 wide: the clipped entries are compared exactly (to far below 1e-15).
    off = at_bound & ~(np.abs(out - expected) <= CLIP_TOLERANCE)
    if off.any():
        listed = ", ".join(f"{float(o)!r} at s = {x:g}" for x, o in zip(s[off], out[off]))
        raise CheckFailed(f"Where the exact sigmoid is below {ref.CLIP:g} or above "
                          f"1 - {ref.CLIP:g}, sigmoid_activation(s) should give exactly that "
                          f"bound, but it gives {listed}. {clip_hint}")
    expect_close(out, expected, "sigmoid_activation(s) for |s| up to 1e4", 1e-12, clip_hint)


def b2_values(student: Student, rng: np.random.Generator) -> None:
    n = 7
    g = rng.uniform(0.05, 0.95, (n, 1))
    y = (rng.uniform(size=(n, 1)) < 0.5).astype(np.float64)
    loss, grad = as_sequence(student.call("logistic_loss", g, y), "logistic_loss's return value",
                             2)
    expected, expected_grad = ref.logistic_loss(g, y)
    expect_close(as_array(loss, "loss", (n, 1)), expected, "The per-example loss", 1e-10,
                 "Return one loss per example, of shape (n, 1), not their mean.")
    expect_close(as_array(grad, "dL_dg", (n, 1)), expected_grad, "dL_dg", 1e-10,
                 "dL/dg = -y / g + (1 - y) / (1 - g).")


def b2_shapes(student: Student, rng: np.random.Generator) -> None:
    g = rng.uniform(0.1, 0.9, (6, 1))
    y = (rng.uniform(size=6) < 0.5).astype(np.float64)
    student.call("logistic_loss", g, y.reshape(6, 1))  # works when the shapes agree
    answer = student.call("logistic_loss", g, y, allow_raise=True)
    if not isinstance(answer, Raised):
        raise CheckFailed("logistic_loss(g, y) with g of shape (6, 1) and y of shape (6,) "
                          "returned a value; it should raise an error, because broadcasting "
                          "them builds a (6, 6) array. Check that g.shape == y.shape.")


def b3_relu(student: Student, rng: np.random.Generator) -> None:
    s = rng.normal(size=(6, 5))
    s[0, :2] = 0.0
    out, grad = as_sequence(student.call("relu_activation", s), "relu_activation's return value",
                            2)
    expected, expected_grad = ref.relu_activation(s)
    expect_close(as_array(out, "out", s.shape), expected, "relu_activation(s)", 1e-12)
    expect_close(as_array(grad, "grad", s.shape), expected_grad, "The ReLU's gradient", 1e-12,
                 "It is 1 where s > 0 and 0 elsewhere (0 at s = 0 too).")


def layer_case(rng: np.random.Generator):
    x = rng.uniform(size=(5, 4))
    W, b = rng.normal(size=(4, 3)), rng.normal(0, 0.3, (1, 3))
    dL_dg = rng.normal(size=(5, 3))
    return x, W, b, dL_dg


def b4_output(student: Student, rng: np.random.Generator) -> None:
    for name, activation in (("relu", ref.relu_activation), ("sigmoid", ref.sigmoid_activation)):
        x, W, b, _ = layer_case(rng)
        answer = student.call("layer_forward", x, W, b, judge_function(name), keep=True)
        out = student.call(judge_function("item"), answer, 0)
        expect_close(as_array(out, "out", (5, 3)), activation(x @ W + b)[0],
                     f"layer_forward's output with a {name} activation", 1e-10,
                     "out = activation_fn(x @ W + b)[0].")


# -- c: parameters and the forward pass --------------------------------------------------------

def c_weights(student: Student, rng: np.random.Generator) -> None:
    for dims in [LAYERS, (5, 4, 3, 1)]:
        seed = int(rng.integers(2**31))
        got = student.call("create_weight_matrices", list(dims), Seeded(seed))
        expected = ref.create_weight_matrices(dims, np.random.default_rng(seed))
        weights = arrays(got, f"create_weight_matrices({list(dims)}, rng)",
                         shapes_of(expected))
        std = float(np.std(weights[0]))
        if not 0.008 < std < 0.012:
            raise CheckFailed(f"The weights should be drawn from N(0, 0.01^2); the first matrix "
                              f"of {list(dims)} has standard deviation {std:.3g}.")
        for i, (w, e) in enumerate(zip(weights, expected)):
            if not np.array_equal(w, e):
                raise CheckFailed(f"W[{i}] for {list(dims)} is not the draw expected from rng: "
                                  "draw each matrix with rng.normal(0, 0.01, size=(n_in, n_out)),"
                                  " first layer first, and nothing else from rng.")


def c_biases(student: Student, rng: np.random.Generator) -> None:
    dims = (6, 5, 3, 1)
    biases = arrays(student.call("create_bias_vectors", list(dims)),
                    f"create_bias_vectors({list(dims)})", [(1, d) for d in dims[1:]])
    if any(np.any(b != 0) for b in biases):
        raise CheckFailed("The biases should start at zero.")


def c_forward(student: Student, rng: np.random.Generator) -> None:
    for dims in [*NETS, (20, 10, 10, 1)]:
        weights, biases = relu_net(rng, dims)
        X, _ = random_batch(rng, 8, dims[0])
        out = student.call(judge_function("forward_output"), NOTEBOOK["forward_pass"], X,
                           weights, biases, activations_for(dims))
        expected, _ = ref.forward_pass(X, weights, biases, ref.network_activations(dims))
        expect_close(as_array(out, "forward_pass's output", (8, 1)), expected,
                     f"forward_pass's output on a net {list(dims)}", 1e-10,
                     "Apply activations[i] to X @ W[i] + b[i], layer after layer.")


# -- d: the backward pass ----------------------------------------------------------------------

def d_gradients(student: Student, rng: np.random.Generator, which: int) -> None:
    """which = 0 checks grad_Ws, 1 checks grad_bs, against central differences."""
    label = ("grad_Ws", "grad_bs")[which]
    for dims in NETS:
        weights, biases = relu_net(rng, dims)
        X, y = random_batch(rng, 6, dims[0])
        g, _ = ref.forward_pass(X, weights, biases, ref.network_activations(dims))
        _, dL_dg = ref.logistic_loss(g, y)
        answer, calls = student.call(
            judge_function("forward_then_backward"), NOTEBOOK["forward_pass"],
            NOTEBOOK["backward_pass"], X, weights, biases, activations_for(dims), dL_dg,
            count_calls=("forward_pass", "layer_forward"))
        if calls["forward_pass"] > 2 or calls["layer_forward"] > 2 * len(weights):
            raise CheckFailed(
                f"Your forward pass ran {calls['forward_pass']} times ({calls['layer_forward']} "
                f"layers) for one gradient on a net {list(dims)}: that is finite differences, "
                "not backpropagation. backward_pass should use the caches of one forward pass "
                "and go backwards through the layers with the chain rule.")
        grads = as_sequence(answer, "backward_pass's return value", 2)
        params = (weights, biases)[which]
        got = arrays(grads[which], label, shapes_of(params))
        numeric = numeric_gradients(X, y, weights, biases)
        numeric = (numeric[:len(weights)], numeric[len(weights):])[which]
        off = gradient_mismatches(got, numeric)
        if off:
            i, error = off[0]
            mine, want = got[i], numeric[i]
            ratio = float(np.sum(mine * want) / max(np.sum(want * want), 1e-300))
            hint = (" It is about n times too large: the gradients are of the batch-mean "
                    "loss, so divide by the batch size once." if abs(ratio - len(X)) < 0.01
                    else " Check the activation's gradient and which layer's input "
                    "multiplies delta.")
            raise CheckFailed(f"{label}[{i}] on a net {list(dims)} with a batch of "
                              f"{len(X)} does not match finite differences of the mean "
                              f"loss: relative error {error:.1e}, should be below 1e-6." + hint)


def d_one_layer(student: Student, rng: np.random.Generator) -> None:
    x, W, b, dL_dg = layer_case(rng)
    answer = student.call(judge_function("layer_then_backward"), NOTEBOOK["layer_forward"],
                          NOTEBOOK["backward_pass"], x, W, b, judge_function("relu"), dL_dg)
    _, (grad_Ws, grad_bs) = as_sequence(answer, "layer_forward then backward_pass", 2)
    s = x @ W + b
    delta = dL_dg * (s > 0) / len(x)
    expect_close(arrays(grad_Ws, "grad_Ws", [W.shape])[0], x.T @ delta,
                 "grad_Ws[0] from backward_pass on the cache of one layer_forward", 1e-9,
                 "The cache should hold what the backward pass needs: the layer's input, its "
                 "weights and the activation's gradient; and the gradient is of the mean loss.")


def d_weights(student: Student, rng: np.random.Generator) -> None:
    d_gradients(student, rng, 0)


def d_biases(student: Student, rng: np.random.Generator) -> None:
    d_gradients(student, rng, 1)


# -- e: training -------------------------------------------------------------------------------

def rows(part: str, start: int, stop: int) -> tuple[Rows, Rows]:
    """Images (scaled to [0, 1]) and labels (float, (n, 1)) of ``part`` "train" or "test"."""
    return (Rows(f"digits_{part}_images", start, stop, 255.0),
            Rows(f"digits_{part}_labels", start, stop, 1.0))


def student_model(answer, dims, what: str) -> tuple[list, list, dict]:
    """(weights, biases, history) from what ``train`` returned, or CheckFailed."""
    weights, biases, history = as_sequence(answer, what, 3)
    weights = arrays(weights, "the weights train returns",
                     [(a, b) for a, b in zip(dims[:-1], dims[1:])])
    biases = arrays(biases, "the biases train returns", [(1, b) for b in dims[1:]])
    if not isinstance(history, dict):
        raise CheckFailed(f"history should be a dict, but it is a "
                          f"{getattr(history, 'type', type(history).__name__)}.")
    return weights, biases, history


def steps(n: int, batch_size: int, epochs: int) -> int:
    return epochs * math.ceil(n / batch_size)


REPLAY = {"layer_dims": (784, 12, 1), "batch_size": 32, "step_size": 0.3, "epochs": 2}


def e_replay(student: Student, rng: np.random.Generator) -> None:
    x_train, y_train, x_test, y_test = digits()
    start = int(rng.integers(0, len(x_train) - 250))
    seed = int(rng.integers(2**31))
    answer = student.call("train", *rows("train", start, start + 250), *rows("test", 0, 100),
                          Seeded(seed), **{**REPLAY, "layer_dims": list(REPLAY["layer_dims"])})
    weights, biases, history = student_model(answer, REPLAY["layer_dims"], "train's result")
    expected = ref.train(x_train[start:start + 250] / 255.0,
                         y_train[start:start + 250].astype(np.float64), x_test[:100] / 255.0,
                         y_test[:100].astype(np.float64), np.random.default_rng(seed), **REPLAY)
    per_epoch = math.ceil(250 / REPLAY["batch_size"])
    got = as_array(history.get("train_loss"), "history['train_loss']",
                   (steps(250, REPLAY["batch_size"], REPLAY["epochs"]),))
    for step, (mine, want) in enumerate(zip(got, expected[2]["train_loss"])):
        if abs(mine - want) > 1e-9 * max(1.0, abs(want)):
            epoch, batch = divmod(step, per_epoch)
            where = ("the first step: check the order of the draws from rng (weights first) "
                     "and the loss" if step == 0 else
                     "the first step of an epoch: take a new rng.permutation(n) at the start "
                     "of every epoch" if batch == 0 else
                     "this step: walk the batches order[k:k + batch_size] in turn and update "
                     "every weight and bias by step_size * gradient")
            raise CheckFailed(f"Replaying train on 250 training images (batches of 32, step "
                              f"size 0.3, 2 epochs) from the grader's seed, your training loss "
                              f"first differs at step {step + 1} (epoch {epoch + 1}, batch "
                              f"{batch + 1}): {mine:.6g} instead of {want:.6g}. Look at {where}.")
    for i, (mine, want) in enumerate(zip([*weights, *biases], [*expected[0], *expected[1]])):
        expect_close(mine, want, f"Parameter array {i} after the replayed training", 1e-8)


def e_history(student: Student, rng: np.random.Generator) -> None:
    seed = int(rng.integers(2**31))
    answer = student.call("train", *rows("train", 0, 300), *rows("test", 0, 50), Seeded(seed),
                          layer_dims=[784, 8, 1], batch_size=64, epochs=1)
    _, _, history = student_model(answer, (784, 8, 1), "train's result")
    for key in ("train_loss", "train_acc", "test_loss", "test_acc"):
        values = as_array(history.get(key), f"history[{key!r}]", (5,))
        if key.endswith("acc") and not np.all((values >= 0) & (values <= 1)):
            raise CheckFailed(f"history[{key!r}] should hold accuracies between 0 and 1.")


def full_run(student: Student, seed: int) -> float:
    """Test accuracy, computed here, of the weights the student's ``train`` returns after the
    whole default run (all 12,080 training images) from ``seed``."""
    x_train, _, x_test, y_test = digits()
    answer = student.call("train", *rows("train", 0, len(x_train)),
                          *rows("test", 0, len(x_test)), Seeded(seed), timeout=TRAIN_SECONDS)
    weights, biases, _ = student_model(answer, LAYERS, "train's result")
    return accuracy(x_test / 255.0, y_test, weights, biases)


def accuracy(X, y, weights, biases) -> float:
    dims = [weights[0].shape[0], *(W.shape[1] for W in weights)]
    g, _ = ref.forward_pass(X, weights, biases, ref.network_activations(dims))
    return float(np.mean((g > 0.5) == (y > 0.5)))


def e_accuracy(student: Student, rng: np.random.Generator) -> Measured:
    accuracy = full_run(student, int(rng.integers(2**31)))
    return reaches_threshold(accuracy, CALIBRATION_REPORT, lambda got, needed: (
        f"After train's default run (5 epochs, batches of 100, step size 0.1) from the "
        f"grader's seed, the returned weights classify {got:.1%} of the 2,019 test images "
        f"correctly; at least {needed:.1%} is expected (correct code reaches about 98%)."))


# -- f: memorization ---------------------------------------------------------------------------

def f_memorize(student: Student, rng: np.random.Generator) -> Score:
    config = student.value("MEMORIZE")
    if not isinstance(config, dict) or not set(config) <= set(MEMORIZE_KEYS):
        raise CheckFailed(f"MEMORIZE should be a dict with keys among {list(MEMORIZE_KEYS)}; "
                          f"got {config!r:.200}.")
    settings = {**dict(zip(MEMORIZE_KEYS, (LAYERS, 100, 0.1, 5))), **config}
    try:
        dims = [int(d) for d in settings["layer_dims"]]
        total_steps = steps(MEMORIZE_ROWS, int(settings["batch_size"]), int(settings["epochs"]))
    except (TypeError, ValueError, ZeroDivisionError):
        raise CheckFailed(f"MEMORIZE's values should be numbers; got {config!r:.200}.") from None
    if dims[0] != 784 or dims[-1] != 1:
        raise CheckFailed(f"MEMORIZE's layer_dims should start with 784 and end with 1; "
                          f"got {dims}.")
    X = rng.uniform(0, 1, (MEMORIZE_ROWS, 784))
    y = digits()[1][:MEMORIZE_ROWS].astype(np.float64)
    answer = student.call("train", X, y, X, y, Seeded(int(rng.integers(2**31))),
                          timeout=TRAIN_SECONDS, **config)
    weights, biases, _ = student_model(answer, dims, "train's result with MEMORIZE")
    fitted = accuracy(X, y, weights, biases)
    if fitted < 1.0:
        raise CheckFailed(f"With MEMORIZE = {config}, train fits {fitted:.0%} of 100 random "
                          "inputs to their labels; 100% is expected. More hidden units, more "
                          "epochs or a different step size help.")
    reference_steps = steps(MEMORIZE_ROWS, ref.MEMORIZE["batch_size"], ref.MEMORIZE["epochs"])
    bonus = (" Fewer steps than the reference configuration: well tuned!"
             if total_steps < reference_steps else "")
    return Score(F_POINTS, f"Passed: 100% of the random inputs fitted in {total_steps} steps "
                 f"(the reference configuration takes {reference_steps}).{bonus}")


TRAIN_USES = uses("train", forward_pass="c", logistic_loss="b.ii", backward_pass="d")
CHECKS = [
    Check("a", "a finite_difference_gradients: exact on losses with known gradients", 4,
          a_exact),
    Check("a", "a finite_difference_gradients: params are unchanged afterwards", 3, a_restores),
    Check("a", "a finite_difference_gradients: exposes a backward pass without the ReLU "
          "derivative", 3, a_exposes),
    Check("b.i", "b.i sigmoid_activation: values and gradient, any shape", 3, b1_values),
    Check("b.i", "b.i sigmoid_activation: no overflow up to |s| = 1e4, output clipped", 3,
          b1_stable),
    Check("b.ii", "b.ii logistic_loss: per-example loss and dL_dg of shape (n, 1)", 3,
          b2_values),
    Check("b.ii", "b.ii logistic_loss: a shape mismatch raises instead of broadcasting", 3,
          b2_shapes),
    Check("b.iii", "b.iii relu_activation: values and gradient", 3, b3_relu),
    Check("b.iv", "b.iv layer_forward: output with ReLU and sigmoid", 5, b4_output),
    Check("c", "c create_weight_matrices: N(0, 0.01^2) drawn from rng in order", 4, c_weights),
    Check("c", "c create_bias_vectors: zeros of shape (1, d)", 2, c_biases),
    Check("c", "c forward_pass: output on nets of several shapes", 4, c_forward,
          uses("forward_pass", layer_forward="b.iv")),
    Check("d", "d backward_pass: one layer, from the cache of layer_forward", 4, d_one_layer),
    Check("d", "d backward_pass: weight gradients match finite differences", 8, d_weights),
    Check("d", "d backward_pass: bias gradients match finite differences", 8, d_biases),
    Check("e", "e train: history has one value per step for each key", 4, e_history,
          TRAIN_USES),
    Check("e", "e train: replay from the grader's seed follows the reference", 12, e_replay,
          TRAIN_USES),
    Check("e", "e train: the default run reaches the calibrated test accuracy", 14, e_accuracy,
          TRAIN_USES),
    Check("f", "f MEMORIZE: fits 100 random inputs to their labels", F_POINTS, f_memorize,
          uses("Training with MEMORIZE", train="e")),
]
ROWS = {
    "digits_train_images": lambda: digits()[0],
    "digits_train_labels": lambda: digits()[1],
    "digits_test_images": lambda: digits()[2],
    "digits_test_labels": lambda: digits()[3],
}
KERNEL_MODULES = (KERNEL_MODULE,)
CALIBRATION = Calibration(train=full_run, report=CALIBRATION_REPORT, floor=0.95, margin=0.01)
