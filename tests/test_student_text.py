"""What a student reads: each notebook's first cell says where its files come from, every visible
check that fails says what came, the numbers the text states are the calibrated ones, and every
unwritten part says what to write.
"""

from __future__ import annotations

import ast
import json
import re

import nbformat
import pytest
from submissions import strip_hidden

from autograder.engine.assignment import AUTOGRADER, assignment_names, load_assignment
from autograder.engine.toolkit import assignment_helper
from coursekit.release import STUB, name_stubs

NAMES = assignment_names()
CALIBRATED = [name for name in NAMES if load_assignment(name).calibration]


def source_cells(name: str) -> list:
    return nbformat.read(load_assignment(name).source_notebook, as_version=4).cells


def visible_check_cells(name: str) -> list[tuple[str, str]]:
    """(grade_id, source without hidden tests) of every graded code cell students see."""
    return [(cell.metadata.nbgrader.grade_id, strip_hidden(cell.source))
            for cell in source_cells(name) if cell.cell_type == "code"
            and cell.metadata.get("nbgrader", {}).get("grade")
            and not cell.metadata.nbgrader.get("solution")]


@pytest.mark.parametrize("name", NAMES)
def test_every_visible_check_message_shows_what_came(name):
    bare = []
    for grade_id, source in visible_check_cells(name):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assert):
                message = node.msg
                shows_a_value = message is not None and any(
                    isinstance(part, ast.FormattedValue) for part in ast.walk(message))
                if not shows_a_value:
                    bare.append(f"{grade_id}: {ast.unparse(node)[:80]}")
    assert bare == [], "these checks do not say what the student's code gave"


@pytest.mark.parametrize("name", NAMES)
def test_first_cell_says_where_the_files_come_from_and_what_to_do_without_them(name):
    assignment = load_assignment(name)
    first = source_cells(name)[0].source
    for needed in (f"`{name}.zip`", f"!unzip -o {name}.zip", "requirements.txt",
                   *(f"`data/{dataset}/`" for dataset in assignment.datasets),
                   *(f"`{file}`" for file in assignment.files if file.endswith(".py"))):
        assert needed in first, f"{name}'s first cell never says {needed}"
    assert "again" in first  # what to do when something is missing


@pytest.mark.parametrize("name", CALIBRATED)
def test_stated_accuracies_are_the_calibrated_ones(name):
    assignment = load_assignment(name)
    figures = json.loads(assignment.calibration.report.read_text())
    best = max(max(runs) for entry, runs in figures["runs"].items()
               if not entry.startswith("mutant"))
    text = "\n".join(c.source for c in source_cells(name) if c.cell_type == "markdown")
    assert f"{figures['worst_correct']:.1%} to {best:.1%}" in text
    assert f"at least {figures['threshold']:.1%}" in text
    assert not re.search(r"about \*{0,2}\d+%", text), "a rounded accuracy is left in the text"


@pytest.mark.parametrize("name", NAMES)
def test_every_stub_in_the_release_says_what_to_write(name):
    assignment = load_assignment(name)
    release = nbformat.read(assignment.release_notebook, as_version=4)
    text = "\n".join(cell.source for cell in release.cells)
    messages = re.findall(r"raise NotImplementedError\((.*?)\)", text, flags=re.S)
    assert messages and len(messages) == text.count("NotImplementedError")
    for message in messages:
        said = r'\s*"\S+: (write|set) [\w ,]+ in place of this line"'
        assert re.fullmatch(said, message), message


def test_a_stub_names_its_function_or_the_names_its_region_sets():
    long = "a_helper_whose_name_is_long_enough_to_need_a_second_line"
    source = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def helper(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n\n\n"
        f"def {long}(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n\n\n"
        "### BEGIN SOLUTION\nNET_A, NET_B = 1, 2\nEPOCHS = 3\n### END SOLUTION",
        metadata={"nbgrader": {"grade_id": "q2-solution", "solution": True}})])
    release = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"def helper(x):\n    # YOUR CODE HERE\n    {STUB}\n\n\n"
        f"def {long}(x):\n    # YOUR CODE HERE\n    {STUB}\n\n\n# YOUR CODE HERE\n{STUB}",
        metadata={"nbgrader": {"grade_id": "q2-solution", "solution": True}})])
    name_stubs(release, source, load_assignment("hw1"))
    lines = release.cells[0].source.splitlines()
    assert lines[2] == '    raise NotImplementedError("Q2: write helper in place of this line")'
    assert lines[7:9] == ["    raise NotImplementedError(",
                          f'        "Q2: write {long} in place of this line")']
    assert lines[-1] == ('raise NotImplementedError("Q2: set NET_A, NET_B and EPOCHS in place of '
                         'this line")')


@pytest.mark.parametrize("student_id", [None, "", "   ", 12345678])
def test_hand_network_explains_an_unset_student_id(student_id):
    checks = AUTOGRADER / "hw0" / "checks.py"
    hand_network = assignment_helper(str(checks), "hw0_utils").hand_network
    with pytest.raises(ValueError, match=r'STUDENT_ID should be your student ID as a string, '
                                         r'e\.g\. STUDENT_ID = "12345678"; it is '):
        hand_network(student_id)
