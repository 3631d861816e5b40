"""`coursekit export`: the written answers of each submission as a PDF for Gradescope.

For ``coursekit export hw2 SUBMISSIONS --out DIR`` (one notebook, or a folder of submissions
named as ``coursekit grade`` names them), DIR gets

- ``template.pdf``: the pages built from the blank release, for the Gradescope outline;
- ``submissions/<name>.pdf``: one PDF per submission, with the same pages: page N is written
  question N (its title, points and prompt from the release, the student's answer, the plots);
- ``export.csv``: a row per submission (its PDF, page count and every problem found), so that
  nothing is lost silently.

Every submission gets a PDF: when its answers cannot be typeset (a LaTeX error, the time
limit), or its notebook cannot be read, the PDF is drawn without LaTeX and says why. An
assignment without written answers is refused (exit status 1) and nothing is written.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.engine.assignment import Assignment
from autograder.engine.notebook import NotebookError, find_notebook, read_cells
from coursekit.grade import submission_name, submissions_in
from coursekit.plainpdf import unreadable_pdf, untypeset_pdf
from coursekit.typeset import TIME_LIMIT_S, Typesetting
from coursekit.written import (
    ExportError,
    Page,
    Question,
    questions,
    student_pages,
    template_pages,
)

TEMPLATE = "template.pdf"
SUMMARY = "export.csv"
PDF_FOLDER = "submissions"


@dataclass
class Export:
    """One PDF to make: its pages, where it goes, and what went wrong on the way."""

    name: str
    pdf: Path
    pages: list[Page] | None  # None: the notebook could not be read
    problems: list[str] = field(default_factory=list)
    page_count: int | None = None
    job: Typesetting | None = None


def pdf_pages(pdf: Path) -> int | None:
    """The page count of ``pdf`` (poppler's pdfinfo), or None if it cannot be read."""
    done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def prepare(name: str, submission: Path, notebook_name: str, assignment_questions: list[Question],
            pdf: Path) -> Export:
    """Read a submission's notebook into pages (or note why it cannot be read)."""
    try:
        cells = read_cells(find_notebook(submission, notebook_name))
    except NotebookError as error:
        return Export(name, pdf, None, [f"not readable: {error}"])
    except OSError as error:
        return Export(name, pdf, None, [f"not readable: {error.strerror or error}"])
    pages = student_pages(assignment_questions, cells)
    return Export(name, pdf, pages, [note for page in pages for note in page.notes])


def finish(export: Export, expected: int) -> None:
    """After the typesetting: a plain PDF if it failed; the page count checked either way."""
    failure = export.job.finish(export.pdf)
    if failure:
        export.problems.append(f"{failure}; a plain-text PDF was written instead")
        export.page_count = untypeset_pdf(export.pages, export.pdf, failure)
        return
    export.page_count = pdf_pages(export.pdf)
    if export.page_count != expected:
        export.problems.append(f"{export.page_count} pages instead of {expected}: an answer runs "
                               "over its page, so pages after it do not match the template")


def run_exports(exports: list[Export], expected: int, workers: int,
                time_limit: float = TIME_LIMIT_S) -> None:
    """Typeset every export, at most ``workers`` at a time; unreadable ones get a plain PDF."""
    waiting = [e for e in exports if e.pages is not None]
    running: list[Export] = []
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                export = waiting.pop(0)
                export.job = Typesetting(export.pages, time_limit)
                export.job.start()
                running.append(export)
            time.sleep(0.05)
            for export in list(running):
                if export.job.poll():
                    running.remove(export)
                    finish(export, expected)
    finally:  # interrupted: stop what still runs and remove its folders
        for export in running:
            export.job.kill()
            export.job.clean_up()


def write_summary(exports: list[Export], out: Path) -> Path:
    summary = out / SUMMARY
    with summary.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "pdf", "pages", "problems"])
        for export in exports:
            writer.writerow([export.name, export.pdf.relative_to(out).as_posix(),
                             export.page_count if export.page_count is not None else "",
                             "; ".join(export.problems)])
    return summary


def export_folder(assignment: Assignment, submissions: Path, out: Path,
                  workers: int | None = None, time_limit: float = TIME_LIMIT_S) -> list[Export]:
    """Write ``out/template.pdf``, ``out/submissions/<name>.pdf`` for every submission (one
    notebook, or a folder of them) and ``out/export.csv``; return the exports, template first.
    ExportError if the assignment has no written answers."""
    assignment_questions = questions(assignment)
    expected = len(assignment_questions)
    found = submissions_in(submissions) if submissions.is_dir() else [submissions]
    exports = [Export("(template)", out / TEMPLATE, template_pages(
        assignment_questions, read_cells(assignment.release_notebook)))]
    taken: set[str] = set()
    for submission in found:
        name = submission_name(submission)
        pdf_name, copy = name, 1
        while pdf_name in taken:  # e.g. alice.ipynb beside a folder alice/
            copy += 1
            pdf_name = f"{name}-{copy}"
        taken.add(pdf_name)
        exports.append(prepare(submission.name, submission, assignment.notebook,
                               assignment_questions, out / PDF_FOLDER / f"{pdf_name}.pdf"))
    out.mkdir(parents=True, exist_ok=True)
    for export in exports:
        if export.pages is None:
            export.page_count = unreadable_pdf(assignment_questions, export.pdf,
                                               export.problems[0].removeprefix("not readable: "))
    run_exports(exports, expected, workers or max(1, os.cpu_count() or 1), time_limit)
    write_summary(exports, out)
    return exports


def report(exports: list[Export], out: Path) -> str:
    """The command's closing lines for the instructor."""
    students = exports[1:]
    troubled = [e for e in students if e.problems]
    lines = [f"wrote {out / TEMPLATE} and {len(students)} PDF(s) in {out / PDF_FOLDER}; "
             f"summary in {out / SUMMARY}"]
    if exports[0].problems:
        lines.append(f"template: {'; '.join(exports[0].problems)}")
    if troubled:
        lines.append(f"{len(troubled)} submission(s) with problems (see {SUMMARY}):")
        lines += [f"  {e.name}: {'; '.join(e.problems)}" for e in troubled[:20]]
        if len(troubled) > 20:
            lines.append(f"  ... and {len(troubled) - 20} more")
    return "\n".join(lines)


def main(assignment: Assignment, submissions: Path, out: Path, workers: int | None) -> int:
    """The command: 0 when the PDFs were written (problems are listed), 1 when refused."""
    try:
        exports = export_folder(assignment, submissions, out, workers)
    except ExportError as error:
        print(f"coursekit export: {error}", file=sys.stderr)
        return 1
    print(report(exports, out))
    return 0
