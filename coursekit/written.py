"""What goes on each page of `coursekit export`: the manually graded questions and the answers.

A **written question** is a cell of the source notebook (``solutions/<hw>/<hw>.ipynb``) whose
nbgrader metadata says ``grade: true, solution: true, locked: false``: the cell the student
writes the answer in. Questions come in the order of these cells in the source notebook.

For each question, from the **release** notebook (``assignments/<hw>/<hw>.ipynb``, never the
student's copy, so a student cannot change what graders read as the question):

- its points: the answer cell's nbgrader ``points``;
- its prompt: the nearest markdown cell above the answer cell that is not itself an answer cell.

From the **student's** notebook, matched by nbgrader ``grade_id`` (never by position):

- the answer: the source of the student's cell with the question's ``grade_id``;
- the plots: the PNG outputs of each code cell tagged ``export:<grade_id>`` in the source notebook
  (``metadata.tags``), found in the student's notebook by that cell's own ``grade_id`` (or, for a
  tagged cell without one, by the same tag). Nothing of the student's is ever run: the outputs
  are those saved in the submitted notebook.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from autograder.engine.assignment import Assignment
from autograder.engine.notebook import read_cells, source_text

EXPORT_TAG = "export:"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NO_PLOT = "(no plot found: run the cell that draws it before submitting)"
TEMPLATE_PLOT = "(the plot from the student's notebook appears here)"


class ExportError(Exception):
    """The assignment cannot be exported; the message is for the instructor."""


@dataclass(frozen=True)
class Question:
    """One written question: one page of every PDF.

    - grade_id: the answer cell's nbgrader grade_id, e.g. "written-cache"
    - points: the answer cell's nbgrader points
    - prompt: the question's markdown, from the release notebook
    - plot_cells: how to find its plots in a student's notebook: ("grade_id", id) or ("tag", tag)
    """

    grade_id: str
    points: float
    prompt: str
    plot_cells: tuple[tuple[str, str], ...] = ()


@dataclass
class Page:
    """What one student's page for one question shows.

    - answer: the student's answer cell (its type and source), or None when it is missing
    - plots: the PNG images of the question's plot cells, in notebook order
    - attachments: images pasted into a markdown answer (PNG only)
    - notes: what is missing, said on the page and in the summary
    """

    question: Question
    answer: tuple[str, str] | None
    plots: list[bytes] = field(default_factory=list)
    attachments: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    no_plot: str = NO_PLOT  # what the page says where a plot should be and none was found


def nbgrader(cell: dict) -> dict:
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def tags(cell: dict) -> list[str]:
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    found = metadata.get("tags") if isinstance(metadata, dict) else None
    return [t for t in found if isinstance(t, str)] if isinstance(found, list) else []


def is_answer_cell(cell: dict) -> bool:
    """A manually graded answer: nbgrader grade and solution, not locked."""
    meta = nbgrader(cell)
    return meta.get("grade") is True and meta.get("solution") is True and not meta.get("locked")


def questions(assignment: Assignment) -> list[Question]:
    """The written questions of an assignment, in source order; ExportError if it has none or
    the release does not match the source."""
    assignment_name, notebook = assignment.name, assignment.notebook
    source = read_cells(assignment.source_notebook)
    answers = [nbgrader(c)["grade_id"] for c in source if is_answer_cell(c)]
    if not answers:
        raise ExportError(f"{assignment_name} has no written answers: no cell of solutions/"
                          f"{assignment_name}/{notebook} is an nbgrader cell with grade: true, "
                          "solution: true, locked: false. Nothing to export.")
    plots: dict[str, list[tuple[str, str]]] = {gid: [] for gid in answers}
    for index, cell in enumerate(source):
        for tag in tags(cell):
            if not tag.startswith(EXPORT_TAG):
                continue
            target = tag.removeprefix(EXPORT_TAG)
            if target not in plots:
                raise ExportError(f"solutions/{assignment_name}/{notebook}: cell {index + 1} is "
                                  f"tagged {tag!r}, but no written answer has grade_id "
                                  f"{target!r} (written answers: {', '.join(answers)}).")
            grade_id = nbgrader(cell).get("grade_id")
            plots[target].append(("grade_id", grade_id) if grade_id else ("tag", tag))
    release = read_cells(assignment.release_notebook)
    found = []
    for grade_id in answers:
        where = next((i for i, c in enumerate(release) if nbgrader(c).get("grade_id") == grade_id),
                     None)
        if where is None:
            raise ExportError(f"assignments/{assignment_name}/{notebook} has no cell {grade_id!r}; "
                              f"run `coursekit release {assignment_name}` first.")
        prompt = next((source_text(c) for c in reversed(release[:where])
                       if c.get("cell_type") == "markdown" and not is_answer_cell(c)), "")
        points = nbgrader(release[where]).get("points", 0)
        found.append(Question(grade_id, float(points), prompt.strip(), tuple(plots[grade_id])))
    return found


def png_outputs(cell: dict) -> list[bytes]:
    """The PNG images among a code cell's saved outputs (anything else is skipped)."""
    images = []
    outputs = cell.get("outputs")
    for output in outputs if isinstance(outputs, list) else []:
        data = output.get("data") if isinstance(output, dict) else None
        encoded = data.get("image/png") if isinstance(data, dict) else None
        if isinstance(encoded, list):
            encoded = "".join(part for part in encoded if isinstance(part, str))
        image = decode_png(encoded)
        if image is not None:
            images.append(image)
    return images


def decode_png(encoded) -> bytes | None:
    """The bytes of a base64 PNG, or None if it is not one."""
    if not isinstance(encoded, str):
        return None
    try:
        image = base64.b64decode(encoded)
    except (binascii.Error, ValueError):
        return None
    return image if image.startswith(PNG_SIGNATURE) else None


def student_pages(assignment_questions: list[Question], cells: list[dict]) -> list[Page]:
    """One page per question from a student's cells."""
    by_id: dict[str, list[dict]] = {}
    for cell in cells:
        grade_id = nbgrader(cell).get("grade_id")
        if isinstance(grade_id, str):
            by_id.setdefault(grade_id, []).append(cell)
    pages = []
    for question in assignment_questions:
        mine = by_id.get(question.grade_id, [])
        page = Page(question, None)
        if mine:
            kind = mine[0].get("cell_type")
            page.answer = (kind if kind in ("markdown", "code") else "raw", source_text(mine[0]))
            page.attachments = image_attachments(mine[0])
            if len(mine) > 1:
                page.notes.append(f"{len(mine)} cells have grade_id {question.grade_id}; the "
                                  "first is shown")
        else:
            page.notes.append(f"No answer cell found for {question.grade_id}")
        for how, key in question.plot_cells:
            for cell in cells:
                if cell.get("cell_type") == "code" and (
                        (how == "grade_id" and nbgrader(cell).get("grade_id") == key)
                        or (how == "tag" and key in tags(cell))):
                    page.plots += png_outputs(cell)
        if question.plot_cells and not page.plots:
            page.notes.append(f"no plot found for {question.grade_id}")
        pages.append(page)
    return pages


def template_pages(assignment_questions: list[Question], release: list[dict]) -> list[Page]:
    """The pages of the blank release: the outline every student's PDF follows."""
    pages = student_pages(assignment_questions, release)
    for page in pages:
        page.notes = [n for n in page.notes if not n.startswith("no plot found")]
        page.no_plot = TEMPLATE_PLOT
    return pages


def image_attachments(cell: dict) -> dict[str, dict[str, str]]:
    """A markdown cell's pasted images (PNG only, checked), to show with its text."""
    found = cell.get("attachments")
    kept = {}
    for name, bundle in found.items() if isinstance(found, dict) else []:
        image = decode_png(bundle.get("image/png")) if isinstance(bundle, dict) else None
        if image is not None and re.fullmatch(r"[\w.-]{1,100}", name):
            kept[name] = {"image/png": base64.b64encode(image).decode("ascii")}
    return kept
