"""What a student gets: each assignment's bundle (assignments/dist/<name>.zip), unzipped into an
environment made from assignments/requirements.txt alone, filled in and run top to bottom as
"Restart Kernel and Run All Cells" does: every cell runs, every visible check passes, and nothing
appears on stderr (no TensorFlow start-up log, no warning).

The notebooks run at the grader's 1,000-row subset, as the grader's own replay does, so that four
of them take about a minute; benchmarks/bench_student_notebooks.py runs them full size and times
them. The bundles are those the contract tests release; the environment is made once per test
run and each notebook runs once, whichever test worker asks first.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import exclusive
from packaging.requirements import Requirement
from student_env import REQUIREMENTS, make_student_env, run_filled_in_bundle

from autograder.engine.assignment import assignment_names, load_assignment
from coursekit.package import canonical, locked_versions

NAMES = assignment_names()
SUBSET = {"COURSEKIT_GRADING_SUBSET": "1000"}
KIT_PACKAGES = {"nbgrader", "otter-grader", "coursekit", "pytest"}


def student_requirements() -> list[Requirement]:
    return [Requirement(line) for line in REQUIREMENTS.read_text().splitlines()
            if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="session")
def student_python(shared) -> Path:
    """The Python of the student environment, made on first use by any test worker."""
    folder = shared / "env"
    with exclusive(shared / "env.lock"):
        if not (shared / "env.ready").is_file():
            make_student_env(folder)
            (shared / "env.ready").touch()
    return folder / "bin" / "python"


@pytest.fixture(scope="session")
def executed(shared, fresh_release, student_python):
    """executed(name) -> ``name``'s bundle, freshly released, filled in and run in the student
    environment: run once per test run, by whichever worker asks first."""
    def run(name: str) -> nbformat.NotebookNode:
        work = shared / "student-runs" / name
        with exclusive(shared / f"student-run-{name}.lock"):
            done = list(work.glob("*.executed.ipynb"))
            if done:
                return nbformat.read(done[0], as_version=4)
            bundle = fresh_release(name) / "dist" / f"{name}.zip"
            return run_filled_in_bundle(name, bundle, student_python, work, **SUBSET)
    return run


def test_student_requirements_are_the_kits_own_pins_and_nothing_of_the_kit():
    pins = locked_versions()
    requirements = student_requirements()
    names = {canonical(r.name) for r in requirements}
    assert {"numpy", "matplotlib", "tqdm", "ipywidgets", "jupyterlab", "keras"} <= names
    assert {"tensorflow", "tensorflow-cpu"} <= names
    assert not names & KIT_PACKAGES
    for requirement in requirements:
        (version,) = [s.version for s in requirement.specifier if s.operator == "=="]
        if canonical(requirement.name) in pins:  # tensorflow-cpu is the kit's tensorflow
            assert pins[canonical(requirement.name)] == version, requirement
        else:
            assert (requirement.name, version) == ("tensorflow", pins["tensorflow-cpu"])
    linux = {"sys_platform": "linux", "platform_machine": "x86_64"}
    mac = {"sys_platform": "darwin", "platform_machine": "arm64"}
    for where in (linux, mac):  # exactly one TensorFlow on each platform
        assert len([r for r in requirements if r.name.startswith("tensorflow")
                    and r.marker.evaluate(where)]) == 1


@pytest.mark.slow
def test_student_environment_has_nothing_of_the_kit(student_python):
    listed = subprocess.run([str(student_python), "-m", "pip", "list", "--format=freeze"],
                            capture_output=True, text=True, check=True).stdout
    installed = {canonical(line.split("==")[0]) for line in listed.splitlines()}
    assert not installed & KIT_PACKAGES
    assert {"tensorflow-cpu", "jupyterlab", "ipywidgets", "tqdm"} <= installed
    assert "pandas" not in installed  # and the graded kernel goes without it


def errors(notebook: nbformat.NotebookNode) -> list[str]:
    return [f"cell {index + 1}: {output.ename}: {output.evalue}"
            for index, cell in enumerate(notebook.cells) for output in cell.get("outputs", [])
            if output.output_type == "error"]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_filled_in_bundle_passes_every_visible_check(executed, name):
    notebook = executed(name)
    assert errors(notebook) == []
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all("run_seconds" in cell.metadata for cell in code), "Run All stopped early"
    for cell in code:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            assert "visible checks passed" in printed, cell.metadata.nbgrader.grade_id


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_filled_in_bundle_prints_nothing_on_stderr(executed, name):
    notebook = executed(name)
    stderr = [f"cell {index + 1}: {line}" for index, cell in enumerate(notebook.cells)
              for output in cell.get("outputs", [])
              if output.output_type == "stream" and output.name == "stderr"
              for line in output.text.splitlines() if line.strip()]
    assert stderr == [], "TensorFlow's start-up log or a warning reached the notebook"


@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name in NAMES
                                  if "tqdm" in load_assignment(name).runtime_packages])
def test_progress_bars_are_widgets(executed, name):
    notebook = executed(name)
    kinds = {kind for cell in notebook.cells for output in cell.get("outputs", [])
             for kind in output.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" in kinds  # tqdm.auto found ipywidgets
