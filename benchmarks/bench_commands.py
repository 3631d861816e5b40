"""Wall time of `coursekit release hw1` and `coursekit autograder hw1` (target: under 30 s each)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coursekit", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    for args in (("release", "hw1"), ("autograder", "hw1")):
        print(f"coursekit {' '.join(args):15s} {timed(*args):5.1f} s   (target < 30 s)")


if __name__ == "__main__":
    main()
