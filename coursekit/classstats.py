"""The numbers of a class report, from the submissions' results (:class:`graded.Graded`).

Per check: how many passed, partial, failed; its **difficulty**, the mean fraction of its
points the class scored (1 = everyone passed); its **discrimination**, the correlation of its
score with the rest of the score (the total without this check) over the class: near 1, the
students who do well elsewhere pass it; below 0, the strongest fail it more than the weakest.
A check is flagged "look at this check" when fewer than one in ten pass it, or its
discrimination is below -0.1 (below 0 by more than a class's noise).

Failure messages are grouped by their wording with the numbers taken out: "expected (784, 32),
got (32, 784)" and "expected (784, 32), got (10, 784)" are one kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from coursekit.graded import Graded

FEW_PASS = 0.10  # flagged when fewer than this fraction of the class passes
NEGATIVE_DISCRIMINATION = -0.10  # flagged when the discrimination is below this
NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?")


def message_kind(message: str) -> str:
    """``message`` with each number (``784``, ``-0.5``, ``1.2e-07``, ``91.3%``, ``60,000``)
    replaced by ``#``: messages that differ only in their numbers are one kind."""
    return " ".join(NUMBER.sub("#", message).split())


@dataclass
class MessageKind:
    """One kind of failure message of a check: its pattern, one message as the students saw
    it, and the submissions that got it."""

    pattern: str
    example: str
    submissions: list[str] = field(default_factory=list)


@dataclass
class CheckStats:
    """A check over the class. ``scores`` holds each graded submission's points for it, in
    the order of ``ClassStats.graded``."""

    question: str
    name: str
    max_score: float
    scores: np.ndarray  # shape (n,)
    passed: int
    partial: int
    failed: int
    difficulty: float  # mean fraction of the points, in [0, 1]
    discrimination: float | None  # None where it is undefined (no spread, under 3 students)
    kinds: list[MessageKind]  # failure messages, the most common first

    @property
    def flags(self) -> list[str]:
        """Why to look at this check, if there is a reason."""
        reasons = []
        n = len(self.scores)
        if n and self.passed / n < FEW_PASS:
            reasons.append(f"only {self.passed} of {n} pass it")
        if self.discrimination is not None and self.discrimination < NEGATIVE_DISCRIMINATION:
            reasons.append("the strongest students fail it more than the weakest")
        return reasons


@dataclass
class ClassStats:
    """The class: the submissions that have results (``graded``), those that have none
    (``unreadable``, each with its problem), the totals and the per-check statistics."""

    graded: list[Graded]
    unreadable: list[Graded]
    totals: np.ndarray  # shape (n,): each graded submission's score
    max_score: float
    questions: dict[str, float]  # label -> points possible, in the notebook's order
    checks: list[CheckStats]

    def question_scores(self, question: str) -> np.ndarray:
        """Each graded submission's points on ``question``, shape (n,)."""
        return np.array([g.question_scores().get(question, (0.0, 0.0))[0]
                         for g in self.graded])


def correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    """Pearson's correlation of two equal-length vectors; None without spread in either or
    with fewer than 3 values."""
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def class_stats(submissions: list[Graded]) -> ClassStats:
    """The statistics of a class. Checks are matched by name; the layout (questions, checks,
    points) is the first graded submission's, plus any check that only later ones list."""
    graded = [g for g in submissions if g.problem is None and g.checks]
    unreadable = [g for g in submissions if g not in graded]
    layout: dict[str, tuple[str, float]] = {}
    questions: dict[str, float] = {}
    for submission in graded:
        for check in submission.checks:
            if check.name not in layout:
                layout[check.name] = (check.question, check.max_score)
                questions[check.question] = questions.get(check.question, 0.0) + check.max_score
    totals = np.array([g.score for g in graded], dtype=float)
    checks = []
    for name, (question, max_score) in layout.items():
        results = [next((c for c in g.checks if c.name == name), None) for g in graded]
        scores = np.array([c.score if c else 0.0 for c in results], dtype=float)
        states = [c.state if c else "failed" for c in results]
        kinds: dict[str, MessageKind] = {}
        for submission, result in zip(graded, results, strict=True):
            if result is None or result.state == "passed":
                continue
            pattern = message_kind(result.message)
            kind = kinds.setdefault(pattern, MessageKind(pattern, result.message))
            kind.submissions.append(submission.name)
        fractions = scores / max_score if max_score else np.ones_like(scores)
        checks.append(CheckStats(
            question=question, name=name, max_score=max_score, scores=scores,
            passed=states.count("passed"), partial=states.count("partial"),
            failed=states.count("failed"),
            difficulty=float(fractions.mean()) if len(scores) else 0.0,
            discrimination=correlation(scores, totals - scores),
            kinds=sorted(kinds.values(), key=lambda k: -len(k.submissions))))
    return ClassStats(graded, unreadable, totals, sum(questions.values()), questions, checks)
