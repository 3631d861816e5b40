"""What the checks of more than one assignment need alike, written once.

- :func:`assignment_helper`: the judge's own copy of a helper module an assignment ships beside
  its notebook (``solutions/<name>/<module>.py``)
- :func:`calibrated_threshold`: the accuracy threshold ``coursekit calibrate`` committed
- :func:`reaches_threshold`: an accuracy checked against it, as the class report reads it
- :func:`judge_functions`: references to the functions of a judge-owned kernel module
- :func:`random_net`: weights and biases of a small dense net from a generator
- :func:`central_differences`: the finite-difference gradient of a loss over arrays
- :func:`gradient_mismatches`: which gradients miss their finite differences, by relative error

The numpy rebuild of a Keras model is in :mod:`autograder.engine.keras_model`.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import numpy as np

from autograder.engine.assignment import KIT
from autograder.engine.checks import CheckFailed, Measured
from autograder.engine.probe import KernelFunction
from course_utils import rel_error

GRADIENT_TOLERANCE = 1e-6  # relative error; about 1e-9 when a gradient is right


def assignment_helper(checks_file: str, module: str) -> ModuleType:
    """The helper module ``solutions/<name>/<module>.py`` of the assignment whose ``checks.py``
    is ``checks_file`` (pass ``__file__``), imported from the grader's copy, never from the one
    beside a submission. Imported once, as ``module``, like the notebook imports it."""
    if module in sys.modules:
        return sys.modules[module]
    path = KIT / "solutions" / Path(checks_file).resolve().parent.name / f"{module}.py"
    spec = importlib.util.spec_from_file_location(module, path)
    if spec is None or not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: the checks import the helper module "
                                f"{module!r} that the assignment ships beside its notebook.")
    helper = importlib.util.module_from_spec(spec)
    sys.modules[module] = helper
    spec.loader.exec_module(helper)
    return helper


def calibrated_threshold(report: Path) -> float:
    """The test-accuracy threshold in the committed calibration report ``report``
    (calibration.json, written by ``coursekit calibrate``)."""
    return float(json.loads(report.read_text())["threshold"])


def reaches_threshold(accuracy: float, report: Path,
                      failure: Callable[[float, float], str]) -> Measured:
    """``Measured("test accuracy", accuracy, threshold)`` with the calibrated threshold of
    ``report``, when ``accuracy`` reaches it; else CheckFailed with the message
    ``failure(accuracy, threshold)``, carrying the same figure for the class report."""
    needed = calibrated_threshold(report)
    measured = Measured("test accuracy", accuracy, needed)
    if not accuracy >= needed:
        raise CheckFailed(failure(accuracy, needed), measured=measured)
    return measured


def judge_functions(module: Path) -> Callable[[str], KernelFunction]:
    """``function(name)``: a reference to the function ``name`` of the judge-owned kernel module
    ``module`` (a file the assignment lists in ``KERNEL_MODULES``), to pass to ``student.call``."""
    def function(name: str) -> KernelFunction:
        return KernelFunction(name, module=module.stem)

    return function


def random_net(rng: np.random.Generator, sizes: Sequence[int], weight_gain: float,
               bias_std: float, bias_rows: bool = False) -> tuple[list, list]:
    """Weights W[i] (sizes[i], sizes[i+1]) drawn from N(0, (weight_gain / sqrt(sizes[i]))^2),
    then biases from N(0, bias_std^2), each (sizes[i+1],), or (1, sizes[i+1]) with
    ``bias_rows``. All weights are drawn before the biases."""
    weights = [rng.normal(0, weight_gain / np.sqrt(n_in), (n_in, n_out))
               for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
    biases = [rng.normal(0, bias_std, (1, n_out) if bias_rows else n_out) for n_out in sizes[1:]]
    return weights, biases


def central_differences(loss: Callable[[], float], params: Sequence[np.ndarray],
                        eps: float = 1e-6) -> list[np.ndarray]:
    """(loss(p + eps) - loss(p - eps)) / (2 eps) for every entry p of every array of ``params``,
    one array per array of ``params``, shaped like it. ``loss`` takes no arguments and reads the
    arrays; each entry is moved in place and restored, so ``params`` is unchanged afterwards."""
    grads = []
    for param in params:
        grad = np.zeros(param.shape)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + eps
            plus = float(loss())
            param[index] = saved - eps
            minus = float(loss())
            param[index] = saved
            grad[index] = (plus - minus) / (2 * eps)
        grads.append(grad)
    return grads


def gradient_mismatches(got: Sequence[np.ndarray], expected: Sequence[np.ndarray],
                        tolerance: float = GRADIENT_TOLERANCE) -> list[tuple[int, float]]:
    """(index, relative error) for each ``got[i]`` whose ``rel_error`` to ``expected[i]`` is not
    at most ``tolerance`` (NaN and inf never are), in order; empty when all agree."""
    errors = [rel_error(mine, want) for mine, want in zip(got, expected, strict=True)]
    return [(i, error) for i, error in enumerate(errors) if not error <= tolerance]
