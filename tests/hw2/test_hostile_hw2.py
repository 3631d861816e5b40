"""HW1's hostile cases replayed on HW2, and what is new with HW2's interface: every run ends,
within its limits, with a results.json that lists every check and scores the honest part."""

from __future__ import annotations

import dataclasses
import json

import pytest
from conftest import quick, scores
from submissions import (
    HOSTILE_CELLS,
    after_first_code_cell,
    appended,
    corpus,
    solved,
    with_definitions,
)

from autograder.engine.assignment import load_assignment
from coursekit.paths import AUTOGRADER

pytestmark = pytest.mark.slow
HW2 = load_assignment("hw2")
FULL = dict(HW2.questions)
FAST = quick(HW2, cell_seconds=5, call_seconds=10, budget_seconds=300)
SHORT = quick(HW2, cell_seconds=5, call_seconds=5, budget_seconds=50)  # for runs that never end
SUMMED = next(p for p in corpus("hw2", "mutants") if p.stem == "summed_gradients")


@pytest.mark.parametrize("source", list(HOSTILE_CELLS.values()), ids=list(HOSTILE_CELLS))
def test_a_hostile_cell_costs_nothing_else(grade_notebook, source):
    results = grade_notebook(after_first_code_cell(solved("hw2"), source), assignment=FAST)
    assert [t["name"] for t in results["tests"]] == [c.name for c in HW2.checks]
    assert scores(results) == FULL
    assert "cell" in results["output"]


def test_a_train_that_never_ends_costs_only_what_needs_it(grade_notebook):
    looping = ("def train(X_train, y_train, X_test, y_test, rng, layer_dims=(784, 200, 1),\n"
               "          batch_size=100, step_size=0.1, epochs=5):\n"
               "    while True:\n        pass\n")
    results = grade_notebook(with_definitions(solved("hw2"), looping), assignment=SHORT)
    got = scores(results)
    assert got["e"] == 0 and got["f"] == 0
    assert results["execution_time"] < SHORT.limits.budget_seconds + 30
    assert {q: got[q] for q in FULL if q not in ("e", "f")} == {q: FULL[q] for q in FULL
                                                          if q not in ("e", "f")}
    assert any("took longer than" in t["output"] for t in results["tests"])


def test_memory_hog_inside_a_graded_function_costs_only_what_calls_it(grade_notebook):
    hog = ("import numpy as np\n"
           "def relu_activation(s):\n"
           "    waste = np.ones((10**6, 10**4))\n"
           "    return np.maximum(s, 0), (s > 0) * 1.0\n")
    got = scores(grade_notebook(with_definitions(solved("hw2"), hog), assignment=FAST))
    assert got["b.iii"] == 0 and got["e"] < FULL["e"]
    assert {q: got[q] for q in ("a", "b.i", "b.ii", "c", "d")} == {
        q: FULL[q] for q in ("a", "b.i", "b.ii", "c", "d")}


def test_monkeypatching_numpy_and_the_grader_gains_nothing(grade_notebook):
    patch = ("import sys, types\nimport numpy as np\n"
             "np.allclose = lambda *a, **k: True\n"
             "np.linalg.norm = lambda *a, **k: 0.0\n"
             "fake = types.ModuleType('autograder')\n"
             "sys.modules['autograder'] = sys.modules['autograder.engine'] = fake\n")
    wrong = with_definitions(solved("hw2"), SUMMED.read_text())
    got = scores(grade_notebook(appended(wrong, patch), assignment=HW2))
    assert got["d"] < FULL["d"]


def test_reading_the_judge_owned_kernel_module_and_the_checks_leaks_nothing(grade_notebook):
    hidden = AUTOGRADER / "hw2" / "checks.py"
    thief = ("def relu_activation(s):\n"
             "    import glob\n"
             "    for path in glob.glob('/tmp/*/*/hw2_kernel.py'):  # the judge's module\n"
             "        raise Exception(open(path).read())\n"
             f"    raise Exception(open({str(hidden)!r}).read())\n")
    results = grade_notebook(with_definitions(solved("hw2"), thief), assignment=FAST)
    shown = json.dumps(results)
    secret = [line.strip() for path in (hidden, hidden.with_name("hw2_kernel.py"))
              for line in path.read_text().splitlines() if len(line.strip()) > 30]
    assert not [line for line in secret if line in shown]
    assert scores(results)["b.iii"] == 0


FINITE_DIFFERENCE_BACKWARD = '''
def backward_pass(dL_dg, caches):
    eps = 1e-6
    X = caches[0][0]
    params = [c[1] for c in caches]
    weights = [c[1] for c in caches]

    def surrogate():
        out = X
        for i, W in enumerate(weights):
            act = relu_activation if i < len(weights) - 1 else sigmoid_activation
            out, _ = layer_forward(out, W, np.zeros((1, W.shape[1])), act)
        return float(np.sum(dL_dg * out)) / len(X)

    grad_Ws = finite_difference_gradients(surrogate, params, eps)
    return grad_Ws, [np.zeros((1, W.shape[1])) for W in weights]
'''


def test_gradients_by_finite_differences_lose_the_gradient_points(grade_notebook):
    only_d = dataclasses.replace(FAST, questions={"d": 20.0},  # its training cells time out
                                 checks=[c for c in HW2.checks if c.question == "d"])
    results = grade_notebook(with_definitions(solved("hw2"), FINITE_DIFFERENCE_BACKWARD),
                             assignment=only_d)
    by_name = {t["name"]: t for t in results["tests"]}
    for name in ("d backward_pass: weight gradients match finite differences",
                 "d backward_pass: bias gradients match finite differences"):
        assert by_name[name]["score"] == 0
        assert "finite differences, not backpropagation" in by_name[name]["output"]
