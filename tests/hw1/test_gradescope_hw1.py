"""HW1's Gradescope zip: pinned set-up, hidden files out of reach, and batch grading.

(Every assignment's zip is built, checked and graded end to end in test_contract.py.)
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import zipfile

import pytest
from conftest import run_like_gradescope
from submissions import corpus, solved, with_definitions, write

from autograder.engine.assignment import load_assignment
from autograder.engine.judge import points_per_question
from autograder.engine.sandbox import isolation
from coursekit.grade import grade_folder
from coursekit.package import build_autograder, locked_versions

pytestmark = pytest.mark.slow
MISSING_DERIVATIVE = next(p for p in corpus("hw1", "mutants") if "derivative" in p.stem)


@pytest.fixture(scope="module")
def zip_path(tmp_path_factory):
    return build_autograder(load_assignment("hw1"), tmp_path_factory.mktemp("dist"))


def test_setup_script_pins_every_package_to_the_lock(zip_path):
    archive = zipfile.ZipFile(zip_path)
    pins = locked_versions()
    lines = archive.read("requirements.txt").decode().split()
    assert {"numpy", "ipykernel", "jupyter-client", "matplotlib"} <= {ln.split("==")[0]
                                                                     for ln in lines}
    for line in lines:
        name, version = line.split("==")
        assert pins[name] == version
    setup = archive.read("setup.sh").decode()
    assert "requirements.txt" in setup
    assert subprocess.run(["bash", "-n"], input=setup, text=True).returncode == 0


def test_gradescope_layout_grades_a_mutant_down_and_hides_its_files(zip_path, tmp_path):
    hidden_path = tmp_path / "autograder" / "source" / "autograder" / "hw1" / "checks.py"
    thief = ("def init_params(layer_sizes, rng):\n"
             f"    raise Exception(open({str(hidden_path)!r}).read())\n")
    notebook = with_definitions(with_definitions(solved("hw1"), MISSING_DERIVATIVE.read_text()),
                                thief)
    results, root = run_like_gradescope(zip_path, tmp_path, notebook)
    per_question = points_per_question(results)
    assert per_question["Q3"] < 40 and per_question["Q1"] == 0 and per_question["Q2"] == 20
    hidden = hidden_path.read_text()
    shown = json.dumps(results)
    assert not [ln for ln in hidden.splitlines() if len(ln.strip()) > 30 and ln.strip() in shown]
    q1 = next(t for t in results["tests"] if t["tags"] == ["Q1"])
    if os.geteuid() == 0:
        assert oct((root / "source").stat().st_mode & 0o777) == "0o700"
    if isolation().level == "sandbox":  # the autograder is not even there
        assert "FileNotFoundError" in q1["output"]
    elif isolation().level == "user":
        assert "PermissionError" in q1["output"]


def test_batch_grading_writes_a_results_file_each_and_a_csv(tmp_path):
    folder = tmp_path / "submissions"
    write(solved("hw1"), folder / "alice.ipynb")
    write(with_definitions(solved("hw1"), MISSING_DERIVATIVE.read_text()), folder / "bob.ipynb")
    write("{not json", folder / "carol.ipynb")
    table = grade_folder(load_assignment("hw1"), folder, tmp_path / "out", workers=2)
    rows = {row["submission"]: row for row in csv.DictReader(table.open())}
    assert rows["alice.ipynb"]["score"] == "100"
    assert float(rows["bob.ipynb"]["Q3"]) < 40 and rows["bob.ipynb"]["Q1"] == "10"
    assert rows["carol.ipynb"]["score"] == "0"
    for name in ("alice", "bob", "carol"):
        assert (tmp_path / "out" / name / "results.json").is_file()
