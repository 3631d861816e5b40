"""The project's own promises: pins in sync, notebooks committed clean, one test command."""

from __future__ import annotations

import dataclasses
import json
import tomllib

from conftest import HW1

from autograder.engine.assignment import assignment_names
from coursekit.package import canonical, locked_versions, runtime_requirements
from coursekit.paths import ASSIGNMENTS, ROOT, SOLUTIONS


def test_environment_yml_installs_the_same_pins_as_requirements_txt():
    text = (ROOT / "environment.yml").read_text()
    pip_section = text.split("  - pip:\n", 1)[1]
    conda_pins = [line.strip()[2:] for line in pip_section.splitlines() if line.strip()]
    assert conda_pins == (ROOT / "requirements.txt").read_text().split()
    assert "python=3.11" in text


def test_direct_dependencies_are_pinned_to_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = locked_versions()
    for requirement in project["dependencies"]:
        name, version = requirement.split("==")
        assert pins[canonical(name)] == version, requirement


def test_course_dependencies_are_all_in_the_lock():
    for name in ("numpy", "jupyterlab", "nbgrader", "otter-grader", "matplotlib",
                 "tensorflow-cpu"):
        assert name in locked_versions()


def committed_notebooks():
    return sorted([*SOLUTIONS.glob("*/*.ipynb"), *ASSIGNMENTS.glob("*/*.ipynb")])


def test_notebooks_are_committed_with_outputs_cleared_and_stable_ids():
    assert committed_notebooks()
    for path in committed_notebooks():
        notebook = json.loads(path.read_text())
        ids = [cell.get("id") for cell in notebook["cells"]]
        assert all(ids) and len(set(ids)) == len(ids), path
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "\nmake\n" in readme


def test_code_is_ruff_clean():
    import subprocess
    import sys
    from pathlib import Path

    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run([str(ruff), "check", str(ROOT)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def test_assignments_are_discovered_from_their_folders(tmp_path, monkeypatch):
    from autograder.engine import assignment

    assert assignment_names() == ["hw1"]
    for name in ("hw9", "engine"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "checks.py").write_text("")
    (tmp_path / "notes").mkdir()
    monkeypatch.setattr(assignment, "AUTOGRADER", tmp_path)
    assert assignment_names() == ["hw9"]


def test_each_zip_installs_what_its_own_notebook_imports():
    hw1 = runtime_requirements(HW1)
    assert "tqdm==" + locked_versions()["tqdm"] in hw1
    assert not [r for r in hw1 if r.startswith(("tensorflow", "nbformat"))]
    other = runtime_requirements(dataclasses.replace(HW1, runtime_packages=("nbformat",)))
    assert "nbformat==" + locked_versions()["nbformat"] in other
    assert "tqdm==" + locked_versions()["tqdm"] not in other
