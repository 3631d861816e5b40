"""Checks as data: a name, the points, and a function that judges one student.

A check function receives a :class:`Student` (remote or in-process, the check cannot tell) and a
seeded ``numpy.random.Generator`` for its hidden inputs. It returns nothing when the student
passes (or a :class:`Score`, for partial credit or a line of feedback, or a :class:`Measured`,
for a figure compared with a threshold) and raises :class:`CheckFailed` with a message for the
student otherwise. The message says what was expected, what came, and where to look, never the
hidden answer.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from autograder.engine.probe import KernelFunction, Other
from course_utils import rel_error

T = TypeVar("T")


class CheckFailed(AssertionError):
    """The student's answer is wrong; the message is for the student. ``measured`` is the
    figure a threshold check saw, if it got that far (see :class:`Measured`)."""

    def __init__(self, message: str, measured: Measured | None = None):
        super().__init__(message)
        self.measured = measured


class StudentError(CheckFailed):
    """Calling the student's function did not produce an answer (missing, raised, timed out)."""


class Student(Protocol):
    """The student's notebook, as the checks see it.

    Arguments may be numbers and arrays, ``probe.Seeded``/``probe.Rows`` inputs, handles that
    earlier calls kept, and ``probe.KernelFunction``s (a function of the notebook's, or of a
    judge-owned module of the assignment's ``kernel_modules``).

    ``identity`` is the student ID the platform gives for this submission (Gradescope's
    metadata, or the roster of a local batch), or None where there is none.
    """

    identity: str | None

    def call(self, function: str | KernelFunction, *args: Any, return_args: Sequence[int] = (),
             timeout: float | None = None, keep: bool = False, allow_raise: bool = False,
             warnings_as_errors: bool = False, count_calls: Sequence[str] = (),
             **kwargs: Any) -> Any:
        """Call ``function`` from the notebook, or a ``probe.KernelFunction`` of a judge-owned
        module (which may call notebook functions passed to it as arguments).

        - return_args: also return those arguments as they are after the call, as
          ``(result, [arg, ...])``
        - keep: leave the result in the kernel and return a ``probe.Handle`` to it
        - allow_raise: an exception is returned as a ``probe.Raised`` instead of failing
        - warnings_as_errors: a warning during the call raises (see ``allow_raise``)
        - count_calls: names of notebook functions to count while the call runs; the return
          value becomes ``(what it would be, {name: times it ran})``
        """
        ...

    def value(self, name: str) -> Any:
        """The value the notebook holds under ``name`` (numbers and containers of them)."""
        ...

    def forget(self) -> None:
        """Drop every object kept in the kernel: a handle lives as long as the check that
        made it (``judge`` calls this after each check)."""
        ...


@dataclass(frozen=True)
class Uses:
    """The student's functions that the function a check grades calls, each with the question
    that grades it: ``Uses("train", (("forward_pass", "c"), ("backward_pass", "d")))``, or
    :func:`uses`. When the check fails while one of those questions fails too, its message says
    to fix that question first."""

    caller: str
    functions: tuple[tuple[str, str], ...]

    def note(self, failed: set[str]) -> str:
        """The sentence to put before a failure message, given the questions that failed."""
        broken = [(function, question) for function, question in self.functions
                  if question in failed]
        if not broken:
            return ""
        if len(broken) == 1:
            function, question = broken[0]
            return (f"{self.caller} calls your {function}, which fails {question}: fix "
                    f"{question} first. ")
        calls = " and ".join(f"your {function} ({question})" for function, question in broken)
        questions = " and ".join(dict.fromkeys(question for _, question in broken))
        return f"{self.caller} calls {calls}, which fail their own checks: fix {questions} first. "


def uses(caller: str, **functions: str) -> Uses:
    """``uses("l1_descent", l1_subgradient="Q1")``: see :class:`Uses`."""
    return Uses(caller, tuple(functions.items()))


@dataclass(frozen=True)
class Check:
    """One graded test: ``name`` starts with its question label (``"Q3 ..."``); ``uses`` names
    the student's functions of other questions that the graded function calls."""

    question: str
    name: str
    points: float
    run: Callable[[Student, np.random.Generator], Score | Measured | None]
    uses: Uses | None = None


@dataclass(frozen=True)
class Score:
    """What a check may return instead of passing outright: ``points`` (partial credit, at
    most the check's) and a message for the student (e.g. a bonus line)."""

    points: float
    message: str


@dataclass(frozen=True)
class Measured:
    """A figure a check compared with a threshold, kept in the results for the class report:
    ``Measured("test accuracy", 0.912, 0.897)``. Returned by a check that passes; given to
    :class:`CheckFailed` by one that does not."""

    name: str
    value: float
    threshold: float

    def as_dict(self) -> dict:
        return {"name": self.name, "value": float(self.value), "threshold": float(self.threshold)}


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check for one student, with the figure it measured, if any."""

    check: Check
    score: float
    message: str
    measured: Measured | None = None

    @property
    def passed(self) -> bool:
        return self.score >= self.check.points


def once_per_student(run: Callable[[Student], T]) -> Callable[[Student], T]:
    """``run(student)`` computed once per student and shared by the checks that read it (one
    expensive training run seen from several sides); a CheckFailed it raises is shared too."""
    outcomes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @functools.wraps(run)
    def shared(student: Student) -> T:
        if student not in outcomes:
            try:
                outcomes[student] = (True, run(student))
            except CheckFailed as failure:
                outcomes[student] = (False, failure)
        passed, outcome = outcomes[student]
        if not passed:
            raise outcome
        return outcome
    return shared


def seeded_rng(*names: str) -> np.random.Generator:
    """The grader's generator for a check: the same names give the same hidden inputs."""
    digest = hashlib.sha256("/".join(names).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def judge(check: Check, student: Student, assignment: str) -> Verdict:
    """Run one check and turn any failure into a verdict with a student-facing message."""
    try:
        outcome = check.run(student, seeded_rng(assignment, check.name))
    except CheckFailed as failure:
        return Verdict(check, 0.0, str(failure), failure.measured)
    except Exception as error:  # noqa: BLE001 - an answer odd enough to trip the check itself
        return Verdict(check, 0.0, f"Your answer could not be checked ({type(error).__name__}: "
                                   f"{str(error)[:200]}). Check the types and shapes you return.")
    finally:
        student.forget()
    if isinstance(outcome, Score):
        return Verdict(check, min(max(outcome.points, 0.0), check.points), outcome.message)
    return Verdict(check, check.points, "Passed.",
                   outcome if isinstance(outcome, Measured) else None)


def judge_all(checks: Sequence[Check], student: Student, assignment: str,
              timed: Callable[[str], contextlib.AbstractContextManager] | None = None,
              ) -> list[Verdict]:
    """:func:`judge` each check in turn; a check that fails while a function it builds on
    failed an earlier question (see :class:`Uses`) says to fix that question first. Each check
    runs inside ``timed(its name)``, when given (to see where the time goes)."""
    verdicts: list[Verdict] = []
    failed: set[str] = set()
    for check in checks:
        with timed(check.name) if timed else contextlib.nullcontext():
            verdict = judge(check, student, assignment)
        if not verdict.passed and check.uses is not None:
            note = check.uses.note(failed - {check.question})
            verdict = Verdict(check, verdict.score, note + verdict.message, verdict.measured)
        if not verdict.passed:
            failed.add(check.question)
        verdicts.append(verdict)
    return verdicts


# -- helpers that checks share ---------------------------------------------------------------

def as_array(value: Any, what: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``value`` as a float64 array, or CheckFailed saying why it is not one."""
    if isinstance(value, Other):
        raise CheckFailed(f"{what} should be a numpy array of numbers, but it is a {value.type}.")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be a numpy array of numbers, "
                          f"but it is a {type(value).__name__}.") from None
    if shape is not None and array.shape != tuple(shape):
        raise CheckFailed(f"Wrong shape for {what}: expected {tuple(shape)}, got {array.shape}.")
    return array


def as_number(value: Any, what: str) -> float:
    """``value`` as one finite-or-not float, or CheckFailed."""
    array = as_array(value, what)
    if array.size != 1:
        raise CheckFailed(f"{what} should be a single number, but it has shape {array.shape}.")
    return float(array.reshape(()))


def as_sequence(value: Any, what: str, length: int) -> list:
    """``value`` as a list of ``length`` items, or CheckFailed."""
    if not isinstance(value, list | tuple):
        raise CheckFailed(f"{what} should be a list or tuple, but it is a "
                          f"{getattr(value, 'type', type(value).__name__)}.")
    if len(value) != length:
        raise CheckFailed(f"{what} should have {length} items, but it has {len(value)}.")
    return list(value)


def expect_close(got: np.ndarray, expected: np.ndarray, what: str, tolerance: float,
                 hint: str = "") -> None:
    """CheckFailed unless ``got`` matches ``expected`` to ``tolerance`` (relative difference)."""
    got = as_array(got, what, expected.shape)
    if not np.all(np.isfinite(got)):
        raise CheckFailed(f"{what} contains NaN or inf. {hint}".strip())
    error = rel_error(got, expected)
    if error > tolerance:
        raise CheckFailed(f"{what} is not right: relative difference {error:.1e} from the expected "
                          f"values (allowed {tolerance:.0e}). {hint}".strip())
