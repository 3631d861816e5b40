"""The same checks, run inside a source notebook's hidden-test cell.

The nbgrader sources call :func:`check_question` from their hidden tests, so ``nbgrader
validate``, ``coursekit release`` and the judge apply one set of checks. Here the notebook is the
instructor's own, so its functions are called in-process, with every argument and result passed
through the same wire encoding the judge uses.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from autograder.engine import probe
from autograder.engine.assignment import Assignment, load_assignment
from autograder.engine.checks import judge_all
from autograder.engine.judge import interpret


def round_trip(value: Any, rows_dir: Path | None, kernel: probe.KernelSide | None = None) -> Any:
    """``value`` after a trip through the wire encoding (copies arrays, builds rngs and rows,
    resolves handles and kernel functions)."""
    arrays: dict[str, np.ndarray] = {}
    spec = probe.pack(value, arrays)
    return probe.unpack(spec, {k: v.copy() for k, v in arrays.items()}, rows_dir, kernel)


_ROWS_FOLDERS: dict[str, Path] = {}


def rows_folder(assignment: Assignment) -> Path:
    """A folder holding the assignment's dataset rows and kernel modules, written once per
    process."""
    if assignment.name not in _ROWS_FOLDERS:
        folder = Path(tempfile.mkdtemp(prefix=f"coursekit-rows-{assignment.name}-"))
        atexit.register(shutil.rmtree, folder, True)
        assignment.write_kernel_side(folder)
        _ROWS_FOLDERS[assignment.name] = folder
    return _ROWS_FOLDERS[assignment.name]


class InProcessStudent:
    """The notebook's own namespace, called directly."""

    def __init__(self, namespace: dict, rows_dir: Path, identity: str | None = None):
        self.kernel = probe.KernelSide(namespace, {}, rows_dir)  # rows and modules: one folder
        self.identity = identity

    def call(self, function: str | probe.KernelFunction, *args: Any, return_args=(),
             timeout: float | None = None, keep: bool = False, allow_raise: bool = False,
             warnings_as_errors: bool = False, count_calls=(), **kwargs: Any) -> Any:
        name, module = probe.call_target(function)
        namespace = probe.judge_module(self.kernel, module) if module else self.kernel.namespace
        shown = probe.named_in_messages(function, args, kwargs)
        try:
            args = round_trip(list(args), self.kernel.modules, self.kernel)
            kwargs = round_trip(kwargs, self.kernel.modules, self.kernel)
            answer = probe.answer_call(namespace, name, args, kwargs, list(return_args),
                                       self.kernel.kept, keep, warnings_as_errors,
                                       list(count_calls), self.kernel.namespace)
        except probe.NotDefined as error:
            answer = probe.not_defined(error)
        return interpret(shown,
                         round_trip(answer, None), bool(return_args), allow_raise,
                         bool(count_calls))

    def value(self, name: str) -> Any:
        answer = probe.answer_value(self.kernel.namespace, name)
        return interpret(name, round_trip(answer, None), False)

    def forget(self) -> None:
        self.kernel.kept.clear()


def check_question(assignment_name: str, question: str, namespace: dict) -> float:
    """Run one question's hidden checks on ``namespace``; raise AssertionError if any fails."""
    assignment = load_assignment(assignment_name)
    student = InProcessStudent(namespace, rows_folder(assignment))
    checks = [c for c in assignment.checks if c.question == question]
    verdicts = judge_all(checks, student, assignment.name)
    for verdict in verdicts:
        mark = "passed" if verdict.passed else "FAILED"
        print(f"{verdict.check.name}: {mark} ({verdict.score:g}/{verdict.check.points:g})")
        if not verdict.passed:
            print(f"    {verdict.message}")
    score = sum(v.score for v in verdicts)
    failed = [v for v in verdicts if not v.passed]
    if failed:
        raise AssertionError(f"{question}: {len(failed)} hidden check(s) failed: "
                             + "; ".join(v.check.name for v in failed))
    return score
