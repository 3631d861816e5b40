"""Shared fixtures: grading a notebook with the real engine, in a fresh kernel each time."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from submissions import write

# submissions imports the engine before numpy loads: the suite's own numeric work is then
# single-threaded like the judge's and the kernels', and two test workers do not fight over cores.
from autograder.engine.assignment import Assignment, load_assignment
from autograder.engine.judge import grade, points_per_question
from coursekit.release import release

HW1 = load_assignment("hw1")


def quick(assignment: Assignment, **limits) -> Assignment:
    """``assignment`` with shorter limits, for tests whose point is a limit being hit."""
    return dataclasses.replace(assignment, limits=dataclasses.replace(assignment.limits, **limits))


scores = points_per_question


@pytest.fixture
def grade_notebook(tmp_path: Path):
    """grade_notebook(notebook_or_text, assignment=HW1) -> results dict."""
    def run(notebook, assignment: Assignment = HW1) -> dict:
        return grade(assignment, write(notebook, tmp_path / "submission" / assignment.notebook))
    return run


def run_like_gradescope(zip_path: Path, tmp_path: Path, notebook,
                        metadata: dict | None = None) -> tuple[dict, Path]:
    """Unpack the zip as Gradescope does, grade ``notebook`` with its run_autograder (with
    ``metadata`` as submission_metadata.json, if given); the results dict and the
    /autograder-like root."""
    root = tmp_path / "autograder"
    zipfile.ZipFile(zip_path).extractall(root / "source")
    write(notebook, root / "submission" / "my notebook.ipynb")
    if metadata is not None:
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
    (root / "results").mkdir()
    # Gradescope copies run_autograder to /autograder and runs it there.
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "COURSEKIT_PYTHON": sys.executable}
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"grading with the autograder in {(root / 'source').resolve()}\n" in done.stdout
    return json.loads((root / "results" / "results.json").read_text()), root


# -- work shared by every test worker of a run -------------------------------------------------

@contextlib.contextmanager
def exclusive(lock: Path):
    """Hold ``lock`` (a file) against every other test worker."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def shared(tmp_path_factory, worker_id) -> Path:
    """A folder every test worker of this run sees (beside their own temporary folders)."""
    base = tmp_path_factory.getbasetemp()
    return (base if worker_id == "master" else base.parent) / "shared"


@pytest.fixture(scope="session")
def fresh_release(shared):
    """fresh_release(name) -> a folder laid out like assignments/, holding ``<name>/`` and
    ``dist/<name>.zip`` as `coursekit release` builds them from the sources now: built once per
    test run, by whichever worker asks first."""
    def build(name: str) -> Path:
        folder = shared / "assignments"
        with exclusive(shared / f"release-{name}.lock"):
            if not (folder / "dist" / f"{name}.zip").is_file():
                release(load_assignment(name), assignments=folder)
        return folder
    return build
