"""A toy assignment of the engine tests' own (two questions, two checks), so that changing a
course assignment never breaks them, and a notebook made of code cells."""

from __future__ import annotations

import nbformat

from autograder.engine.assignment import Assignment
from autograder.engine.checks import Check, CheckFailed, expect_close
from autograder.engine.kernel import Limits


def check_add(student, rng):
    a, b = rng.normal(size=3), rng.normal(size=3)
    expect_close(student.call("add", a, b), a + b, "add(a, b)", 1e-12)


def check_scale(student, rng):
    values = rng.normal(size=4)
    result, (after,) = student.call("scale_in_place", values, 3.0, return_args=(0,))
    if result is not None:
        raise CheckFailed("scale_in_place should return None.")
    expect_close(after, 3.0 * values, "the scaled array", 1e-12)


TOY = Assignment(
    name="toy", notebook="toy.ipynb", questions={"Q1": 2, "Q2": 1},
    checks=[Check("Q1", "Q1 add: sums arrays", 2, check_add),
            Check("Q2", "Q2 scale_in_place: changes the caller's array", 1, check_scale)],
    limits=Limits(cell_seconds=3, call_seconds=3, budget_seconds=60),
)
CORRECT = ["import numpy as np",
           "def add(a, b):\n    return a + b",
           "def scale_in_place(values, factor):\n    values *= factor"]


def toy_notebook(*cells: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    return notebook
