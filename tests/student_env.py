"""What a student does with a bundle: make an environment from the student requirements alone,
unzip the bundle, fill in the notebook and run it top to bottom.

Shared by ``test_student_bundles.py`` (at the grader's 1,000-row subset) and
``benchmarks/bench_student_notebooks.py`` (full size, timed).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
from submissions import filled_in

from coursekit.release import STUDENT_REQUIREMENTS as REQUIREMENTS

RUNNER = Path(__file__).with_name("run_notebook.py")


def make_student_env(folder: Path) -> Path:
    """A new virtual environment in ``folder`` with assignments/requirements.txt installed and
    nothing else; its Python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", "--requirement", str(REQUIREMENTS)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip install -r {REQUIREMENTS} failed:\n{done.stderr[-3000:]}")
    return python


def student_environ(home: Path, python: Path, **extra: str) -> dict[str, str]:
    """A student's environment: their own home, the venv first on PATH, none of the kit's or
    the test suite's settings (no thread caps, no TensorFlow log level)."""
    home.mkdir(parents=True, exist_ok=True)
    path = os.pathsep.join([str(python.parent), "/usr/local/bin", "/usr/bin", "/bin"])
    return {"HOME": str(home), "PATH": path, "LANG": "C.UTF-8", **extra}


def run_filled_in_bundle(name: str, bundle: Path, python: Path, work: Path,
                         **extra_env: str) -> nbformat.NotebookNode:
    """Unzip ``bundle`` (``name``'s, e.g. assignments/dist/<name>.zip) into ``work``, fill in its
    notebook as a student who solved everything would, run it with ``python``'s kernel; the
    executed notebook (each code cell's seconds in ``metadata.run_seconds``)."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(work)
    notebooks = sorted(work.glob("*.ipynb"))
    assert len(notebooks) == 1, f"{name}.zip should hold one notebook, not {notebooks}"
    notebook = notebooks[0]
    nbformat.write(filled_in(name, nbformat.read(notebook, as_version=4)), notebook)
    done = subprocess.run([str(python), str(RUNNER), str(notebook)], cwd=work,
                          capture_output=True, text=True,
                          env=student_environ(work.parent / f"{name}-home", python, **extra_env))
    executed = notebook.with_name(f"{notebook.stem}.executed.ipynb")
    if not executed.is_file():
        raise RuntimeError(f"{RUNNER.name} did not run {notebook}:\n{done.stderr[-3000:]}")
    return nbformat.read(executed, as_version=4)
