"""Gradescope's entry point: grade /autograder/submission into /autograder/results/results.json.

Usage: python -m autograder.gradescope.run ASSIGNMENT [--root /autograder]

Before grading, the autograder's own files are made unreadable to the student's kernel (which runs
in a sandbox where the container allows one, and always as a user id of its own). Whatever
happens, a results.json listing every check is written.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from autograder.engine.assignment import load_assignment
from autograder.engine.judge import grade_or_explain, write_results
from autograder.engine.sandbox import isolation


def lock_down(source: Path) -> None:
    """Only the judge may read the hidden checks, the reference and the data."""
    if os.geteuid() == 0:
        source.chmod(0o700)


def student_identity(root: Path) -> str | None:
    """The submitter's student ID from Gradescope's ``submission_metadata.json``: the first
    user's ``sid`` where the course roster has one, else their email; None without the file."""
    try:
        users = json.loads((root / "submission_metadata.json").read_text())["users"]
        user = users[0]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    for field in ("sid", "email"):
        if isinstance(user, dict) and str(user.get(field) or "").strip():
            return str(user[field]).strip()
    return None


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("assignment")
    options.add_argument("--root", type=Path, default=Path("/autograder"))
    args = options.parse_args(argv)
    source = Path(__file__).resolve().parents[2]
    print(f"{args.assignment}: grading with the autograder in {source}")
    os.environ.setdefault("COURSEKIT_DATA", str(source / "data"))
    lock_down(source)
    assignment = load_assignment(args.assignment)
    print(f"{args.assignment}: {isolation().summary()}")
    outcome = grade_or_explain(assignment, args.root / "submission",
                               student_identity(args.root))
    write_results(outcome, args.root / "results" / "results.json")
    print(f"{args.assignment}: {outcome['score']:g} / {assignment.max_score:g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
