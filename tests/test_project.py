"""The project's own promises: pins in sync, notebooks committed clean, one test command."""

from __future__ import annotations

import dataclasses
import json
import tomllib

import pytest
from conftest import HW1

from autograder.engine.assignment import (
    ManifestError,
    assignment_names,
    load_assignment,
    read_manifest,
)
from coursekit.package import canonical, locked_versions, runtime_requirements
from coursekit.paths import ASSIGNMENTS, ROOT, SOLUTIONS


def test_environment_yml_installs_the_same_pins_as_requirements_txt():
    text = (ROOT / "environment.yml").read_text()
    pip_section = text.split("  - pip:\n", 1)[1]
    conda_pins = [line.strip()[2:] for line in pip_section.splitlines() if line.strip()]
    assert conda_pins == (ROOT / "requirements.txt").read_text().split()


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
    return sorted([*SOLUTIONS.glob("*/*.ipynb"), *ASSIGNMENTS.glob("*/*.ipynb"),
                   *(ROOT / "lectures").glob("*.ipynb")])


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

    assert "hw1" in assignment_names()
    for name in ("hw9", "engine"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.toml").write_text("")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "checks.py").write_text("")
    monkeypatch.setattr(assignment, "AUTOGRADER", tmp_path)
    assert assignment_names() == ["hw9"]


@pytest.mark.parametrize(("text", "message"), [
    ('notebook = "a.ipynb"\n', "the field 'questions' is required"),
    ('notebook = "a.ipynb"\nquestion = {Q1 = 1}\n', "unknown field 'question'"),
    ('notebook = "a.ipynb"\nhelpers = "course_utils"\n[questions]\nQ1 = 1\n',
     "helpers should be a list"),
    ('notebook = "a.ipynb"\n[questions]\nQ1 = 1\n[limits]\nmemory = 5\n',
     "unknown limits \\['memory'\\]"),
    ('notebook = "a.ipynb\n', "not valid TOML"),
    ('notebook = "a.ipynb"\n[questions]\nQ1 = 1\n[gradescope]\nmemory = 2048\n',
     "unknown gradescope \\['memory'\\]"),
    ('notebook = "a.ipynb"\n[questions]\nQ1 = 1\n[limits]\nmemory_bytes = 2_000_000_000\n'
     '[gradescope]\nmemory_mb = 768\n', "gradescope.memory_mb \\(768\\) must hold"),
])
def test_a_broken_manifest_is_named_with_its_field(tmp_path, text, message):
    path = tmp_path / "manifest.toml"
    path.write_text(text)
    with pytest.raises(ManifestError, match=message):
        read_manifest(path)


def test_manifest_fields_reach_the_assignment():
    assert (HW1.notebook, HW1.helpers, HW1.files, HW1.datasets) == (
        "hw1.ipynb", ("course_utils",), (), ("mnist",))
    assert HW1.limits.memory_bytes == 500_000_000 and HW1.kernel_env == {
        "COURSEKIT_GRADING_SUBSET": "1000"}
    assert HW1.questions == {"Q1": 10.0, "Q2": 20.0, "Q3": 40.0, "Q4": 30.0}


def test_an_unknown_assignment_is_a_clear_command_error(capsys):
    from coursekit.cli import main

    assert main(["autograder", "hw99"]) == 1
    assert "unknown assignment 'hw99'" in capsys.readouterr().err


def test_each_zip_installs_what_its_own_notebook_imports():
    hw1 = runtime_requirements(HW1)
    assert "tqdm==" + locked_versions()["tqdm"] in hw1
    assert not [r for r in hw1 if r.startswith(("tensorflow", "nbformat"))]
    other = runtime_requirements(dataclasses.replace(HW1, runtime_packages=("nbformat",)))
    assert "nbformat==" + locked_versions()["nbformat"] in other
    assert "tqdm==" + locked_versions()["tqdm"] not in other


def test_what_the_graded_kernel_goes_without_no_zip_installs():
    from autograder.engine.kernel import WITHOUT_PACKAGES

    for name in assignment_names():
        installed = {canonical(r.split("==")[0]) for r in runtime_requirements(
            load_assignment(name))}
        assert "pandas" in WITHOUT_PACKAGES and "pandas" not in installed, name


@pytest.mark.parametrize("entry", ["coursekit.cli", "coursekit.grade",
                                   "autograder.gradescope.run"])
def test_every_grading_entry_point_keeps_numpy_to_one_thread(entry):
    import os
    import subprocess
    import sys

    environment = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    probe = (f"import os, {entry}, numpy; "
             "print(os.environ['OPENBLAS_NUM_THREADS'], len(os.listdir('/proc/self/task')))")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           cwd=ROOT, env=environment, check=True).stdout.split()
    assert shown == ["1", "1"]


def test_engine_and_helpers_import_nothing_from_the_command_line_tool():
    import ast

    for path in [*(ROOT / "autograder").rglob("*.py"), *(ROOT / "course_utils").rglob("*.py")]:
        if "corpus" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0] in ("coursekit", "tests")], path


def test_no_production_code_reads_the_tests_folder():
    import re

    as_path = re.compile(r"""/ ?["']tests["']|["']tests/""")  # ROOT / "tests", "tests/corpus"
    assert as_path.search('ROOT / "tests" / "corpus"') and not as_path.search('{"tests": []}')
    for folder in ("autograder", "coursekit", "course_utils"):
        for path in (ROOT / folder).rglob("*.py"):
            assert not as_path.search(path.read_text()), path


def test_grading_page_states_each_assignments_gradescope_settings():
    grading_page = (ROOT / "docs" / "grading.md").read_text()
    for name in assignment_names():
        assignment = load_assignment(name)
        row = (f"| {name} | {assignment.limits.memory_bytes / 1e6:,.0f} MB | "
               f"{assignment.gradescope.memory_mb:,} MB")
        assert row in grading_page, f"docs/grading.md's table of Gradescope settings lacks {row!r}"


def test_readme_and_docs_links_point_at_files_in_the_repository():
    import re

    code = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
    link = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)")  # [text](target "title"), ![alt](image)
    assert link.findall('[a](x.md) ![b](y.png "t")') == ["x.md", "y.png"]
    root = ROOT.resolve()
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    checked = 0
    for page in pages:
        for target in link.findall(code.sub("", page.read_text())):
            if target.startswith(("http://", "https://", "mailto:", "#")):
                continue
            path = (page.parent / target.split("#", 1)[0]).resolve()
            where = f"{page.relative_to(root)}: {target}"
            assert path.is_relative_to(root), f"{where} leaves the repository"
            assert path.exists(), f"{where} does not exist"
            checked += 1
    assert checked, "README.md and docs/ hold no relative links"
