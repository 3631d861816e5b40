"""`coursekit release`: reproducible, secret-free, and safe when the source is broken."""

from __future__ import annotations

import filecmp
import json
import shutil

import nbformat
import pytest

from autograder.engine.assignment import COURSE_UTILS
from coursekit.paths import ASSIGNMENTS, AUTOGRADER, SOLUTIONS
from coursekit.release import ReleaseError, leaked_lines, release, secret_lines

pytestmark = pytest.mark.slow
COMMITTED = ("hw1.ipynb", "course_utils.py")


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    """hw1 released from the committed sources into a scratch folder."""
    target = tmp_path_factory.mktemp("assignments")
    return release("hw1", assignments=target)


def test_committed_release_is_up_to_date_byte_for_byte(fresh_release):
    for name in COMMITTED:
        assert filecmp.cmp(fresh_release / name, ASSIGNMENTS / "hw1" / name, shallow=False), (
            f"assignments/hw1/{name} is stale: run `coursekit release hw1` and commit it")


def test_release_holds_no_solution_or_hidden_check_line(fresh_release):
    source = nbformat.read(SOLUTIONS / "hw1" / "hw1.ipynb", as_version=4)
    secrets = secret_lines(source)
    assert {"delta = probs - target", 'check_question("hw1", "Q3", globals())'} <= secrets
    for folder in (fresh_release, ASSIGNMENTS / "hw1"):
        released = nbformat.read(folder / "hw1.ipynb", as_version=4)
        assert leaked_lines(source, released) == []
        shipped = "\n".join(p.read_text(errors="ignore") for p in folder.rglob("*")
                            if p.is_file() and p.suffix in (".ipynb", ".py", ".txt", ".md"))
        public = ({ln.strip() for c in source.cells for ln in c.source.splitlines()} - secrets
                  | {ln.strip() for ln in COURSE_UTILS.read_text().splitlines()})
        for hidden in (AUTOGRADER / "hw1").glob("*.py"):
            lines = [ln.strip() for ln in hidden.read_text().splitlines()
                     if len(ln.strip()) > 25 and ln.strip() not in public]
            assert not [ln for ln in lines if ln in shipped], hidden.name
            assert lines or hidden.name == "__init__.py"


def test_release_ships_only_the_notebook_its_helpers_and_data(fresh_release):
    top = sorted(p.name for p in fresh_release.iterdir())
    assert top == ["course_utils.py", "data", "hw1.ipynb"]
    assert sorted(p.name for p in (fresh_release / "data" / "mnist").iterdir()) == [
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]


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
        release("hw1", solutions=solutions, assignments=assignments)
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
        release("hw1", solutions=solutions, assignments=assignments)
    assert (assignments / "hw1" / "hw1.ipynb").read_text() == "the previous release"


def test_an_unclosed_solution_region_is_named(tmp_path):
    solutions = copy_sources(tmp_path)
    grade_id = solution_cell_of("q3")

    def unclose(notebook, cell):
        head, _, tail = cell.source.rpartition("# END SOLUTION")
        cell.source = head + tail
    edit_cell(solutions, grade_id, unclose)
    with pytest.raises(ReleaseError, match=f"{grade_id}.*never closed"):
        release("hw1", solutions=solutions, assignments=old_release(tmp_path))
