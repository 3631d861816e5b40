"""Reading a submission: find the notebook, read its code cells, never trust its JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

MAX_NOTEBOOK_BYTES = 50_000_000


class NotebookError(ValueError):
    """The submission has no readable notebook; the message is for the student."""


@dataclass(frozen=True)
class CodeCell:
    """One code cell: its position among all cells (1-based) and its source."""

    number: int
    source: str

    @property
    def label(self) -> str:
        """How a student finds the cell: its number and first non-empty line."""
        first = next((line.strip() for line in self.source.splitlines() if line.strip()), "")
        first = first if len(first) <= 50 else first[:47] + "..."
        return f'cell {self.number} ("{first}")'


def find_notebook(submission: Path, expected_name: str) -> Path:
    """The notebook to grade: ``submission`` itself, or the best ``.ipynb`` inside a folder.

    In a folder, the expected name wins; otherwise the largest notebook that is not a
    checkpoint, so a renamed notebook is still graded.
    """
    submission = Path(submission)
    if submission.is_file():
        return submission
    if not submission.is_dir():
        raise NotebookError(f"No submission found at {submission.name}.")
    candidates = [p for p in sorted(submission.rglob("*.ipynb"))
                  if ".ipynb_checkpoints" not in p.parts and p.is_file()]
    if not candidates:
        raise NotebookError(f"No notebook (.ipynb file) was found in your submission. "
                            f"Upload {expected_name}.")
    exact = [p for p in candidates if p.name == expected_name]
    return exact[0] if exact else max(candidates, key=lambda p: p.stat().st_size)


def source_text(cell: dict) -> str:
    """A cell's source as one string, whether the JSON holds a string or a list of lines."""
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def read_cells(path: Path) -> list[dict]:
    """Every cell of the notebook at ``path`` as its JSON holds it (a dict each, with its
    metadata and outputs); NotebookError, with a message for the student, when the file is too
    large, not text, not JSON, or has no list of cells."""
    path = Path(path)
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB; "
                            "clear its outputs (Edit > Clear Outputs of All Cells) and submit "
                            "again.")
    try:
        notebook = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookError(f"{path.name} is not a text file; submit the .ipynb notebook "
                            "downloaded from Jupyter.") from None
    except json.JSONDecodeError as error:
        raise NotebookError(f"{path.name} is not a valid notebook: its JSON breaks at line "
                            f"{error.lineno}, column {error.colno}. Download it again from "
                            "Jupyter (File > Download) and submit that file.") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotebookError(f"{path.name} has no list of cells; submit the .ipynb notebook "
                            "downloaded from Jupyter.")
    return [cell if isinstance(cell, dict) else {} for cell in cells]


def read_code_cells(path: Path) -> list[CodeCell]:
    """The code cells of the notebook at ``path`` that are not empty, in order, numbered among
    all its cells."""
    return [CodeCell(number, source_text(cell))
            for number, cell in enumerate(read_cells(path), start=1)
            if cell.get("cell_type") == "code" and source_text(cell).strip()]
