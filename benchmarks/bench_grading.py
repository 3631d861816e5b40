"""Grading each assignment's reference submission: CPU-seconds and peak memory over all processes.

Runs `coursekit grade` in a subprocess and samples it and every process it starts (the judge and
the student's kernel, in its sandbox) with ``measure.py``, then once more pinned to one CPU
(`taskset -c 0`), the nearest stand-in for Gradescope's half CPU.
Targets (CPU-seconds, MB of peak resident memory summed over processes): HW0 30 and 500, HW1 60
and 500, HW2 40 and 500, HW3 150 and 1,000.
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

# CPU-seconds, MB
TARGETS = {"hw0": (30, 500), "hw1": (60, 500), "hw2": (40, 500), "hw3": (150, 1000)}
ONE_CPU = ["taskset", "-c", "0"]


def main() -> None:
    print(f"isolation: {isolation().summary()}")
    for name, (cpu_target, memory_target) in TARGETS.items():
        assignment = load_assignment(name)
        with tempfile.TemporaryDirectory() as tmp:
            submission = write(solved(name), Path(tmp) / assignment.notebook)
            out = Path(tmp) / "results.json"
            command = [sys.executable, "-m", "coursekit", "grade", name, str(submission),
                       "--out", str(out)]
            run = measure(command, stderr=subprocess.DEVNULL)
            score = json.loads(out.read_text())["score"]
            one_cpu = measure([*ONE_CPU, *command], stderr=subprocess.DEVNULL)
        print(f"\nreference {name} submission: score {score:g}/{assignment.max_score:g}")
        print(f"wall time:                {run.wall:6.1f} s")
        print(f"CPU time (all processes): {run.cpu:6.1f} s   (target <= {cpu_target} s)")
        print(f"peak resident memory:     {run.peak_rss / 1e6:6.0f} MB (sum over processes; "
              f"target <= {memory_target} MB)")
        for part, rss in sorted(run.peak_parts.items(), key=lambda item: -item[1]):
            print(f"  {part + ':':22s}  {rss / 1e6:6.0f} MB")
        print(f"wall time on one CPU:     {one_cpu.wall:6.1f} s   (taskset -c 0)")


if __name__ == "__main__":
    main()
