"""Grading the reference HW1 submission: CPU-seconds and peak memory over all processes.

Runs `coursekit grade` in a subprocess and samples it and every process it starts (the judge and
the student's kernel, in its sandbox) with ``measure.py``.
Targets: at most 60 CPU-seconds and 500 MB peak resident memory summed over processes.
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

from autograder.engine.sandbox import isolation  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        submission = write(solved("hw1"), Path(tmp) / "hw1.ipynb")
        out = Path(tmp) / "results.json"
        run = measure([sys.executable, "-m", "coursekit", "grade", "hw1", str(submission),
                       "--out", str(out)], stderr=subprocess.DEVNULL)
        score = json.loads(out.read_text())["score"]
    print(f"isolation: {isolation().summary()}")
    print(f"reference HW1 submission: score {score:g}/100")
    print(f"wall time:               {run.wall:6.1f} s")
    print(f"CPU time (all processes): {run.cpu:6.1f} s   (target <= 60 s)")
    print(f"peak resident memory:    {run.peak_rss / 1e6:6.0f} MB (sum over processes; "
          "target <= 500 MB)")


if __name__ == "__main__":
    main()
