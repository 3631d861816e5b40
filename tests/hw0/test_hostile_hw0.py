"""HW1's hostile cases replayed on HW0, and what is new with HW0: the hand pass is checked
against the network of the student who submits, whose ID comes from Gradescope's metadata, a
roster, or the notebook, in that order."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from conftest import quick, run_like_gradescope, scores
from submissions import (
    HOSTILE_CELLS,
    after_first_code_cell,
    corpus,
    solved,
    with_definitions,
    write,
)

from autograder.engine.assignment import load_assignment
from autograder.gradescope.run import student_identity
from coursekit.grade import RosterError, grade_folder, read_roster
from coursekit.package import build_autograder
from coursekit.paths import AUTOGRADER

HW0 = load_assignment("hw0")
FULL = dict(HW0.questions)
FAST = quick(HW0, cell_seconds=5, call_seconds=10, budget_seconds=200)
# The corpus's copied hand pass: right for the student 'classmate', handed in by 'reference'.
CLASSMATES_NUMBERS = next(p for p in corpus("hw0", "mutants")
                          if p.stem == "another_students_numbers").read_text()
MISMATCH = "but this submission belongs to student ID 'classmate'"


def without_q4(got: dict) -> dict:
    return {q: v for q, v in got.items() if q != "Q4"}


@pytest.mark.slow
@pytest.mark.parametrize("source", list(HOSTILE_CELLS.values()), ids=list(HOSTILE_CELLS))
def test_a_hostile_cell_costs_nothing_else(grade_notebook, source):
    results = grade_notebook(after_first_code_cell(solved("hw0"), source), assignment=FAST)
    assert [t["name"] for t in results["tests"]] == [c.name for c in HW0.checks]
    assert scores(results) == FULL
    assert "cell" in results["output"]


@pytest.mark.slow
def test_a_staircase_that_never_ends_costs_only_q5(grade_notebook):
    looping = "def staircase_network(f, B, n):\n    while True:\n        pass\n"
    # The notebook's own Q5 cell calls it too: that cell stops at cell_seconds.
    results = grade_notebook(with_definitions(solved("hw0"), looping),
                             assignment=quick(HW0, cell_seconds=5, call_seconds=3))
    got = scores(results)
    assert got["Q5"] == 8  # the box still counts
    assert without_q4(got) | {"Q4": FULL["Q4"], "Q5": FULL["Q5"]} == FULL
    assert any("took longer than" in t["output"] for t in results["tests"])


@pytest.mark.slow
def test_answers_that_pretend_to_be_right_gain_nothing(grade_notebook):
    cheat = ("import numpy as np\n"
             "class Anything(float):\n"
             "    def __eq__(self, other):\n        return True\n"
             "FORWARD = {'z': Anything(0), 'h': Anything(0), 'y_hat': Anything(0),\n"
             "           'loss': Anything(0)}\n"
             "np.allclose = lambda *a, **k: True\n"
             "np.maximum = lambda a, b: a\n")
    results = grade_notebook(with_definitions(solved("hw0"), cheat), assignment=FAST)
    got = scores(results)
    assert got["Q4"] <= FULL["Q4"] - 8  # both forward checks lost
    assert got["Q3"] == FULL["Q3"]  # the judge evaluates NET_A and NET_B with its own numpy


@pytest.mark.slow
def test_reading_the_checks_leaks_nothing(grade_notebook):
    hidden = AUTOGRADER / "hw0" / "checks.py"
    thief = ("def box_network(h, delta):\n"
             f"    raise Exception(open({str(hidden)!r}).read())\n")
    results = grade_notebook(with_definitions(solved("hw0"), thief), assignment=FAST)
    shown = json.dumps(results)
    assert not [ln for ln in hidden.read_text().splitlines()
                if len(ln.strip()) > 30 and ln.strip() in shown]
    assert scores(results)["Q5"] < FULL["Q5"]


@pytest.mark.slow
def test_without_a_student_id_the_hand_pass_scores_nothing_and_says_why(grade_notebook):
    notebook = solved("hw0")
    for cell in notebook.cells:
        cell.source = cell.source.replace('STUDENT_ID = "reference"', "")
    results = grade_notebook(notebook, assignment=FAST)
    q4 = [t for t in results["tests"] if t["tags"] == ["Q4"]]
    assert all(t["score"] == 0 and "Set STUDENT_ID" in t["output"] for t in q4)
    assert without_q4(scores(results)) == without_q4(FULL)


# -- where the student ID comes from -------------------------------------------------------------

@pytest.mark.slow
def test_on_gradescope_the_metadata_decides_whose_network_is_checked(tmp_path):
    built = build_autograder(load_assignment("hw0"), tmp_path / "dist")
    # Numbers worked out for 'classmate', in a notebook that claims to be 'reference', handed
    # in by 'classmate': full marks, and a note that the notebook's ID is not theirs.
    copied = with_definitions(solved("hw0"), CLASSMATES_NUMBERS)
    metadata = {"users": [{"email": "c@example.edu", "name": "C", "sid": "Classmate "}]}
    results, _ = run_like_gradescope(built, tmp_path / "one", copied, metadata)
    assert scores(results) == FULL
    # The ID is matched case-blind, and shown as Gradescope spells it (spaces dropped).
    shown = MISMATCH.replace("'classmate'", "'Classmate'")
    assert all(shown in t["output"] for t in results["tests"] if t["tags"] == ["Q4"])
    # The reference's own numbers handed in by 'classmate' score nothing on Q4.
    results, _ = run_like_gradescope(built, tmp_path / "two", solved("hw0"), metadata)
    assert scores(results)["Q4"] == 0
    assert without_q4(scores(results)) == without_q4(FULL)


def test_the_gradescope_id_is_the_sid_else_the_email(tmp_path):
    metadata = tmp_path / "submission_metadata.json"
    assert student_identity(tmp_path) is None
    for users, expected in (([{"sid": "123", "email": "a@b"}], "123"),
                            ([{"sid": "", "email": "a@b"}], "a@b"),
                            ([{"name": "no id"}], None), ([], None), ("odd", None)):
        metadata.write_text(json.dumps({"users": users}))
        assert student_identity(tmp_path) == expected
    metadata.write_text("{not json")
    assert student_identity(tmp_path) is None


@pytest.mark.slow
def test_a_roster_names_each_submissions_student_in_a_batch(tmp_path):
    folder = tmp_path / "submissions"
    for name in ("alice", "bob", "carol"):
        write(solved("hw0"), folder / f"{name}.ipynb")
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="") as handle:
        csv.writer(handle).writerows([["submission", "student_id", "name"],
                                      ["alice.ipynb", "reference", "Alice"],
                                      ["bob", "classmate", "Bob"]])  # carol: not listed
    table = grade_folder(load_assignment("hw0"), folder, tmp_path / "out", workers=2,
                         roster=read_roster(roster))
    q4 = {row["submission"]: float(row["Q4"]) for row in csv.DictReader(table.open())}
    assert q4 == {"alice.ipynb": FULL["Q4"], "bob.ipynb": 0.0, "carol.ipynb": FULL["Q4"]}
    bob = json.loads((tmp_path / "out" / "bob" / "results.json").read_text())
    assert any(MISMATCH in t["output"] for t in bob["tests"])


def test_a_roster_without_its_columns_is_refused_with_a_clear_message(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,id\nAlice,1\n")
    with pytest.raises(RosterError, match="submission and student_id"):
        read_roster(roster)
    done = subprocess.run([sys.executable, "-m", "coursekit", "grade", "hw0", str(tmp_path),
                           "--out", str(tmp_path / "out"), "--roster", str(roster)],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "submission and student_id" in done.stderr
    assert not (tmp_path / "out").exists()
