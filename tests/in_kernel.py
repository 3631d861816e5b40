"""A student kernel isolated exactly as grading isolates it, for tests of the isolation itself.

As a script (so that a test can run it as another user): ``python tests/in_kernel.py < code``
runs the code in such a kernel and prints the outcome as JSON.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
from collections.abc import Iterator

from autograder.engine.assignment import Assignment
from autograder.engine.judge import RunFolder
from autograder.engine.kernel import Limits, Outcome, StudentKernel
from autograder.engine.sandbox import lease_run_user

TINY = Assignment("tiny", "tiny.ipynb", {}, [],
                  limits=Limits(memory_bytes=500_000_000))


@contextlib.contextmanager
def isolated_kernel() -> Iterator[StudentKernel]:
    """A running kernel in a run folder of its own, as the judge would start it."""
    user = lease_run_user()
    folder = RunFolder(TINY, user)
    try:
        with StudentKernel(folder.work, folder.probe, TINY.limits, user) as kernel:
            yield kernel
    finally:
        folder.remove()
        if user:
            user.release()


def run(code: str, seconds: float = 30) -> Outcome:
    with isolated_kernel() as kernel:
        return kernel.execute(code, seconds)


if __name__ == "__main__":
    print(json.dumps(dataclasses.asdict(run(sys.stdin.read()))))
