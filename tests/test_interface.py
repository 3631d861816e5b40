"""The kernel interface's verbs, the same through the judge's kernel and in-process: values by
name, handles to kept objects (which end with their check), kernel functions as arguments (a
missing one named in the message), exceptions and warnings as data, and scores for partial
credit."""

from __future__ import annotations

import math

import nbformat
import numpy as np
import pytest

from autograder.engine.assignment import Assignment
from autograder.engine.checks import Check, CheckFailed, Score, expect_close, judge
from autograder.engine.inline import InProcessStudent
from autograder.engine.judge import grade, points_per_question
from autograder.engine.kernel import Limits
from autograder.engine.probe import Handle, KernelFunction, Raised

JUDGE_MODULE = ("def add_one(x):\n    return x + 1\n\n"
                "def run_on_fresh_list(student_function):\n"
                "    values = [1.0, 2.0]\n"
                "    student_function(values)\n"
                "    return values\n")


def check_value(student, rng):
    memorize = student.value("MEMORIZE")
    if memorize != {"epochs": 3, "rates": [0.1, 0.2]}:
        raise CheckFailed(f"MEMORIZE should be {{'epochs': 3, ...}}, got {memorize!r}.")


def check_handles(student, rng):
    x = rng.normal(size=4)
    cache = student.call("make_cache", x, keep=True)
    if not isinstance(cache, Handle):
        raise CheckFailed(f"expected a handle, got {cache!r}")
    expect_close(student.call("use_cache", cache), np.array(np.sum(x ** 2)), "use_cache", 1e-12)


def check_kernel_functions(student, rng):
    own = student.call("apply_twice", KernelFunction("double"), 3.0)
    judges = student.call("apply_twice", KernelFunction("add_one", module="toy_helpers"), 3.0)
    if (own, judges) != (12.0, 5.0):
        raise CheckFailed(f"apply_twice gave {own} and {judges}, expected 12.0 and 5.0.")
    driven = student.call(KernelFunction("run_on_fresh_list", module="toy_helpers"),
                          KernelFunction("append_three"))
    if driven != [1.0, 2.0, 3.0]:
        raise CheckFailed(f"the judge's run_on_fresh_list gave {driven}, expected [1, 2, 3].")


def check_raises(student, rng):
    raised = student.call("strict_add", np.zeros(3), np.zeros((3, 1)), allow_raise=True)
    if not isinstance(raised, Raised) or raised.type != "ValueError":
        raise CheckFailed(f"strict_add should raise ValueError on shapes (3,) and (3, 1); "
                          f"got {raised!r}.")


def check_warnings(student, rng):
    quiet = student.call("exp_of", 1000.0)
    loud = student.call("exp_of", 1000.0, warnings_as_errors=True, allow_raise=True)
    if not (math.isinf(quiet) and isinstance(loud, Raised) and loud.type == "RuntimeWarning"):
        raise CheckFailed(f"expected inf, then a RuntimeWarning; got {quiet!r} and {loud!r}.")


def check_counts(student, rng):
    total, calls = student.call("sum_of_squares", [1.0, 2.0, 3.0], count_calls=("square",))
    if (total, calls) != (14.0, {"square": 3}):
        raise CheckFailed(f"expected 14.0 from 3 calls of square; got {total} from {calls}.")
    again, calls = student.call("sum_of_squares", [4.0], count_calls=("square",))
    if (again, calls) != (16.0, {"square": 1}):
        raise CheckFailed(f"expected the count to start again; got {again} from {calls}.")


def check_handles_end_with_their_check(student, rng):
    try:  # check_handles kept the kernel's first object as h0; it is forgotten since
        student.call("use_cache", Handle("h0"))
    except Exception:  # noqa: BLE001 - however the kernel says it, the object is gone
        return
    raise CheckFailed("an object kept by an earlier check was still in the kernel.")


def check_missing_function_is_named(student, rng):
    try:
        student.call(KernelFunction("run_on_fresh_list", module="toy_helpers"),
                     KernelFunction("no_such_function"))
    except CheckFailed as failure:
        if "Expected a function named no_such_function" not in str(failure):
            raise CheckFailed(f"the message does not name the function: {failure}") from None
        return
    raise CheckFailed("calling with a function the notebook lacks did not fail.")


def check_partial(student, rng):
    return Score(0.5, "Half the points, and a line of feedback.")


CHECKS = [check_value, check_handles, check_kernel_functions, check_raises, check_warnings,
          check_counts, check_handles_end_with_their_check, check_missing_function_is_named,
          check_partial]
NOTEBOOK = [
    "import numpy as np\nMEMORIZE = {'epochs': 3, 'rates': [0.1, 0.2]}",
    "class Cache:\n    def __init__(self, x):\n        self.squares = x ** 2\n\n"
    "def make_cache(x):\n    return Cache(x)\n\n"
    "def use_cache(cache):\n    return cache.squares.sum()",
    "def double(x):\n    return 2 * x\n\ndef apply_twice(f, x):\n    return f(f(x))\n\n"
    "def append_three(values):\n    values.append(3.0)",
    "def strict_add(a, b):\n    if a.shape != b.shape:\n        raise ValueError('shapes differ')\n"
    "    return a + b",
    "def exp_of(x):\n    return np.exp(x)",
    "def square(x):\n    return x * x\n\n"
    "def sum_of_squares(xs):\n    return sum(square(x) for x in xs)",
]


@pytest.fixture
def toy(tmp_path) -> Assignment:
    module = tmp_path / "toy_helpers.py"
    module.write_text(JUDGE_MODULE)
    questions = {f"V{i}": 1 for i in range(1, len(CHECKS) + 1)}
    checks = [Check(q, f"{q} {run.__name__}", 1, run) for q, run in zip(questions, CHECKS,
                                                                          strict=True)]
    return Assignment("toy", "toy.ipynb", questions, checks,
                      kernel_modules=(module,),
                      limits=Limits(cell_seconds=10, call_seconds=10, budget_seconds=120))


EXPECTED = {"V1": 1, "V2": 1, "V3": 1, "V4": 1, "V5": 1, "V6": 1, "V7": 1, "V8": 1, "V9": 0.5}


def test_every_verb_works_through_the_kernel(toy, tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in NOTEBOOK]
    nbformat.write(notebook, tmp_path / "toy.ipynb")
    results = grade(toy, tmp_path / "toy.ipynb")
    assert points_per_question(results) == EXPECTED, results["tests"]
    assert results["tests"][-1]["output"] == "Half the points, and a line of feedback."


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_every_verb_works_in_process(toy, tmp_path):
    namespace: dict = {}
    for source in NOTEBOOK:
        exec(source, namespace)  # noqa: S102 - the test's own notebook
    folder = tmp_path / "kernel-side"
    folder.mkdir()
    toy.write_kernel_side(folder)
    student = InProcessStudent(namespace, folder)
    got = {c.question: judge(c, student, "toy").score for c in toy.checks}
    assert got == EXPECTED


def test_wrong_answers_fail_the_verbs_checks(toy, tmp_path):
    wrong = [NOTEBOOK[0].replace("'epochs': 3", "'epochs': 4"), NOTEBOOK[1],
             "def double(x):\n    return x\n\ndef apply_twice(f, x):\n    return f(x)",
             "def strict_add(a, b):\n    return a + b",
             "def exp_of(x):\n    return np.exp(np.minimum(x, 700.0))",
             "def sum_of_squares(xs):\n    return sum(x * x for x in xs)"]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in wrong]
    nbformat.write(notebook, tmp_path / "toy.ipynb")
    got = points_per_question(grade(toy, tmp_path / "toy.ipynb"))
    assert got == {"V1": 0, "V2": 1, "V3": 0, "V4": 0, "V5": 0, "V6": 0, "V7": 1, "V8": 1,
                   "V9": 0.5}
