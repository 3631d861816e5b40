"""What the engine needs to know about one assignment.

An assignment is a folder ``autograder/<name>/`` whose ``checks.py`` defines ``ASSIGNMENT``.
Adding an assignment means adding a folder; the engine does not change.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.engine.checks import Check, Student
from autograder.engine.kernel import Limits

AUTOGRADER = Path(__file__).resolve().parents[1]
ENGINE_FOLDERS = ("engine", "gradescope")  # the rest of autograder/ is one folder per assignment
COURSE_UTILS = AUTOGRADER.parent / "coursekit" / "course_utils.py"


@dataclass(frozen=True)
class Calibration:
    """How ``coursekit calibrate`` sets an accuracy threshold.

    - train: (student, seed) -> test accuracy of the full training run from that seed
    - report: the committed calibration.json (a calibration.md report is written beside it)
    - floor: the lowest threshold the course allows
    - margin: how far below the worst correct run the threshold sits
    """

    train: Callable[[Student, int], float]
    report: Path
    floor: float
    margin: float


@dataclass(frozen=True)
class Assignment:
    """One assignment's grading contract.

    - name: the folder name, e.g. "hw1"
    - notebook: the release notebook's file name, e.g. "hw1.ipynb"
    - questions: question label -> points, in the order students see them
    - checks: every graded test; their points add up to each question's points
    - rows: dataset arrays the kernel may read by rows (see ``probe.Rows``), loaded lazily
    - kernel_files: helper modules placed beside the notebook (the grader's own copies)
    - kernel_modules: judge-owned modules whose functions checks pass to student functions
      (``probe.KernelFunction``); read-only for the kernel
    - notebook_datasets: datasets the notebook itself loads (copied beside it, e.g. "mnist")
    - kernel_env: environment for the student's kernel (e.g. a smaller data subset)
    - runtime_packages: what the notebook imports while it is graded, beyond what the engine
      needs (these and their dependencies go into the Gradescope zip, pinned)
    - limits: time and memory limits
    """

    name: str
    notebook: str
    questions: dict[str, float]
    checks: list[Check]
    rows: dict[str, Callable[[], np.ndarray]] = field(default_factory=dict)
    kernel_files: tuple[Path, ...] = (COURSE_UTILS,)
    kernel_modules: tuple[Path, ...] = ()
    notebook_datasets: tuple[str, ...] = ()
    kernel_env: dict[str, str] = field(default_factory=dict)
    runtime_packages: tuple[str, ...] = ()
    limits: Limits = Limits()
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        for question, points in self.questions.items():
            total = sum(c.points for c in self.checks if c.question == question)
            if abs(total - points) > 1e-9:
                raise ValueError(f"{self.name} {question}: checks add up to {total}, not {points}")
        for check in self.checks:
            if not check.name.startswith(check.question + " "):
                raise ValueError(f"check name {check.name!r} must start with {check.question}")

    @property
    def max_score(self) -> float:
        return sum(self.questions.values())

    def corpus(self, kind: str) -> list[Path]:
        """The corpus files of one kind, "correct" (variants that must get full marks) or
        "mutants" (typical bugs), in ``autograder/<name>/corpus/<kind>/``."""
        return sorted((AUTOGRADER / self.name / "corpus" / kind).glob("*.py"))

    def write_kernel_side(self, folder: Path) -> None:
        """Put in ``folder`` what the kernel may read there: each dataset of ``rows`` as
        ``<name>.npy`` and each of ``kernel_modules``."""
        for name, load in self.rows.items():
            np.save(folder / f"{name}.npy", load())
        for module in self.kernel_modules:
            shutil.copy(module, folder / module.name)


def assignment_names() -> list[str]:
    """Every assignment the kit has: each folder ``autograder/<name>/`` with a ``checks.py``,
    but the engine's own."""
    return sorted(path.parent.name for path in AUTOGRADER.glob("*/checks.py")
                  if path.parent.name not in ENGINE_FOLDERS)


def load_assignment(name: str) -> Assignment:
    """The ``ASSIGNMENT`` defined by ``autograder/<name>/checks.py``."""
    try:
        module = importlib.import_module(f"autograder.{name}.checks")
    except ModuleNotFoundError as error:
        raise ValueError(f"unknown assignment {name!r}: no autograder/{name}/checks.py") from error
    return module.ASSIGNMENT
