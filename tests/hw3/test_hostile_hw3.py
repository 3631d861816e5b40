"""HW1's hostile cases replayed on HW3, and what is new with a TensorFlow model: the judge takes
neither the model's own predictions nor its history on trust, and never imports TensorFlow."""

from __future__ import annotations

import json
import subprocess
import sys

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

from autograder.engine.assignment import KIT, assignment_names, load_assignment
from coursekit.paths import AUTOGRADER

HW3 = load_assignment("hw3")
FULL = dict(HW3.questions)
# The set-up cell imports TensorFlow: a few seconds, more on a busy machine.
FAST = quick(HW3, cell_seconds=20, budget_seconds=400)
SHORT = quick(HW3, cell_seconds=20, call_seconds=15, budget_seconds=80)  # runs that never end
ENDS_CLEANLY = {"huge-print"}  # a million lines finish within 20 s: there is nothing to report
MISSING_ACTIVATION = next(p for p in corpus("hw3", "mutants") if p.stem == "missing_activation")


def others(got: dict, *lost: str) -> dict:
    """The scores of every question but ``lost``."""
    return {q: got[q] for q in FULL if q not in lost}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(HOSTILE_CELLS))
def test_a_hostile_cell_costs_nothing_else(grade_notebook, case):
    results = grade_notebook(after_first_code_cell(solved("hw3"), HOSTILE_CELLS[case]),
                             assignment=FAST)
    assert [t["name"] for t in results["tests"]] == [c.name for c in HW3.checks]
    assert scores(results) == FULL
    assert case in ENDS_CLEANLY or "cell" in results["output"]


@pytest.mark.slow
def test_a_train_model_that_never_ends_costs_only_what_needs_it(grade_notebook):
    looping = ("def train_model(model, x_train, y_train, x_test, y_test, epochs, batch_size):\n"
               "    while True:\n        pass\n")
    results = grade_notebook(with_definitions(solved("hw3"), looping), assignment=SHORT)
    got = scores(results)
    assert got["Q3"] == 0 and got["Q4"] == 0
    assert others(got, "Q3", "Q4") == others(FULL, "Q3", "Q4")
    assert results["execution_time"] < SHORT.limits.budget_seconds + 30
    assert any("Calling train_model took longer than" in t["output"] for t in results["tests"])


@pytest.mark.slow
def test_a_history_made_up_by_train_model_loses_the_test_loss_check(grade_notebook):
    made_up = ("def train_model(model, x_train, y_train, x_test, y_test, epochs, batch_size):\n"
               "    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,\n"
               "                        validation_data=(x_test, y_test), verbose=0)\n"
               "    history.history['val_loss'] = [0.01] * epochs\n"
               "    return history\n")
    results = grade_notebook(with_definitions(solved("hw3"), made_up), assignment=HW3)
    by_name = {t["name"]: t for t in results["tests"]}
    check = by_name["Q3 train_model: the test loss in history is that of the trained weights"]
    assert check["score"] == 0 and "0.0100" in check["output"]
    assert others(scores(results), "Q3") == others(FULL, "Q3")


@pytest.mark.slow
def test_patching_keras_numpy_and_the_grader_gains_nothing(grade_notebook):
    patch = ("import sys, types\nimport keras\nimport numpy as np\n"
             "keras.Model.evaluate = lambda *a, **k: [0.0, 1.0]\n"
             "keras.Model.count_params = lambda self: 242_762\n"
             "np.allclose = lambda *a, **k: True\n"
             "fake = types.ModuleType('autograder')\n"
             "sys.modules['autograder'] = sys.modules['autograder.engine'] = fake\n")
    wrong = with_definitions(solved("hw3"), MISSING_ACTIVATION.read_text())
    got = scores(grade_notebook(appended(wrong, patch), assignment=FAST))
    assert got["Q1"] < FULL["Q1"]


@pytest.mark.slow
def test_reading_the_judge_owned_kernel_module_and_the_checks_leaks_nothing(grade_notebook):
    hidden = AUTOGRADER / "hw3" / "checks.py"
    thief = ("def build_model():\n"
             "    import glob\n"
             "    for path in glob.glob('/tmp/*/*/hw3_kernel.py'):  # the judge's module\n"
             "        raise Exception(open(path).read())\n"
             f"    raise Exception(open({str(hidden)!r}).read())\n")
    results = grade_notebook(with_definitions(solved("hw3"), thief), assignment=FAST)
    shown = json.dumps(results)
    secret = [line.strip() for path in (hidden, hidden.with_name("hw3_kernel.py"))
              for line in path.read_text().splitlines() if len(line.strip()) > 30]
    assert not [line for line in secret if line in shown]
    assert scores(results) == {q: 0.0 for q in FULL}


def test_the_judge_never_imports_tensorflow():
    names = ", ".join(repr(n) for n in assignment_names())
    probe = ("import sys\n"
             "import coursekit.cli, coursekit.grade, autograder.gradescope.run\n"
             "from autograder.engine.assignment import load_assignment\n"
             f"for name in [{names}]:\n"
             "    load_assignment(name)\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('tensorflow', 'keras')))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=KIT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[]"
