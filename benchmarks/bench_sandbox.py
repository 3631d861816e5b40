"""What isolation costs: a student kernel's start, and a whole grading run, at each level.

For each isolation level this machine offers (``COURSEKIT_ISOLATION`` = sandbox, user, none):
- kernel start: lease a run user, lay out a run folder, start the kernel, run one cell, stop it
  and give everything back (``tests/in_kernel.py``); the median of 10, in wall seconds;
- grading the reference HW1 submission once (`coursekit grade`), measured as bench_grading.py
  does: wall time, CPU time and peak resident memory over all processes.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from measure import measure  # noqa: E402
from submissions import solved, write  # noqa: E402

STARTS = 10
ONE_START = """
import time
from autograder.engine.sandbox import isolation
from in_kernel import run
isolation()  # chosen once per grading process, not per kernel
started = time.perf_counter()
assert run('x = 1').status == 'ok'
print(time.perf_counter() - started)
"""


def at(level: str) -> dict:
    """Keywords for running a command at isolation ``level``."""
    env = {**os.environ, "COURSEKIT_ISOLATION": level,
           "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    return {"env": env, "cwd": ROOT, "stderr": subprocess.DEVNULL}


def available(level: str) -> bool:
    probe = [sys.executable, "-c", "from autograder.engine.sandbox import isolation; isolation()"]
    return subprocess.run(probe, **at(level)).returncode == 0


def main() -> None:
    levels = [level for level in ("sandbox", "user", "none") if available(level)]
    print(f"{'level':8} {'kernel start':>13}   grading the reference HW1 submission")
    with tempfile.TemporaryDirectory() as tmp:
        submission = write(solved("hw1"), Path(tmp) / "hw1.ipynb")
        for level in levels:
            starts = [float(measure([sys.executable, "-c", ONE_START], **at(level)).stdout)
                      for _ in range(STARTS)]
            out = Path(tmp) / f"{level}.json"
            run = measure([sys.executable, "-m", "coursekit", "grade", "hw1", str(submission),
                           "--out", str(out)], **at(level))
            score = json.loads(out.read_text())["score"]
            print(f"{level:8} {statistics.median(starts):11.2f} s   {run.wall:5.1f} s wall, "
                  f"{run.cpu:5.1f} CPU-s, {run.peak_rss / 1e6:4.0f} MB peak, score {score:g}")


if __name__ == "__main__":
    main()
