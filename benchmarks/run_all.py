"""Run every benchmarks/bench_*.py and save its output in benchmarks/results/<name>.txt."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    (HERE / "results").mkdir(exist_ok=True)
    for script in sorted(HERE.glob("bench_*.py")):
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              check=True)
        header = (f"$ python benchmarks/{script.name}\n"
                  f"# {date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
                  f"Python {platform.python_version()}\n")
        (HERE / "results" / f"{script.stem}.txt").write_text(header + done.stdout)
        print(header + done.stdout)


if __name__ == "__main__":
    main()
