"""`coursekit grade`: one submission to a results.json, or a folder of them in parallel."""

from __future__ import annotations

import csv
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from autograder.engine.assignment import load_assignment
from autograder.engine.judge import grade, write_results


def grade_one(assignment_name: str, submission: Path, out: Path) -> dict:
    """Grade ``submission`` and write ``out`` (a results.json); return the results."""
    results = grade(load_assignment(assignment_name), submission)
    write_results(results, out)
    return results


def submissions_in(folder: Path) -> list[Path]:
    """Each notebook file or sub-folder of ``folder`` is one submission."""
    return sorted(p for p in folder.iterdir()
                  if (p.is_dir() and not p.name.startswith(".")) or p.suffix == ".ipynb")


def grade_folder(assignment_name: str, folder: Path, out: Path, workers: int | None = None) -> Path:
    """Grade every submission in ``folder`` in parallel; write ``out/<name>/results.json`` and
    ``out/grades.csv`` (one row per submission, a column per question). Returns the CSV path."""
    assignment = load_assignment(assignment_name)
    submissions = submissions_in(folder)
    targets = [out / (s.stem if s.is_file() else s.name) / "results.json" for s in submissions]
    workers = workers or max(1, min(len(submissions), os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        all_results = list(pool.map(grade_one, [assignment_name] * len(submissions),
                                    submissions, targets))
    table = out / "grades.csv"
    with table.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "score", "max_score", *assignment.questions])
        for submission, results in zip(submissions, all_results, strict=True):
            per_question = {q: 0.0 for q in assignment.questions}
            for test in results["tests"]:
                per_question[test["name"].split(" ", 1)[0]] += test["score"]
            writer.writerow([submission.name, f"{results['score']:g}",
                             f"{assignment.max_score:g}",
                             *(f"{per_question[q]:g}" for q in assignment.questions)])
    return table
