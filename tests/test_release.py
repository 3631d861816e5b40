"""`coursekit release` when the source is broken: the cell is named, the old release stays.

(That every release is fresh and leak-free is checked per assignment in test_contract.py.)
"""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import nbformat
import pytest

from autograder.engine.assignment import load_assignment
from coursekit.paths import SOLUTIONS
from coursekit.release import ReleaseError, check_stated_points, question_of, release

pytestmark = pytest.mark.slow


def copy_sources(tmp_path):
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS / "hw1", solutions / "hw1", symlinks=False)
    return solutions


def edit_cell(solutions, grade_id, change):
    path = solutions / "hw1" / "hw1.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == grade_id)
    change(notebook, cell)
    nbformat.write(notebook, path)


def old_release(tmp_path):
    assignments = tmp_path / "assignments"
    (assignments / "hw1").mkdir(parents=True)
    (assignments / "hw1" / "hw1.ipynb").write_text("the previous release")
    return assignments


def solution_cell_of(question):
    source = nbformat.read(SOLUTIONS / "hw1" / "hw1.ipynb", as_version=4)
    return next(c.metadata.nbgrader.grade_id for c in source.cells
                if c.metadata.get("nbgrader", {}).get("solution")
                and c.metadata.nbgrader.grade_id.startswith(question))


def test_a_solution_that_fails_its_checks_stops_the_release_and_keeps_the_old_one(tmp_path):
    solutions = copy_sources(tmp_path)
    assignments = old_release(tmp_path)
    grade_id = solution_cell_of("q1")

    def break_init(notebook, cell):
        cell.source = cell.source.replace("np.zeros(n_out)", "np.ones(n_out)")
    edit_cell(solutions, grade_id, break_init)
    with pytest.raises(ReleaseError, match="q1-tests"):
        release(load_assignment("hw1"), solutions=solutions, assignments=assignments)
    assert (assignments / "hw1" / "hw1.ipynb").read_text() == "the previous release"


def test_a_copied_locked_cell_is_named(tmp_path):
    solutions = copy_sources(tmp_path)
    assignments = old_release(tmp_path)

    def duplicate(notebook, cell):
        copy = nbformat.from_dict(json.loads(json.dumps(cell)))
        copy.id = "pasted-copy"
        notebook.cells.append(copy)
    edit_cell(solutions, "q2-tests", duplicate)
    with pytest.raises(ReleaseError, match=r"repeats the grade_id.*copied cell"):
        release(load_assignment("hw1"), solutions=solutions, assignments=assignments)
    assert (assignments / "hw1" / "hw1.ipynb").read_text() == "the previous release"


def test_an_unclosed_solution_region_is_named(tmp_path):
    solutions = copy_sources(tmp_path)
    grade_id = solution_cell_of("q3")

    def unclose(notebook, cell):
        head, _, tail = cell.source.rpartition("# END SOLUTION")
        cell.source = head + tail
    edit_cell(solutions, grade_id, unclose)
    with pytest.raises(ReleaseError, match=f"{grade_id}.*never closed"):
        release(load_assignment("hw1"), solutions=solutions, assignments=old_release(tmp_path))


def test_a_file_the_manifest_does_not_name_stops_the_release(tmp_path):
    solutions = copy_sources(tmp_path)
    (solutions / "hw1" / "scratch_answers.py").write_text("secret = 1\n")
    assignments = old_release(tmp_path)
    with pytest.raises(ReleaseError, match=r"scratch_answers.py is not in autograder/hw1/manifest"):
        release(load_assignment("hw1"), solutions=solutions, assignments=assignments)
    assert (assignments / "hw1" / "hw1.ipynb").read_text() == "the previous release"


def test_a_test_cell_naming_no_question_is_named(tmp_path):
    solutions = copy_sources(tmp_path)

    def rename(notebook, cell):
        cell.metadata.nbgrader.grade_id = "q9-tests"
    edit_cell(solutions, "q2-tests", rename)
    with pytest.raises(ReleaseError, match=r"'q9-tests'.*names no question.*\['Q1', 'Q2'"):
        release(load_assignment("hw1"), solutions=solutions, assignments=old_release(tmp_path))


def test_grade_ids_name_questions_in_any_case_with_dots_as_underscores():
    assignment = SimpleNamespace(questions={"Q1": 1.0, "b.i": 1.0, "b.ii": 1.0})
    assert question_of("q1-tests", assignment) == "Q1"
    assert question_of("b_ii-tests-2", assignment) == "b.ii"
    assert question_of("B_I-tests", assignment) == "b.i"
    assert question_of("b-tests", assignment) is None


def test_a_heading_that_states_other_points_than_the_manifest_is_named(tmp_path):
    solutions = copy_sources(tmp_path)
    path = solutions / "hw1" / "hw1.ipynb"
    path.write_text(path.read_text().replace("Backpropagation (40 points)",
                                             "Backpropagation (35 points)"))
    assignments = old_release(tmp_path)
    with pytest.raises(ReleaseError, match=r"cell 11 \('q3-intro'\) says Q3 is worth 35 points, "
                                           r"but autograder/hw1/manifest.toml gives 40"):
        release(load_assignment("hw1"), solutions=solutions, assignments=assignments)
    assert (assignments / "hw1" / "hw1.ipynb").read_text() == "the previous release"


def test_a_written_prompt_that_states_other_points_than_its_answer_cell_is_named():
    hw2 = load_assignment("hw2")
    cells = nbformat.read(hw2.source_notebook, as_version=4).cells
    check_stated_points(hw2.source_notebook, cells, hw2)  # the committed source agrees
    where = next(i for i, c in enumerate(cells) if "**Written (5 points).**" in c.source)
    cells[where].source = cells[where].source.replace("(5 points)", "(6 points)")
    with pytest.raises(ReleaseError, match=r"says the written answer is worth 6 points, but its "
                                           r"answer cell cell \d+ \('written-"):
        check_stated_points(hw2.source_notebook, cells, hw2)
    heading = next(i for i, c in enumerate(cells) if c.source.startswith("## b — "))
    cells[heading].source = cells[heading].source.replace("(20 points)", "(6 points)")
    with pytest.raises(ReleaseError, match="says b is worth 6 points, but .* gives 20"):
        check_stated_points(hw2.source_notebook, cells[:heading + 1], hw2)
