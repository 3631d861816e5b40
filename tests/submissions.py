"""Building submissions for the tests: the reference, variants, mutants and hostile notebooks.

A "solved" notebook is the source with its hidden tests removed and its solution markers dropped,
which is what a perfect student hands in. A variant or mutant replaces the definitions of the
functions its file defines, in the cells where the notebook defines them.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path

import nbformat

from autograder.engine.assignment import load_assignment
from coursekit.calibrate import is_constant
from coursekit.paths import ASSIGNMENTS, SOLUTIONS
from coursekit.release import HIDDEN_MARKERS, SOLUTION_MARKERS, classify_lines


def strip_hidden(source: str) -> str:
    """``source`` without its hidden-test regions and without solution marker lines."""
    hidden = classify_lines(source, HIDDEN_MARKERS)
    solution = classify_lines(source, SOLUTION_MARKERS)
    return "\n".join(line for (line, where), (_, marker) in zip(hidden, solution, strict=True)
                     if where == "outside" and marker not in ("begin", "end"))


def solved(assignment: str) -> nbformat.NotebookNode:
    """The source notebook as a perfect student would submit it."""
    path = SOLUTIONS / assignment / load_assignment(assignment).notebook
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.source = strip_hidden(cell.source)
    return notebook


def filled_in(assignment: str, release: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``release`` (a student version) with each solution cell written as in the
    source: a student's finished notebook, every other cell exactly as released."""
    answers = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell.source
               for cell in solved(assignment).cells}
    notebook = copy.deepcopy(release)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = answers[meta["grade_id"]]
    return notebook


def blank(assignment: str) -> nbformat.NotebookNode:
    """The student release, untouched."""
    return nbformat.read(ASSIGNMENTS / assignment / load_assignment(assignment).notebook,
                         as_version=4)


def definitions(source: str) -> dict[str, str]:
    """Top-level function or class name -> its full source text (decorators included), and the
    same for each top-level assignment to one upper-case name (a constant such as ``MEMORIZE``)."""
    lines = source.splitlines()
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            found[node.name] = "\n".join(lines[start:node.end_lineno])
        elif is_constant(node):
            found[node.targets[0].id] = "\n".join(lines[node.lineno - 1:node.end_lineno])
    return found


def with_definitions(notebook: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    """A copy of ``notebook`` whose functions are replaced by those defined in ``source``.

    Constants the notebook defines (``MEMORIZE = ...``) are replaced the same way. The imports
    of ``source``, and the functions it defines that the notebook does not (helpers), go at the
    top of the first cell that gets a replacement.
    """
    notebook = copy.deepcopy(notebook)
    replacements = definitions(source)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    existing = {}
    for cell in code_cells:
        try:
            existing[id(cell)] = definitions(cell.source)
        except SyntaxError:
            existing[id(cell)] = {}
    known = {name for names in existing.values() for name in names}
    added = [text for name, text in replacements.items()  # helpers, not constants
             if name not in known and not name.isupper()]
    header = [ast.get_source_segment(source, node) for node in ast.parse(source).body
              if isinstance(node, ast.Import | ast.ImportFrom)] + added
    for cell in code_cells:
        names = [n for n in existing[id(cell)] if n in replacements]
        if not names:
            continue
        text = cell.source
        for name in names:
            text = text.replace(existing[id(cell)][name], replacements[name])
        if header:
            text, header = "\n\n".join([*header, text]), []
        cell.source = text
    if header:
        raise ValueError("the notebook defines none of the functions to replace")
    return notebook


def corpus(assignment: str, kind: str) -> list[Path]:
    """The variant files of one kind ("correct" or "mutants")."""
    return load_assignment(assignment).corpus(kind)


def module_constant(path: Path, name: str) -> list[str]:
    """A list constant such as ``LOSES`` from a corpus file, without running it."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name
                                                for t in node.targets):
            return list(ast.literal_eval(node.value))
    return []


def appended(notebook: nbformat.NotebookNode, *sources: str) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with code cells added at the end."""
    notebook = copy.deepcopy(notebook)
    notebook.cells.extend(nbformat.v4.new_code_cell(s) for s in sources)
    return notebook


def after_first_code_cell(notebook: nbformat.NotebookNode,
                          *sources: str) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with code cells inserted right after its first code cell (the
    imports), where a student's extra cell runs before everything it could interfere with."""
    notebook = copy.deepcopy(notebook)
    first = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    for offset, source in enumerate(sources, start=1):
        notebook.cells.insert(first + offset, nbformat.v4.new_code_cell(source))
    return notebook


def write(notebook: nbformat.NotebookNode | str, path: Path) -> Path:
    """Write a notebook (or raw text, for malformed files) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(notebook, str):
        path.write_text(notebook)
    else:
        path.write_text(json.dumps(notebook, indent=1))
    return path


# Cells a hostile or careless notebook may hold, with their test ids: each must cost nothing else.
HOSTILE_CELLS = {
    "infinite-loop": "while True:\n    pass",
    "loop-ignoring-interrupts":
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
    "sys-exit": "import sys\nsys.exit('bye')",
    "os-exit": "import os\nos._exit(1)",
    "memory-hog": "hog = []\nwhile True:\n    hog.append(bytearray(10**7))",
    "huge-print": "for _ in range(10**6):\n    print('x' * 1000)",
    "raises": "raise RuntimeError('a cell that raises')",
}


def disguised(source: str) -> str:
    """``source`` with its variables renamed, its comments rewritten and its functions in
    reverse order."""
    for old, new in (("weights", "Ws"), ("biases", "bs"), ("grad", "g"), ("delta", "err"),
                     ("loss", "cost")):
        source = re.sub(rf"\b{old}\b", new, source)
    source = re.sub(r"#.*", "# worked this out myself", source)
    functions = re.split(r"\n(?=def )", source.strip())
    return "\n\n\n".join(reversed(functions)) + "\n"
