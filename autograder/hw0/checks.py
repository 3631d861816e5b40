"""HW0's hidden checks: L1 regression, hand-built ReLU networks, a hand pass through the
student's own network, step neurons and initialization rules.

Every expected value is computed here, from :mod:`autograder.hw0.reference` and the grader's
seeded inputs. The hand pass is checked against the network of the student's ID: the ID the
platform knows (Gradescope's metadata, a roster) when there is one, else the notebook's
``STUDENT_ID``, so numbers copied from another student score nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from autograder.engine.checks import (
    Check,
    CheckFailed,
    Score,
    Student,
    StudentError,
    as_array,
    as_number,
    as_sequence,
    expect_close,
    uses,
)
from autograder.engine.toolkit import (
    assignment_helper,
    central_differences,
    gradient_mismatches,
    judge_functions,
)

from . import hw0_kernel
from . import reference as ref

hw0_utils = assignment_helper(__file__, "hw0_utils")
KERNEL_MODULE = Path(__file__).with_name("hw0_kernel.py")
judge_function = judge_functions(KERNEL_MODULE)
DATASET_A = ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
             [8, 6, 4, 2, 0, 2, 4, 2, 0, 2, 4, 6, 8])
DATASET_B = ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
             [0, 1, 2, 3, 2, 1, 1.5, 2, 2.5, 3, 3.5])
MAX_HIDDEN = 4
FULL = float("inf")  # a Score of the check's full points (a Score is capped at them)
FIT_TOLERANCE = 1e-6  # absolute, on every point
STAIRCASE_UNITS = (20, 40, 80, 160)
# (judge function, B): half-widths well inside and far outside the notebook's B = 3, and
# functions whose values and slopes are of other scales.
STAIRCASE_CASES = (("ripple", 3.0), ("bump", 0.5), ("soft_ramp", 1.5), ("wide_wave", 20.0),
                   ("tiny_ripple", 0.8))
BOX_EDGE = 1e-6  # the box is checked this fraction of delta inside and outside each end
RULES = {  # notebook function -> (the rule in words, the reference)
    "fan_in_variance": ("1 / n_in", ref.fan_in_variance),
    "relu_variance": ("2 / n_in", ref.relu_variance),
    "fan_out_variance": ("1 / n_out", ref.fan_out_variance),
    "glorot_variance": ("2 / (n_in + n_out)", ref.glorot_variance),
}


# -- Q1 and Q2: L1 regression ----------------------------------------------------------------

def l1_problem(rng: np.random.Generator, n: int, d: int):
    """A problem whose residuals at w all stay at least 1e-3 away from 0 (no kink within the
    finite-difference steps): X (n, d), w (d,), y (n,)."""
    while True:
        X, y = ref.l1_data(rng, n, d)
        w = rng.normal(0, 1, d)
        if np.min(np.abs(X @ w - y)) > 1e-3:
            return X, w, y


def numeric_l1_gradient(X, w, y) -> np.ndarray:
    """Central differences of the reference's L1 loss at ``w`` (d,)."""
    [grad] = central_differences(lambda: ref.l1_loss(X, w, y), [w])
    assert np.linalg.norm(grad) > 0, "hidden input gives a zero gradient"
    return grad


def q1_shape(student: Student, rng: np.random.Generator) -> None:
    for n, d in ((30, 3), (7, 5)):
        X, w, y = l1_problem(rng, n, d)
        as_array(student.call("l1_subgradient", X, w, y), f"l1_subgradient(X, w, y) for X of "
                 f"shape {X.shape}", (d,))


def q1_finite_differences(student: Student, rng: np.random.Generator) -> None:
    for n, d in ((50, 2), (200, 3), (40, 6)):
        X, w, y = l1_problem(rng, n, d)
        got = as_array(student.call("l1_subgradient", X, w, y),
                       f"l1_subgradient for X of shape {X.shape}", (d,))
        off = gradient_mismatches([got], [numeric_l1_gradient(X, w, y)])
        if off:
            raise CheckFailed(
                f"l1_subgradient for X of shape {X.shape} does not match central finite "
                f"differences of sum(|X @ w - y|) at a point away from any kink: relative error "
                f"{off[0][1]:.1e}, should be below 1e-6. Check the sign of the residual X @ w - y "
                "and that no 1/n or 1/2 factor slipped in.")


# The Q2 settings: the notebook's data set and learning rate, on the grader's draws.
DESCENT = {"learning_rate": 0.01, "steps": 300}


def q2_replay(student: Student, rng: np.random.Generator) -> None:
    X, y = ref.l1_data(rng, 30)
    w0 = rng.normal(0, 1, X.shape[1])
    answer = as_sequence(student.call("l1_descent", X, y, w0,
                                      learning_rate=DESCENT["learning_rate"], steps=0),
                         "l1_descent's return value with steps=0", 2)
    losses = as_array(answer[1], "the losses from l1_descent with steps=0", (1,))
    expect_close(losses, np.array([ref.l1_loss(X, w0, y)]),
                 "The list of losses from l1_descent with steps=0", 1e-8,
                 "With no steps, losses is [the loss at w0].")
    X, y = ref.l1_data(rng)
    w0 = rng.normal(0, 1, X.shape[1])
    _, expected = ref.l1_descent(X, y, w0, **DESCENT)
    answer = as_sequence(student.call("l1_descent", X, y, w0, **DESCENT),
                         "l1_descent's return value", 2)
    losses = as_array(answer[1], f"the losses from l1_descent with steps={DESCENT['steps']}",
                      (DESCENT["steps"] + 1,))
    expect_close(losses, np.array(expected), "The list of losses from l1_descent", 1e-8,
                 "losses[0] is the loss at w0, and step t moves by "
                 "learning_rate / sqrt(t + 1) times the subgradient, against its direction.")


def best_weights_loss(student: Student, X, y, w0, learning_rate: float, steps: int) -> float:
    """The loss at the best_w the student's l1_descent returns."""
    answer = as_sequence(student.call("l1_descent", X, y, w0, learning_rate=learning_rate,
                                      steps=steps),
                         "l1_descent's return value", 2)
    return ref.l1_loss(X, as_array(answer[0], "best_w from l1_descent", w0.shape), y)


def q2_lowers_the_loss(student: Student, rng: np.random.Generator) -> None:
    X, y = ref.l1_data(rng)
    w0 = np.zeros(X.shape[1])
    best_w, losses = ref.l1_descent(X, y, w0, **DESCENT)
    got = best_weights_loss(student, X, y, w0, **DESCENT)
    start, best = losses[0], min(losses)
    assert best < 0.5 * start, "the reference descent should halve the loss"
    if not got <= best * (1 + 1e-6):
        raise CheckFailed(
            f"On a data set with outliers, the weights l1_descent returned have loss {got:.6g} "
            f"(it was {start:.6g} at w0); the lowest loss along the descent is {best:.6g}. "
            "Return the weights with the lowest loss seen, not the last ones.")
    # Start next to the minimum with a step so large that every step climbs: w0 is the best.
    w0, _ = ref.l1_descent(X, y, best_w, 0.001, 300)
    _, losses = ref.l1_descent(X, y, w0, 1.0, 5)
    assert int(np.argmin(losses)) == 0, "every step from this w0 should raise the loss"
    got = best_weights_loss(student, X, y, w0, 1.0, 5)
    if not got <= losses[0] * (1 + 1e-9):
        raise CheckFailed(
            f"Started where every step raises the loss (learning_rate=1, steps=5), l1_descent "
            f"returned weights with loss {got:.6g}, but w0 itself has loss {losses[0]:.6g}. "
            "w_0 is one of the candidates: count it when you track the best weights.")


# -- Q3: hand-built ReLU networks --------------------------------------------------------------

def relu_network_weights(value, name: str) -> tuple[np.ndarray, ...]:
    """(W1 (1, k), b1 (k,), W2 (k, 1), b2 (1,)) from the notebook's tuple, shapes checked."""
    W1, b1, W2, b2 = as_sequence(value, name, 4)
    W1 = as_array(W1, f"{name}'s W1")
    k = W1.size
    if W1.shape not in ((1, k), (k,)):
        raise CheckFailed(f"{name}'s W1 should have shape (1, k) for k hidden units, "
                          f"got {W1.shape}.")
    if k > MAX_HIDDEN:
        raise CheckFailed(f"{name} has {k} hidden units; at most {MAX_HIDDEN} are allowed, so it "
                          "gets no credit.")
    b1 = as_array(b1, f"{name}'s b1")
    W2 = as_array(W2, f"{name}'s W2")
    if b1.shape not in ((k,), (1, k)) or W2.shape not in ((k, 1), (k,)):
        raise CheckFailed(f"With W1 of shape (1, {k}), {name}'s b1 should have shape ({k},) and "
                          f"W2 shape ({k}, 1); got {b1.shape} and {W2.shape}.")
    b2 = as_number(b2, f"{name}'s b2")
    return W1.reshape(k), b1.reshape(k), W2.reshape(k), b2


def check_fit(student: Student, name: str, dataset: tuple[list, list], label: str) -> None:
    W1, b1, W2, b2 = relu_network_weights(student.value(name), name)
    x, y = (np.array(v, dtype=np.float64) for v in dataset)
    got = np.maximum(np.outer(x, W1) + b1, 0.0) @ W2 + b2
    wrong = np.flatnonzero(~(np.abs(got - y) <= FIT_TOLERANCE))
    if wrong.size:
        first = wrong[0]
        raise CheckFailed(
            f"{name} misses {wrong.size} of the {x.size} points of {label}: at x = {x[first]:g} "
            f"it gives {got[first]:.6g} instead of {y[first]:g}. The grader computes "
            "relu(x * W1 + b1) @ W2 + b2 at every point; each kink of the data needs a unit "
            "whose kink sits there.")


def q3_dataset_a(student: Student, rng: np.random.Generator) -> None:
    check_fit(student, "NET_A", DATASET_A, "Dataset A")


def q3_dataset_b(student: Student, rng: np.random.Generator) -> None:
    check_fit(student, "NET_B", DATASET_B, "Dataset B")


# -- Q4: the hand pass through the student's own network --------------------------------------

def whose_network(student: Student) -> tuple[str, str]:
    """The ID whose network the hand pass is checked against, and a note for the student
    (empty unless the notebook's STUDENT_ID and the platform's ID differ)."""
    try:
        written = student.value("STUDENT_ID")
    except StudentError:
        written = None
    written = str(written).strip() if isinstance(written, str | int) else ""
    known = str(student.identity).strip() if student.identity else ""
    if known and hw0_utils.normalize_student_id(written) != hw0_utils.normalize_student_id(known):
        shown = f"'{written}'" if written else "not set"
        return known, (f"Note: your notebook's STUDENT_ID is {shown}, but this submission "
                       f"belongs to student ID '{known}'. Your hand pass was checked against "
                       f"the network of '{known}': compute it with "
                       f"hand_network('{known}').")
    if not written:
        raise CheckFailed("Set STUDENT_ID to your student ID (a string) in the cell under Q4: "
                          "your network, and so your numbers, come from it.")
    return written, ""


def hand_answers(student: Student, name: str, keys: tuple[str, ...]) -> dict:
    """The notebook's dict ``name`` with each of ``keys``, values as float arrays."""
    value = student.value(name)
    if not isinstance(value, dict):
        raise CheckFailed(f"{name} should be a dict with the keys {', '.join(keys)}; it is a "
                          f"{getattr(value, 'type', type(value).__name__)}.")
    missing = [k for k in keys if k not in value]
    if missing:
        raise CheckFailed(f"{name} has no entry {', '.join(map(repr, missing))}.")
    return {k: as_array(value[k], f"{name}[{k!r}]") for k in keys}


def check_hand(student: Student, name: str, keys: tuple[str, ...], hint: str) -> Score | None:
    owner, note = whose_network(student)
    forward, backward = ref.hand_pass(hw0_utils.hand_network(owner))
    expected = {**forward, **backward}
    answers = hand_answers(student, name, keys)
    for key in keys:
        want = np.asarray(expected[key], dtype=np.float64)
        got = answers[key]
        if got.size != want.size:
            raise CheckFailed(f"{name}[{key!r}] should hold {want.size} number(s), got "
                              f"{got.size}. {note}".strip())
        wrong = np.flatnonzero(~(np.abs(got.reshape(want.shape) - want).reshape(-1) <= 1e-6))
        if wrong.size:
            where = "" if want.size == 1 else f" (entries {', '.join(map(str, wrong))} differ)"
            raise CheckFailed(f"{name}[{key!r}] does not match the network of student ID "
                              f"'{owner}' at x = 2{where}. {hint} {note}".strip())
    return Score(FULL, f"Passed. {note}") if note else None


def q4_hidden_layer(student: Student, rng: np.random.Generator) -> Score | None:
    return check_hand(student, "FORWARD", ("z", "h"),
                      "z = x * W1 + b1 and h = relu(z), one entry per hidden unit.")


def q4_output(student: Student, rng: np.random.Generator) -> Score | None:
    return check_hand(student, "FORWARD", ("y_hat", "loss"),
                      "y_hat = h @ W2 + b2 and loss = (y_hat - y) ** 2 / 2.")


def q4_output_gradients(student: Student, rng: np.random.Generator) -> Score | None:
    return check_hand(student, "BACKWARD", ("dy_hat", "dW2", "db2"),
                      "dloss/dy_hat = y_hat - y; dW2 = h * dloss/dy_hat; db2 = dloss/dy_hat.")


def q4_hidden_gradients(student: Student, rng: np.random.Generator) -> Score | None:
    return check_hand(student, "BACKWARD", ("dh", "dz", "dW1", "db1"),
                      "dh = W2 * dloss/dy_hat; dz = dh where z > 0, else 0; dW1 = x * dz; "
                      "db1 = dz. Watch the signs.")


# -- Q5: step neurons --------------------------------------------------------------------------

def step_weights(value, what: str, units: int) -> tuple[np.ndarray, ...]:
    """(w1, b1, w2) of shape (units,) and b2, from a step network's tuple."""
    w1, b1, w2, b2 = as_sequence(value, what, 4)
    w1, b1, w2 = (as_array(v, f"{name} from {what}", (units,))
                  for v, name in ((w1, "w1"), (b1, "b1"), (w2, "w2")))
    return w1, b1, w2, as_number(b2, f"b2 from {what}")


def q5_box(student: Student, rng: np.random.Generator) -> None:
    """h strictly inside (0, delta), up to BOX_EDGE * delta from each end; 0 outside [0, delta]
    from BOX_EDGE * delta on; at x = 0 and x = delta either 0 or h (the notebook leaves the
    ends open)."""
    for h, delta in ((1.0, 1.0), (float(rng.uniform(2, 5)), float(rng.uniform(0.1, 0.5))),
                     (float(-rng.uniform(1, 3)), float(rng.uniform(2, 6)))):
        what = f"box_network({h:.4g}, {delta:.4g})"
        weights = step_weights(student.call("box_network", h, delta), what, 2)
        edge = BOX_EDGE * delta
        inside = np.concatenate([[edge], np.linspace(0, delta, 101)[1:-1], [delta - edge]])
        outside = np.concatenate([np.linspace(-3 * delta, -edge, 50),
                                  np.linspace(delta + edge, 4 * delta, 50)])
        for points, want, where in ((inside, h, "inside (0, delta)"),
                                    (outside, 0.0, "outside [0, delta]")):
            got = ref.step_network(points, *weights)
            if not np.all(np.abs(got - want) <= 1e-9):
                bad = int(np.argmax(np.abs(got - want)))
                raise CheckFailed(
                    f"{what} should be {want:.4g} {where}, but at x = {points[bad]:.8g} it gives "
                    f"{got[bad]:.4g}. The grader computes sum(w2 * step(w1 * x + b1)) + b2 with "
                    "step(z) = 1 for z > 0, else 0.")
        ends = ref.step_network(np.array([0.0, delta]), *weights)
        for x, got in zip((0.0, delta), ends, strict=True):
            if not min(abs(got), abs(got - h)) <= 1e-9:
                raise CheckFailed(
                    f"At the end x = {x:.4g}, {what} gives {got:.4g}; it may be 0 or "
                    f"{h:.4g} there (either is fine), but nothing else.")


def staircase_errors(student: Student, function: str, B: float) -> list[float]:
    """The worst error on [-B, B] of the student's staircase for ``function``, per unit count."""
    f = getattr(hw0_kernel, function)
    grid = np.linspace(-B, B, 4001)
    errors = []
    for n in STAIRCASE_UNITS:
        what = f"staircase_network(f, {B:g}, {n})"
        weights = step_weights(student.call("staircase_network",
                                            judge_function(function), B, n),
                               what, n)
        errors.append(float(np.max(np.abs(ref.step_network(grid, *weights) - f(grid)))))
    return errors


def lipschitz(function: str, B: float) -> float:
    grid = np.linspace(-B, B, 200_001)
    return float(np.max(np.abs(np.gradient(getattr(hw0_kernel, function)(grid), grid))))


def q5_staircase_error(student: Student, rng: np.random.Generator) -> None:
    for function, B in STAIRCASE_CASES:
        bound_per_unit = 2 * lipschitz(function, B) * 2 * B
        for n, error in zip(STAIRCASE_UNITS, staircase_errors(student, function, B),
                            strict=True):
            if not error <= bound_per_unit / n:
                raise CheckFailed(
                    f"With {n} step units on [-{B:g}, {B:g}], your staircase is off by up to "
                    f"{error:.3g} from a smooth function the grader chose; a staircase with "
                    f"steps of width 2B/n should be within {bound_per_unit / n:.3g} (twice "
                    "the largest slope times the step width). Put the steps on a grid across "
                    "[-B, B] and make each jump the change of f between neighbouring points.")


def q5_staircase_shrinks(student: Student, rng: np.random.Generator) -> None:
    function, B = STAIRCASE_CASES[0]
    errors = staircase_errors(student, function, B)
    if not (all(b < a for a, b in zip(errors, errors[1:])) and errors[-1] <= errors[0] / 4):
        shown = ", ".join(f"{n} units: {e:.3g}" for n, e in zip(STAIRCASE_UNITS, errors,
                                                                 strict=True))
        raise CheckFailed(f"The worst error of your staircase should shrink as units are added "
                          f"(about halving each time the units double); it was {shown}.")


# -- Q6: initialization rules ------------------------------------------------------------------

def rule_check(name: str) -> Callable[[Student, np.random.Generator], None]:
    """The check that ``name`` returns its rule's variance on layer sizes the student has not
    seen."""
    words, rule = RULES[name]

    def run(student: Student, rng: np.random.Generator) -> None:
        sizes = [(784, 64), (64, 10), (3, 500), *map(tuple, rng.integers(2, 2000, (3, 2)))]
        for n_in, n_out in sizes:
            got = as_number(student.call(name, int(n_in), int(n_out)),
                            f"{name}({n_in}, {n_out})")
            expect_close(np.float64(got), np.float64(rule(n_in, n_out)),
                         f"{name}({n_in}, {n_out})", 1e-12,
                         f"It should return the variance {words}.")
    return run


DESCENT_USES = uses("l1_descent", l1_subgradient="Q1")
CHECKS = [
    Check("Q1", "Q1 l1_subgradient: one entry per weight", 4, q1_shape),
    Check("Q1", "Q1 l1_subgradient: matches finite differences away from kinks", 8,
          q1_finite_differences),
    Check("Q2", "Q2 l1_descent: replays the subgradient steps", 6, q2_replay,
          uses=DESCENT_USES),
    Check("Q2", "Q2 l1_descent: returns the weights with the lowest loss", 6,
          q2_lowers_the_loss, uses=DESCENT_USES),
    Check("Q3", "Q3 NET_A: at most 4 ReLU units fit every point of Dataset A", 8,
          q3_dataset_a),
    Check("Q3", "Q3 NET_B: at most 4 ReLU units fit every point of Dataset B", 8,
          q3_dataset_b),
    Check("Q4", "Q4 FORWARD: pre-activations z and activations h of your network", 4,
          q4_hidden_layer),
    Check("Q4", "Q4 FORWARD: output y_hat and loss", 4, q4_output),
    Check("Q4", "Q4 BACKWARD: output-layer gradients", 6, q4_output_gradients),
    Check("Q4", "Q4 BACKWARD: hidden-layer gradients", 6, q4_hidden_gradients),
    Check("Q5", "Q5 box_network: height h on (0, delta), 0 outside [0, delta]", 8, q5_box),
    Check("Q5", "Q5 staircase_network: worst error within twice slope times step width", 8,
          q5_staircase_error),
    Check("Q5", "Q5 staircase_network: worst error shrinks as units are added", 4,
          q5_staircase_shrinks),
    *(Check("Q6", f"Q6 {name}: the variance {words}", 5, rule_check(name))
      for name, (words, _) in RULES.items()),
]
KERNEL_MODULES = (KERNEL_MODULE,)
