"""`coursekit grade`: one submission to a results.json, or a folder of them in parallel.

A folder is graded by worker processes, one submission each (``python -m coursekit.grade``).
A worker that dies or hangs is replaced and its submission graded again; a submission whose
worker fails twice still gets a results.json, listing every check at 0 with the reason.
``grades.csv`` is always written, a row per submission.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.engine.assignment import Assignment, load_assignment
from autograder.engine.judge import (
    grade_or_explain,
    not_run,
    points_per_question,
    results,
    write_results,
)
from coursekit.feedback import write_feedback

WORKER_ATTEMPTS = 2
WORKER_SLACK_S = 120.0  # beyond the assignment's budget, for start-up and clean-up


class RosterError(ValueError):
    """A roster file that cannot be read; the message says why."""


ROSTER_COLUMNS = ("submission", "student_id")


def read_roster(path: Path) -> dict[str, str]:
    """Submission name -> student ID, from a CSV with the columns ``submission`` (a notebook's
    file name, its stem, or a submission folder's name) and ``student_id``."""
    try:
        with Path(path).open(newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RosterError(f"the roster {path} could not be read ({error}).") from None
    if not rows or not set(ROSTER_COLUMNS) <= set(rows[0]):
        raise RosterError(f"the roster {path} needs a header with the columns "
                          f"{' and '.join(ROSTER_COLUMNS)}, and a row per student.")
    return {row["submission"].strip(): row["student_id"].strip() for row in rows
            if (row["submission"] or "").strip() and (row["student_id"] or "").strip()}


def identity_in(roster: dict[str, str], submission: Path) -> str | None:
    """The student ID the roster gives ``submission`` (by file name, then stem), or None."""
    return roster.get(submission.name) or roster.get(submission.stem)


def grade_one(assignment: Assignment, submission: Path, out: Path,
              identity: str | None = None) -> dict:
    """Grade ``submission`` (of the student ``identity``, if known) and write ``out`` (a
    results.json); return the results."""
    outcome = grade_or_explain(assignment, submission, identity)
    outcome.setdefault("extra_data", {})["submission"] = submission_name(submission)
    write_graded(outcome, out)
    return outcome


def write_graded(outcome: dict, out: Path) -> None:
    """Write the results.json ``out`` and the student's ``feedback.html`` beside it."""
    write_results(outcome, out)
    write_feedback(out)


def submission_name(submission: Path) -> str:
    """What a submission is called in results and exports: a notebook's stem, a folder's name."""
    return submission.stem if submission.is_file() else submission.name


def submissions_in(folder: Path) -> list[Path]:
    """Each notebook file or sub-folder of ``folder`` is one submission."""
    return sorted(p for p in folder.iterdir()
                  if (p.is_dir() and not p.name.startswith(".")) or p.suffix == ".ipynb")


@dataclass
class Job:
    """One submission of a batch: the worker command that grades it into ``out``."""

    command: list[str]
    out: Path
    submission: str  # its name in results and reports
    attempts: int = 0
    worker: subprocess.Popen | None = None
    started: float = 0.0
    failures: list[str] = field(default_factory=list)

    def start(self) -> None:
        self.out.unlink(missing_ok=True)
        self.attempts += 1
        self.started = time.monotonic()
        self.worker = subprocess.Popen(self.command, stdin=subprocess.DEVNULL,
                                       start_new_session=True)

    def stop(self) -> None:
        try:
            os.killpg(self.worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.worker.wait()

    def graded(self) -> dict | None:
        """The results the worker wrote, or None if there are none."""
        try:
            return json.loads(self.out.read_text())
        except (OSError, ValueError):
            return None

    def ended(self) -> str:
        code = self.worker.returncode
        return f"killed by signal {-code}" if code < 0 else f"exit code {code}"


def worker_command(assignment: Assignment, submission: Path, out: Path,
                   identity: str | None = None) -> list[str]:
    """The command line of a batch worker that grades one submission in its own process."""
    return [sys.executable, "-m", "coursekit.grade", assignment.name, str(submission), str(out),
            *([identity] if identity else [])]


def run_batch(assignment: Assignment, jobs: list[Job], workers: int,
              time_limit: float | None = None) -> list[dict]:
    """Run every job, at most ``workers`` at a time, each for at most ``time_limit`` seconds
    (default: the assignment's budget and some slack); return their results in order."""
    graded: dict[int, dict] = {}
    waiting = list(range(len(jobs)))
    running: list[int] = []
    time_limit = time_limit or assignment.limits.budget_seconds + WORKER_SLACK_S
    while waiting or running:
        while waiting and len(running) < workers:
            index = waiting.pop(0)
            jobs[index].start()
            running.append(index)
        time.sleep(0.2)
        for index in list(running):
            job = jobs[index]
            if job.worker.poll() is None:
                if time.monotonic() - job.started < time_limit:
                    continue
                job.stop()
                job.failures.append(f"still running after {time_limit:.0f} s")
            running.remove(index)
            outcome = job.graded()
            if outcome is not None:
                if job.attempts > 1:  # the class report lists the submissions graded again
                    outcome.setdefault("extra_data", {})["grader_restarts"] = job.failures
                    write_graded(outcome, job.out)
                graded[index] = outcome
                continue
            if len(job.failures) < job.attempts:
                job.failures.append(job.ended())
            if job.attempts < WORKER_ATTEMPTS:
                waiting.append(index)
            else:
                graded[index] = worker_failed(assignment, job)
                write_graded(graded[index], job.out)
    return [graded[i] for i in range(len(jobs))]


def worker_failed(assignment: Assignment, job: Job) -> dict:
    reason = (f"the grader stopped {len(job.failures)} times on this submission "
              f"({', '.join(job.failures)}); please tell your course staff.")
    outcome = results(assignment, [not_run(c, reason) for c in assignment.checks], [reason], 0.0)
    outcome["extra_data"].update(submission=job.submission, grader_restarts=job.failures)
    return outcome


def grade_folder(assignment: Assignment, folder: Path, out: Path, workers: int | None = None,
                 roster: dict[str, str] | None = None) -> Path:
    """Grade every submission in ``folder`` in parallel, each of the student the ``roster``
    names (see :func:`read_roster`); write ``out/<name>/results.json`` and ``out/grades.csv``
    (one row per submission, a column per question). Returns the CSV path."""
    submissions = submissions_in(folder)
    targets = [out / submission_name(s) / "results.json" for s in submissions]
    jobs = [Job(worker_command(assignment, submission, target,
                               identity_in(roster or {}, submission)), target,
                submission_name(submission))
            for submission, target in zip(submissions, targets, strict=True)]
    workers = workers or max(1, min(len(submissions), os.cpu_count() or 1))
    all_results = run_batch(assignment, jobs, workers)
    out.mkdir(parents=True, exist_ok=True)
    table = out / "grades.csv"
    with table.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "score", "max_score", *assignment.questions])
        for submission, outcome in zip(submissions, all_results, strict=True):
            per_question = points_per_question(outcome)
            writer.writerow([submission.name, f"{outcome['score']:g}",
                             f"{assignment.max_score:g}",
                             *(f"{per_question.get(q, 0.0):g}" for q in assignment.questions)])
    return table


if __name__ == "__main__":  # a batch worker: ASSIGNMENT SUBMISSION OUT [STUDENT_ID]
    grade_one(load_assignment(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), *sys.argv[4:5])
