"""Shared fixtures: grading a notebook with the real engine, in a fresh kernel each time."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from submissions import write

from autograder.engine.assignment import Assignment, load_assignment
from autograder.engine.judge import grade, points_per_question

HW1 = load_assignment("hw1")


def quick(assignment: Assignment, **limits) -> Assignment:
    """``assignment`` with shorter limits, for tests whose point is a limit being hit."""
    return dataclasses.replace(assignment, limits=dataclasses.replace(assignment.limits, **limits))


scores = points_per_question


@pytest.fixture
def grade_notebook(tmp_path: Path):
    """grade_notebook(notebook_or_text, name="hw1.ipynb", assignment=HW1) -> results dict."""
    def run(notebook, name: str = "hw1.ipynb", assignment: Assignment = HW1) -> dict:
        return grade(assignment, write(notebook, tmp_path / "submission" / name))
    return run
