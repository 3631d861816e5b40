"""Grading each assignment's reference submission: CPU-seconds and peak memory over all processes.

Runs `coursekit grade` in a subprocess and samples it and every process it starts (the judge and
the student's kernel, in its sandbox) with ``measure.py``.
Targets (CPU-seconds, MB of peak resident memory summed over processes): HW1 60 and 500,
HW2 40 and 500.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from measure import measure  # noqa: E402
from submissions import solved, write  # noqa: E402

from autograder.engine.assignment import load_assignment  # noqa: E402
from autograder.engine.sandbox import isolation  # noqa: E402

TARGETS = {"hw1": (60, 500), "hw2": (40, 500)}  # CPU-seconds, MB


def main() -> None:
    print(f"isolation: {isolation().summary()}")
    for name, (cpu_target, memory_target) in TARGETS.items():
        assignment = load_assignment(name)
        with tempfile.TemporaryDirectory() as tmp:
            submission = write(solved(name), Path(tmp) / assignment.notebook)
            out = Path(tmp) / "results.json"
            run = measure([sys.executable, "-m", "coursekit", "grade", name, str(submission),
                           "--out", str(out)], stderr=subprocess.DEVNULL)
            score = json.loads(out.read_text())["score"]
        print(f"\nreference {name} submission: score {score:g}/{assignment.max_score:g}")
        print(f"wall time:                {run.wall:6.1f} s")
        print(f"CPU time (all processes): {run.cpu:6.1f} s   (target <= {cpu_target} s)")
        print(f"peak resident memory:     {run.peak_rss / 1e6:6.0f} MB (sum over processes; "
              f"target <= {memory_target} MB)")


if __name__ == "__main__":
    main()
