"""Reading graded work back: a results.json as a submission's questions and checks, and a folder
of them, as ``coursekit grade FOLDER --out DIR`` writes it or as Gradescope's "Export
Submissions" unpacks.

Everything here reads the results alone (never the assignment's checks), so results downloaded
from Gradescope read the same as local ones. What cannot be read becomes a :class:`Graded` with
a ``problem`` and no results, so a report can list it instead of losing it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = "results.json"
GRADESCOPE_METADATA = "submission_metadata.yml"


@dataclass(frozen=True)
class CheckResult:
    """One test of a results.json: its question label, name, points scored and possible, the
    message the student saw, and the figure it measured (``{"name", "value", "threshold"}``),
    if any."""

    question: str
    name: str
    score: float
    max_score: float
    message: str
    measured: dict | None = None

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score else 1.0

    @property
    def state(self) -> str:
        """``passed``, ``partial`` or ``failed``."""
        if self.score >= self.max_score:
            return "passed"
        return "failed" if self.score <= 0 else "partial"


@dataclass(frozen=True)
class Graded:
    """One submission's results, or why there are none (``problem``).

    - name: the submission (or the student's name, from a Gradescope export)
    - checks: in the order of the results, which is the notebook's
    - problems: what went wrong while its notebook ran, as the student was told
    - limits_hit: kind of limit (``time``, ``memory``, ``crash``, ``time budget``) -> times
    - seconds, kernel_mb, judge_mb: grading time and peak memory, where recorded
    - restarts: why the grader had to grade it again, if it did
    """

    name: str
    source: Path
    checks: list[CheckResult] = field(default_factory=list)
    score: float = 0.0
    problems: list[str] = field(default_factory=list)
    limits_hit: dict[str, int] = field(default_factory=dict)
    seconds: float | None = None
    kernel_mb: float | None = None
    judge_mb: float | None = None
    restarts: list[str] = field(default_factory=list)
    assignment: str | None = None
    problem: str | None = None

    @property
    def max_score(self) -> float:
        return sum(check.max_score for check in self.checks)

    def questions(self) -> dict[str, list[CheckResult]]:
        """Question label -> its checks, in the order the questions first appear."""
        grouped: dict[str, list[CheckResult]] = {}
        for check in self.checks:
            grouped.setdefault(check.question, []).append(check)
        return grouped

    def question_scores(self) -> dict[str, tuple[float, float]]:
        """Question label -> (points scored, points possible)."""
        return {question: (sum(c.score for c in checks), sum(c.max_score for c in checks))
                for question, checks in self.questions().items()}


def as_number(value: object, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def from_results(results: object, name: str, source: Path) -> Graded:
    """A :class:`Graded` from a results dict (Gradescope's format; what the kit adds under
    ``extra_data`` is read where present)."""
    if not isinstance(results, dict) or not isinstance(results.get("tests", []), list):
        return Graded(name, source, problem="its results are not a Gradescope results object.")
    checks = []
    for index, test in enumerate(results.get("tests", [])):
        if not isinstance(test, dict):
            continue
        tags = test.get("tags") or []
        measured = (test.get("extra_data") or {}).get("measured")
        checks.append(CheckResult(
            question=str(tags[0]) if tags else "Other",
            name=str(test.get("name") or f"test {index + 1}"),
            score=as_number(test.get("score")),
            max_score=as_number(test.get("max_score")),
            message=str(test.get("output") or ""),
            measured=measured if isinstance(measured, dict) else None))
    extra = results.get("extra_data") if isinstance(results.get("extra_data"), dict) else {}
    score = results.get("score")
    return Graded(
        name=name, source=source, checks=checks,
        score=as_number(score) if score is not None else sum(c.score for c in checks),
        problems=[str(p) for p in extra.get("problems", [])],
        limits_hit={str(k): int(as_number(v)) for k, v in (extra.get("limits_hit") or {}).items()},
        seconds=as_number(results["execution_time"]) if "execution_time" in results else None,
        kernel_mb=as_number(extra["kernel_peak_mb"]) if "kernel_peak_mb" in extra else None,
        judge_mb=as_number(extra["judge_peak_mb"]) if "judge_peak_mb" in extra else None,
        restarts=[str(r) for r in extra.get("grader_restarts", [])],
        assignment=extra.get("assignment"))


def read_results(path: Path, name: str | None = None) -> Graded:
    """The results.json at ``path``, named ``name`` (default: the submission name the kit
    recorded in it, else its folder's name)."""
    path = Path(path)
    fallback = name or (path.parent.name if path.name == RESULTS else path.stem)
    try:
        results = json.loads(path.read_text())
    except OSError as error:
        return Graded(fallback, path, problem=f"{path.name} could not be read ({error.strerror}).")
    except (UnicodeDecodeError, ValueError) as error:
        return Graded(fallback, path, problem=f"{path.name} does not parse as JSON ({error}).")
    recorded = isinstance(results, dict) and (results.get("extra_data") or {}).get("submission")
    return from_results(results, name or str(recorded or fallback), path)


class NoResults(ValueError):
    """A folder that holds no results at all; the message says what was looked for."""


def read_folder(folder: Path) -> list[Graded]:
    """Every submission under ``folder``, sorted by name: a Gradescope export (its
    ``submission_metadata.yml``), else one ``<name>/results.json`` per sub-folder (a sub-folder
    without one is listed with that problem), else loose ``*.json`` files."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NoResults(f"{folder} is not a folder.")
    if (folder / GRADESCOPE_METADATA).is_file():
        return read_gradescope_export(folder)
    found = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        results = sub / RESULTS
        found.append(read_results(results) if results.exists() else
                     Graded(sub.name, sub, problem=f"there is no {RESULTS} in {sub.name}/."))
    if not found:
        found = [read_results(p) for p in sorted(folder.glob("*.json"))]
    if not found:
        raise NoResults(f"{folder} holds no results: expected <submission>/{RESULTS} folders "
                        f"(what `coursekit grade` writes) or a Gradescope export with its "
                        f"{GRADESCOPE_METADATA}.")
    return sorted(found, key=lambda graded: graded.name)


def plain_keys(value: object) -> object:
    """Gradescope's YAML keeps Ruby's symbols (``:submitters:``): keys without the colons."""
    if isinstance(value, dict):
        return {str(k).lstrip(":"): plain_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_keys(v) for v in value]
    return value


def read_gradescope_export(folder: Path) -> list[Graded]:
    """A Gradescope "Export Submissions" folder: ``submission_metadata.yml`` maps each
    ``submission_<id>`` folder to its submitters and, for an autograded assignment, its
    ``results``; a ``results.json`` inside the submission's folder is read where the metadata
    has none. Each is named by its submitters' names. Only the active submission is read: the
    earlier ones listed under ``history`` are left out."""
    import yaml

    metadata_path = folder / GRADESCOPE_METADATA
    try:
        metadata = plain_keys(yaml.safe_load(metadata_path.read_text()))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise NoResults(f"{metadata_path} could not be read ({error}).") from None
    if not isinstance(metadata, dict):
        raise NoResults(f"{metadata_path} does not list submissions.")
    found = []
    for key, entry in metadata.items():
        entry = entry if isinstance(entry, dict) else {}
        people = [p for p in entry.get("submitters") or [] if isinstance(p, dict)]
        name = ", ".join(str(p.get("name") or p.get("email") or p.get("sid")) for p in people)
        name = name or key
        if isinstance(entry.get("results"), dict):
            found.append(from_results(entry["results"], name, metadata_path))
        elif (folder / key / RESULTS).is_file():
            found.append(read_results(folder / key / RESULTS, name))
        else:
            found.append(Graded(name, folder / key,
                                problem="the export has no autograder results for it."))
    return sorted(found, key=lambda graded: graded.name)
