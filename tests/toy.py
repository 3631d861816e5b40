"""A toy assignment of the engine tests' own (two questions, two checks), so that changing a
course assignment never breaks them; a notebook made of code cells; and a copy of the kit whose
only assignment is the toy, for tests that run ``coursekit`` itself."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import nbformat

from autograder.engine.assignment import Assignment, assignment_names
from autograder.engine.checks import Check, CheckFailed, expect_close
from autograder.engine.kernel import Limits
from coursekit.paths import ROOT


def check_add(student, rng):
    a, b = rng.normal(size=3), rng.normal(size=3)
    expect_close(student.call("add", a, b), a + b, "add(a, b)", 1e-12)


def check_scale(student, rng):
    values = rng.normal(size=4)
    result, (after,) = student.call("scale_in_place", values, 3.0, return_args=(0,))
    if result is not None:
        raise CheckFailed("scale_in_place should return None.")
    expect_close(after, 3.0 * values, "the scaled array", 1e-12)


CHECKS = [Check("Q1", "Q1 add: sums arrays", 2, check_add),
          Check("Q2", "Q2 scale_in_place: changes the caller's array", 1, check_scale)]
TOY = Assignment(name="toy", notebook="toy.ipynb", questions={"Q1": 2, "Q2": 1}, checks=CHECKS,
                 limits=Limits(cell_seconds=3, call_seconds=3, budget_seconds=60))
CORRECT = ["import numpy as np",
           "def add(a, b):\n    return a + b",
           "def scale_in_place(values, factor):\n    values *= factor"]


def toy_notebook(*cells: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    return notebook


KIT_CODE = ("autograder", "coursekit", "course_utils", "requirements.txt", "data/datasets.json",
            "assignments/requirements.txt")


def copy_of_the_kit(root: Path) -> Path:
    """The kit's code copied into ``root``, without any of its assignments or their builds."""
    left_out = shutil.ignore_patterns("__pycache__", "dist", "corpus", *assignment_names())
    for part in KIT_CODE:
        (root / part).parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, root / part, ignore=left_out)
        else:
            shutil.copy(ROOT / part, root / part)
    return root


def toy_kit(root: Path, **limits) -> Path:
    """A copy of the kit in ``root`` whose only assignment is the toy, graded by ``coursekit
    grade toy``: ``autograder/toy/`` holds this module as its checks.py and a manifest of TOY's
    questions and limits (``limits`` replacing some)."""
    folder = copy_of_the_kit(root) / "autograder" / "toy"
    folder.mkdir()
    shutil.copy(__file__, folder / "checks.py")
    table = dataclasses.asdict(dataclasses.replace(TOY.limits, **limits))
    memory_mb = 2 * table["memory_bytes"] // 2**20  # room for the kernel and the judge
    (folder / "manifest.toml").write_text("\n".join([
        f'notebook = "{TOY.notebook}"', "[questions]",
        *(f"{label} = {points}" for label, points in TOY.questions.items()),
        "[limits]", *(f"{key} = {value}" for key, value in table.items()),
        "[gradescope]", f"memory_mb = {memory_mb}", ""]))
    return root
