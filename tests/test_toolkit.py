"""The checks' shared toolkit: each helper on inputs whose answer is known."""

from __future__ import annotations

import json

import numpy as np
import pytest

from autograder.engine.checks import CheckFailed, Measured
from autograder.engine.keras_model import Reshape, as_model
from autograder.engine.probe import KernelFunction
from autograder.engine.toolkit import (
    KIT,
    assignment_helper,
    calibrated_threshold,
    central_differences,
    gradient_mismatches,
    judge_functions,
    random_net,
    reaches_threshold,
)


def test_central_differences_of_a_known_loss_leave_the_params_as_they_were():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(3, 2)), rng.normal(size=4)
    c = rng.uniform(1, 2, size=(3, 2))
    before = a.copy(), b.copy()
    grads = central_differences(lambda: np.sum(c * a**2) + np.sum(b**3), [a, b])
    assert np.allclose(grads[0], 2 * c * a, atol=1e-7) and np.allclose(grads[1], 3 * b**2,
                                                                         atol=1e-7)
    assert np.array_equal(a, before[0]) and np.array_equal(b, before[1])


def test_gradient_mismatches_names_each_wrong_array_in_order():
    right = [np.ones((2, 2)), np.arange(3.0)]
    assert gradient_mismatches(right, right) == []
    wrong = [right[0] * 2, np.full(3, np.nan)]
    off = gradient_mismatches(wrong, right)
    assert [i for i, _ in off] == [0, 1]
    assert off[0][1] == pytest.approx(1 / 3) and off[1][1] == float("inf")
    assert gradient_mismatches([right[1] * (1 + 1e-9)], [right[1]]) == []


def test_random_net_draws_weights_then_biases_in_the_asked_shapes():
    weights, biases = random_net(np.random.default_rng(0), (5, 4, 1), 1.5, 0.5, bias_rows=True)
    assert [w.shape for w in weights] == [(5, 4), (4, 1)]
    assert [b.shape for b in biases] == [(1, 4), (1, 1)]
    rng = np.random.default_rng(0)
    assert np.array_equal(weights[0], rng.normal(0, 1.5 / np.sqrt(5), (5, 4)))
    weights, biases = random_net(np.random.default_rng(0), (5, 4, 1), 1.5, 0.5)
    assert [b.shape for b in biases] == [(4,), (1,)]


def test_calibrated_threshold_and_judge_functions(tmp_path):
    (tmp_path / "calibration.json").write_text(json.dumps({"threshold": 0.875}))
    assert calibrated_threshold(tmp_path / "calibration.json") == 0.875
    relu = judge_functions(tmp_path / "hwx_kernel.py")("relu")
    assert relu == KernelFunction("relu", module="hwx_kernel")


def test_reaches_threshold_measures_and_says_both_figures(tmp_path):
    report = tmp_path / "calibration.json"
    report.write_text(json.dumps({"threshold": 0.9}))
    said = lambda got, needed: f"reached {got:.1%}, needs {needed:.1%}"  # noqa: E731
    assert reaches_threshold(0.9, report, said) == Measured("test accuracy", 0.9, 0.9)
    with pytest.raises(CheckFailed, match=r"reached 89\.0%, needs 90\.0%") as failed:
        reaches_threshold(0.89, report, said)
    assert failed.value.measured == Measured("test accuracy", 0.89, 0.9)
    with pytest.raises(CheckFailed):
        reaches_threshold(float("nan"), report, said)


def test_an_assignment_helper_is_the_graders_own_copy():
    checks = KIT / "autograder" / "hw0" / "checks.py"
    helper = assignment_helper(str(checks), "hw0_utils")
    assert helper.__file__ == str(KIT / "solutions" / "hw0" / "hw0_utils.py")
    assert helper.normalize_student_id(" A1 ") == "a1"
    with pytest.raises(FileNotFoundError, match="hw0_nothing.py"):
        assignment_helper(str(checks), "hw0_nothing")


def described(layers: list[dict], weights: list, output: np.ndarray, probe: np.ndarray) -> dict:
    return {"layers": layers, "weights": weights, "parameters": 0, "loss": {}, "steps": 0,
            "probe": probe, "probe_output": output}


def test_a_described_keras_model_is_recomputed_in_numpy():
    rng = np.random.default_rng(2)
    kernel, bias = rng.normal(size=(6, 3)), rng.normal(size=3)
    probe = rng.normal(size=(4, 2, 3))
    expected = np.maximum(probe.reshape(4, 6) @ kernel + bias, 0)
    layers = [{"type": "Flatten", "name": "flatten"},
              {"type": "Dense", "name": "dense", "activation": "linear"},
              {"type": "ReLU", "name": "relu", "activation": "relu"}]
    model = as_model(described(layers, [[], [kernel, bias], []], expected, probe), (2, 3))
    assert model.layout() == "Flatten → Dense 3 relu"
    assert np.allclose(model.confirmed().forward(probe.reshape(4, 6)), expected)
    assert Reshape("Reshape", (6,)).flattens(6) and not Reshape("Reshape", (3, 2)).flattens(6)
    lying = as_model(described(layers, [[], [kernel, bias], []], expected + 1, probe), (2, 3))
    with pytest.raises(CheckFailed, match="not what its layers compute"):
        lying.confirmed()
