"""How long each assignment takes a student, full size: the times and accuracies the notebooks
state come from here.

    python benchmarks/bench_student_notebooks.py

Makes a student environment from assignments/requirements.txt alone (as the test suite does), unzips
each bundle of assignments/dist/ (built by `make` or `coursekit release`), fills its notebook in
with the solutions and runs it top to bottom on all the data, twice: on an idle machine, and with
one core kept busy by another process (a browser, a second notebook). Prints the whole notebook's
time, its slowest cells, and the accuracies the notebook printed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(KIT), str(KIT / "tests")]

from student_env import make_student_env, run_filled_in_bundle  # noqa: E402

from autograder.engine.assignment import assignment_names  # noqa: E402

SLOWEST = 3
ACCURACY = re.compile(r"accuracy[^%\n]*?(\d+\.\d+)%")


def busy_core() -> subprocess.Popen:
    """Another process that keeps one core busy until it is killed."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def report(name: str, condition: str, seconds: float, notebook) -> None:
    cells = [(cell.metadata.get("run_seconds", 0.0),
              cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {i + 1}"))
             for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    slowest = ", ".join(f"{grade_id} {s:.1f} s" for s, grade_id in sorted(cells)[::-1][:SLOWEST])
    printed = "".join(o.get("text", "") for cell in notebook.cells
                      for o in cell.get("outputs", []) if o.output_type == "stream")
    accuracies = ACCURACY.findall(printed)
    failed = [o.ename for cell in notebook.cells for o in cell.get("outputs", [])
              if o.output_type == "error"]
    print(f"{name} {condition:>13}: notebook {seconds:6.1f} s; slowest: {slowest}")
    print(f"{'':18}test accuracies printed: {', '.join(a + '%' for a in accuracies) or '-'}"
          f"{'; FAILED: ' + ', '.join(failed) if failed else ''}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-students-") as tmp:
        started = time.perf_counter()
        python = make_student_env(Path(tmp) / "env")
        print(f"student environment from assignments/requirements.txt: "
              f"{time.perf_counter() - started:.0f} s (pip's cache warm)")
        for name in assignment_names():
            for condition in ("idle", "one core busy"):
                hog = busy_core() if condition != "idle" else None
                try:
                    started = time.perf_counter()
                    work = Path(tmp) / f"{name}-{condition.replace(' ', '-')}"
                    bundle = KIT / "assignments" / "dist" / f"{name}.zip"
                    notebook = run_filled_in_bundle(name, bundle, python, work)
                    report(name, condition, time.perf_counter() - started, notebook)
                finally:
                    if hog:
                        hog.kill()
                        hog.wait()
    print(f"({os.cpu_count()} cores; each notebook's time includes its kernel's start)")


if __name__ == "__main__":
    main()
