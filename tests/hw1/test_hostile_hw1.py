"""What students really do, and what a hostile notebook tries: every run ends, within its limits,
with a results.json that lists every check and scores the honest part."""

from __future__ import annotations

import copy
import dataclasses
import json

import nbformat
import pytest
from conftest import HW1, quick, scores
from submissions import (
    HOSTILE_CELLS,
    after_first_code_cell,
    appended,
    corpus,
    solved,
    with_definitions,
    write,
)

from autograder.engine.assignment import load_assignment
from coursekit.grade import grade_one
from coursekit.paths import AUTOGRADER

pytestmark = pytest.mark.slow
FULL = {q: float(p) for q, p in HW1.questions.items()}
FAST = quick(HW1, cell_seconds=5, call_seconds=5, budget_seconds=240)
# For a train_one_sample that never returns: the notebook's three cells that train stop at 5 s
# each, Q1 to Q3 take seconds, then Q4's calls wait for the rest of the budget.
LOOPING = quick(HW1, cell_seconds=5, call_seconds=5, budget_seconds=45)
MISSING_DERIVATIVE = next(p for p in corpus("hw1", "mutants") if "derivative" in p.stem)


def assert_complete_and_bounded(results: dict, assignment=FAST) -> None:
    assert [t["name"] for t in results["tests"]] == [c.name for c in assignment.checks]
    assert results["execution_time"] < assignment.limits.budget_seconds + 30


@pytest.mark.parametrize("source", list(HOSTILE_CELLS.values()), ids=list(HOSTILE_CELLS))
def test_a_hostile_cell_costs_nothing_else(grade_notebook, source):
    results = grade_notebook(after_first_code_cell(solved("hw1"), source), assignment=FAST)
    assert_complete_and_bounded(results)
    assert scores(results) == FULL
    assert "cell" in results["output"]


def test_infinite_loop_inside_a_graded_function_costs_its_questions(grade_notebook):
    looping = ("def train_one_sample(x, y, weights, biases, learning_rate=0.003):\n"
               "    while True:\n        pass\n")
    results = grade_notebook(with_definitions(solved("hw1"), looping), assignment=LOOPING)
    assert_complete_and_bounded(results, LOOPING)
    got = scores(results)
    assert got["Q1"] == FULL["Q1"] and got["Q2"] == FULL["Q2"]
    assert got["Q3"] < FULL["Q3"] and got["Q4"] == 0
    assert any("took longer than" in t["output"] for t in results["tests"])


def test_memory_hog_inside_a_graded_function_costs_only_that_check(grade_notebook):
    hog = ("import numpy as np\n"
           "def evaluate(X, Y, weights, biases):\n"
           "    waste = np.ones((10**6, 10**4))\n"
           "    return 0.0, 0.0\n")
    results = grade_notebook(with_definitions(solved("hw1"), hog), assignment=FAST)
    got = scores(results)
    assert got["Q2"] < FULL["Q2"]
    assert got["Q1"] == FULL["Q1"] and got["Q3"] == FULL["Q3"] and got["Q4"] == FULL["Q4"]
    assert any("MemoryError" in t["output"] for t in results["tests"])


def test_monkeypatching_numpy_and_the_grader_gains_nothing(grade_notebook):
    patch = ("import sys, types\nimport numpy as np\n"
             "np.allclose = lambda *a, **k: True\n"
             "np.testing.assert_allclose = lambda *a, **k: None\n"
             "np.linalg.norm = lambda *a, **k: 0.0\n"
             "fake = types.ModuleType('autograder')\n"
             "fake.check_question = lambda *a, **k: 100\n"
             "sys.modules['autograder'] = sys.modules['autograder.engine'] = fake\n")
    wrong = with_definitions(solved("hw1"), MISSING_DERIVATIVE.read_text())
    results = grade_notebook(appended(wrong, patch))
    assert scores(results)["Q3"] < FULL["Q3"]


def test_a_results_file_written_by_the_student_is_replaced(tmp_path):
    out = tmp_path / "out" / "results.json"
    out.parent.mkdir()
    out.parent.chmod(0o755)
    forged = json.dumps({"score": 1000, "tests": []})
    cell = (f"import pathlib\nfor p in [{str(out)!r}, '/autograder/results/results.json']:\n"
            f"    try:\n        pathlib.Path(p).write_text({forged!r})\n"
            "    except OSError as error:\n        print(error)\n")
    wrong = with_definitions(solved("hw1"), MISSING_DERIVATIVE.read_text())
    submission = write(appended(wrong, cell), tmp_path / "hw1.ipynb")
    grade_one(load_assignment("hw1"), submission, out)
    final = json.loads(out.read_text())
    assert final["score"] < 100 and len(final["tests"]) == len(HW1.checks)


def test_reading_the_autograder_files_leaks_nothing(grade_notebook):
    hidden = AUTOGRADER / "hw1" / "checks.py"
    thief = ("def init_params(layer_sizes, rng):\n"
             f"    raise Exception(open({str(hidden)!r}).read())\n")
    results = grade_notebook(with_definitions(solved("hw1"), thief))
    shown = json.dumps(results)
    secret = [line.strip() for line in hidden.read_text().splitlines() if len(line.strip()) > 30]
    assert not [line for line in secret if line in shown]
    assert scores(results)["Q1"] == 0


def test_a_renamed_notebook_in_a_folder_is_found(tmp_path):
    folder = tmp_path / "submission"
    write(solved("hw1"), folder / "hw1 (2).ipynb")
    write(nbformat.v4.new_notebook(), folder / "scratch.ipynb")
    results = json.loads(grade_one_path(folder, tmp_path).read_text())
    assert results["score"] == 100


def grade_one_path(submission, tmp_path):
    out = tmp_path / "results.json"
    grade_one(load_assignment("hw1"), submission, out)
    return out


def test_deleted_reordered_and_duplicated_cells_still_grade_the_functions(grade_notebook):
    notebook = solved("hw1")
    kept = [c for c in notebook.cells
            if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("grade")]
    notebook.cells = [cell for c in reversed(kept) for cell in (c, copy.deepcopy(c))]
    results = grade_notebook(notebook)
    assert scores(results) == FULL


def test_malformed_notebook_json_gets_every_check_at_zero_with_a_reason(grade_notebook):
    text = json.dumps(solved("hw1"))[:5000]
    results = grade_notebook(text)
    assert results["score"] == 0
    assert [t["name"] for t in results["tests"]] == [c.name for c in HW1.checks]
    assert all("not a valid notebook" in t["output"] for t in results["tests"])


def test_wrong_signature_and_hard_coded_answers_lose_their_questions(grade_notebook):
    cheats = ("def backprop_sample(x, y, params):\n    return 0.0, [], []\n\n\n"
              "def forward_sample(x, y, weights, biases):\n"
              "    return 2.302585092994046, one_hot(0)\n")
    got = scores(grade_notebook(with_definitions(solved("hw1"), cheats)))
    assert got["Q1"] == FULL["Q1"]
    assert got["Q2"] < FULL["Q2"] and got["Q3"] == 0


FINITE_DIFFERENCE_BACKPROP = '''
def backprop_sample(x, y, weights, biases):
    eps = 1e-6
    loss = forward_sample(x, y, weights, biases)[0]
    grads = []
    for param in weights + biases:
        grad = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + eps
            plus = forward_sample(x, y, weights, biases)[0]
            param[index] = saved - eps
            minus = forward_sample(x, y, weights, biases)[0]
            param[index] = saved
            grad[index] = (plus - minus) / (2 * eps)
        grads.append(grad)
    return loss, grads[:len(weights)], grads[len(weights):]
'''


def test_gradients_by_finite_differences_lose_the_gradient_points(grade_notebook):
    # Its training cells time out; its calls get room (finite differences are slow on a busy
    # machine, and only the count of forward passes is the point here).
    only_q3 = dataclasses.replace(quick(HW1, cell_seconds=5, call_seconds=60,
                                        budget_seconds=240),
                                  questions={"Q3": 40.0},
                                  checks=[c for c in HW1.checks if c.question == "Q3"])
    results = grade_notebook(with_definitions(solved("hw1"), FINITE_DIFFERENCE_BACKPROP),
                             assignment=only_q3)
    by_name = {t["name"]: t for t in results["tests"]}
    assert results["score"] == 40 - 12 - 8  # the loss and the update are right
    for name in ("Q3 backprop_sample: weight gradients match finite differences",
                 "Q3 backprop_sample: bias gradients match finite differences"):
        assert by_name[name]["score"] == 0
        assert "finite differences, not backpropagation" in by_name[name]["output"]
