"""Grading the reference HW1 submission: CPU-seconds and peak memory over all processes.

Runs `coursekit grade` in a subprocess and samples the resident memory of it and of every process
it starts (the judge and the student's kernel) every 20 ms; CPU time is that of the whole process
tree (user + system, from the operating system once they have all exited).
Targets: at most 60 CPU-seconds and 500 MB peak resident memory summed over processes.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from submissions import solved, write  # noqa: E402


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        submission = write(solved("hw1"), Path(tmp) / "hw1.ipynb")
        out = Path(tmp) / "results.json"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "coursekit", "grade", "hw1",
                                  str(submission), "--out", str(out)], stdout=subprocess.DEVNULL)
        watcher, peak = psutil.Process(child.pid), 0
        while child.poll() is None:
            try:
                peak = max(peak, tree_rss(watcher))
            except psutil.Error:
                pass
            time.sleep(0.02)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        score = json.loads(out.read_text())["score"]
    print(f"reference HW1 submission: score {score:g}/100")
    print(f"wall time:               {wall:6.1f} s")
    print(f"CPU time (all processes): {cpu:6.1f} s   (target <= 60 s)")
    print(f"peak resident memory:    {peak / 1e6:6.0f} MB (sum over processes; target <= 500 MB)")


if __name__ == "__main__":
    main()
