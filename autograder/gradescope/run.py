"""Gradescope's entry point: grade /autograder/submission into /autograder/results/results.json.

Usage: python -m autograder.gradescope.run ASSIGNMENT [--root /autograder]

Before grading, the autograder's own files are made unreadable to the student's kernel (which runs
as an unprivileged user). Whatever happens, a results.json listing every check is written.
"""

from __future__ import annotations

import argparse
import os
import traceback
from pathlib import Path

from autograder.engine.assignment import load_assignment
from autograder.engine.judge import grade, not_run, results, write_results


def lock_down(source: Path) -> None:
    """Only the judge may read the hidden checks, the reference and the data."""
    if os.geteuid() == 0:
        source.chmod(0o700)


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
    out = args.root / "results" / "results.json"
    try:
        outcome = grade(assignment, args.root / "submission")
    except Exception:  # noqa: BLE001 - the student still gets every test listed
        traceback.print_exc()
        reason = "the autograder failed on its side; please tell your course staff."
        outcome = results(assignment, [not_run(c, reason) for c in assignment.checks],
                          [reason], 0.0)
    write_results(outcome, out)
    print(f"{args.assignment}: {outcome['score']:g} / {assignment.max_score:g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
