"""`coursekit export`: the written answers as one PDF per submission, one question per page.

The PDFs are read back with poppler (pdfinfo, pdftotext, pdfimages), so these tests need the
export's system packages (`make export-tools`); without them they are skipped.
"""

from __future__ import annotations

import base64
import copy
import csv
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import nbformat
import pytest
from submissions import solved, write

from autograder.engine.assignment import load_assignment
from coursekit.export import export_folder
from coursekit.paths import ROOT
from coursekit.typeset import Typesetting, latex_environment, missing_tools
from coursekit.written import Page, Question, questions

pytestmark = pytest.mark.skipif(missing_tools() is not None,
                                reason=f"the export's system tools: {missing_tools()}")

HW2_WRITTEN = ["written-overflow", "written-cache", "written-mistakes", "written-step-size"]
PLOT_CELLS = {"hw0": ["init-experiment"], "hw2": ["mistakes", "step-size-run"],
              "hw3": ["probabilities"]}
HW0_WRITTEN = ["written-gradients", "written-closed-form", "written-relu-gradient",
               "written-d-dimensional", "written-init-variance", "written-init-experiment"]
SECRET_FILE = ROOT / "autograder" / "hw3" / "checks.py"


def png(width: int = 40, height: int = 30) -> str:
    """A small grey PNG, base64-encoded as in a notebook's outputs."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes([128]) * width for _ in range(height))
    image = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                               0, 0, 0))
             + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return base64.b64encode(image).decode("ascii")


def with_plots(assignment: str) -> nbformat.NotebookNode:
    """The solved notebook as submitted after running: its plot cells hold a PNG each."""
    notebook = solved(assignment)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in PLOT_CELLS[assignment]:
            cell.outputs = [nbformat.v4.new_output(
                "display_data", data={"image/png": png(), "text/plain": "<Figure>"})]
    return notebook


def answer_cell(notebook: nbformat.NotebookNode, grade_id: str):
    return next(c for c in notebook.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def pages_of(pdf: Path) -> list[str]:
    """The text of each page."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))


def image_pages(pdf: Path) -> list[int]:
    """The page of every image in ``pdf``."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    return [int(line.split()[0]) for line in listing if line.split()[2] == "image"]


def summary(out: Path) -> dict[str, dict[str, str]]:
    with (out / "export.csv").open(newline="") as handle:
        return {row["submission"]: row for row in csv.DictReader(handle)}


def test_written_questions_follow_the_source_with_prompts_from_the_release():
    found = questions(load_assignment("hw2"))
    assert [q.grade_id for q in found] == HW2_WRITTEN
    assert all(q.points == 5 and q.prompt.startswith("**Written (5 points).**") for q in found)
    plots = {q.grade_id: q.plot_cells for q in found}
    assert plots["written-mistakes"] == (("grade_id", "mistakes"),)
    assert plots["written-step-size"] == (("grade_id", "step-size-run"),)
    assert plots["written-overflow"] == plots["written-cache"] == ()
    assert [(q.grade_id, q.plot_cells) for q in questions(load_assignment("hw3"))] == [
        ("written-probabilities", (("grade_id", "probabilities"),))]


def test_hw3_gives_one_page_with_the_plot_and_a_template_of_the_same_pages(tmp_path):
    submission = write(with_plots("hw3"), tmp_path / "in" / "alice.ipynb")
    out = tmp_path / "out"
    export_folder(load_assignment("hw3"), submission, out)
    pdf = out / "submissions" / "alice.pdf"
    assert page_count(pdf) == page_count(out / "template.pdf") == 1
    assert image_pages(pdf) == [1]
    [page] = pages_of(pdf)
    assert "Question 1 of 1: written-probabilities (5 points)" in page
    assert "Describe the three charts" in page  # the prompt, from the release
    assert "Two of the three images" in page  # the answer
    [blank] = pages_of(out / "template.pdf")
    assert "YOUR ANSWER HERE" in blank and "appears here" in blank
    assert image_pages(out / "template.pdf") == []
    assert summary(out)["alice.ipynb"] == {"submission": "alice.ipynb",
                                           "pdf": "submissions/alice.pdf", "pages": "1",
                                           "problems": ""}


def test_hw0_typesets_its_math_on_six_pages_with_the_experiment_plot_last(tmp_path):
    submission = write(with_plots("hw0"), tmp_path / "in" / "dana.ipynb")
    out = tmp_path / "out"
    export_folder(load_assignment("hw0"), submission, out)
    pdf = out / "submissions" / "dana.pdf"
    assert page_count(pdf) == page_count(out / "template.pdf") == 6
    assert summary(out)["dana.ipynb"]["problems"] == ""  # LaTeX typeset every answer
    pages = pages_of(pdf)
    for number, (text, grade_id) in enumerate(zip(pages, HW0_WRITTEN), start=1):
        assert f"Question {number} of 6: {grade_id}" in text
    assert "$" not in pages[0] and "\\nabla" not in pages[0]  # math typeset, not shown raw
    assert image_pages(pdf) == [6]


def test_hw2_batch_keeps_every_submission_on_the_template_pages(tmp_path):
    folder = tmp_path / "in"
    alice = with_plots("hw2")
    answer_cell(alice, "written-cache").source += (
        "\n\n<!-- END QUESTION -->\n\n#newpage <!-- BEGIN QUESTION --> still my answer")
    write(alice, folder / "alice.ipynb")
    bob = copy.deepcopy(alice)
    bob.cells.remove(answer_cell(bob, "written-cache"))
    for cell in bob.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "mistakes":
            cell.outputs = []
    write(bob, folder / "bob" / "hw2.ipynb")  # a folder per student, as `coursekit grade` takes
    write('{"cells": [', folder / "carol.ipynb")
    out = tmp_path / "out"
    export_folder(load_assignment("hw2"), folder, out)
    rows = summary(out)
    assert list(rows) == ["(template)", "alice.ipynb", "bob", "carol.ipynb"]
    for name in ("alice", "bob", "carol"):
        assert page_count(out / "submissions" / f"{name}.pdf") == 4
    assert {row["pages"] for row in rows.values()} == {"4"}
    assert page_count(out / "template.pdf") == 4
    alice_pages = pages_of(out / "submissions" / "alice.pdf")
    for number, (text, grade_id) in enumerate(zip(alice_pages, HW2_WRITTEN), start=1):
        assert f"Question {number} of 4: {grade_id}" in text
    assert "still my answer" in alice_pages[1]
    assert sorted(set(image_pages(out / "submissions" / "alice.pdf"))) == [3, 4]
    assert rows["alice.ipynb"]["problems"] == ""
    bob_pages = pages_of(out / "submissions" / "bob.pdf")
    assert "No answer cell found for written-cache" in bob_pages[1]
    assert "no plot found: run the cell that draws it before submitting" in bob_pages[2]
    assert rows["bob"]["problems"] == ("No answer cell found for written-cache; "
                                       "no plot found for written-mistakes")
    assert "not a valid notebook" in rows["carol.ipynb"]["problems"]
    assert all("could not be read" in text for text in pages_of(out / "submissions/carol.pdf"))


def hostile_pages(text: str) -> list[Page]:
    return [Page(Question("written-x", 5.0, "Say something.", ()), ("markdown", text))]


def typeset(pages: list[Page], pdf: Path, time_limit: float = 60.0) -> str | None:
    job = Typesetting(pages, time_limit)
    job.start()
    while not job.poll():
        time.sleep(0.05)
    return job.finish(pdf)


INJECTIONS = (f"A $\\input{{/etc/passwd}}$ B \\input{{/etc/hostname}} "
              f"C \\input{{{SECRET_FILE}}} D \\input{{../../etc/passwd}}")


def test_latex_in_an_answer_reads_no_file_outside_its_folder(tmp_path):
    pdf = tmp_path / "answers.pdf"
    failure = typeset(hostile_pages(INJECTIONS), pdf)
    assert failure is not None and "not found" in failure  # TeX was refused the files
    assert not pdf.exists()


def test_without_a_sandbox_tex_still_reads_nothing_outside_and_the_answer_is_kept(tmp_path):
    notebook = with_plots("hw3")
    answer_cell(notebook, "written-probabilities").source = INJECTIONS
    submission = write(notebook, tmp_path / "mallory.ipynb")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "coursekit", "export", "hw3", str(submission),
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "COURSEKIT_ISOLATION": "none"}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "LaTeX runs without a sandbox" in done.stderr
    row = summary(out)["mallory.ipynb"]
    assert "plain-text PDF" in row["problems"] and row["pages"] == "1"
    [text] = pages_of(out / "submissions" / "mallory.pdf")
    assert "\\input{/etc/passwd}" in text  # the answer as typed, not the file
    secret = next(line for line in SECRET_FILE.read_text().splitlines() if len(line) > 30)
    for leaked in ("root:x:0:0", secret.strip()):
        assert leaked not in text


def test_tex_runs_no_shell_command(tmp_path):
    """``\\shellescape`` is 0 when \\write18 is off (2: restricted, TeX Live's default)."""
    (tmp_path / "probe.tex").write_text("\\message{SHELL[\\the\\shellescape]}\\end\n")
    subprocess.run(["xelatex", "-interaction=batchmode", "probe.tex"], cwd=tmp_path,
                   env=latex_environment(tmp_path), capture_output=True, stdin=subprocess.DEVNULL,
                   timeout=60, check=False)
    assert "SHELL[0]" in (tmp_path / "probe.log").read_text()


def test_a_latex_loop_hits_the_time_limit_and_gets_a_plain_pdf(tmp_path):
    notebook = solved("hw3")
    answer_cell(notebook, "written-probabilities").source = "Forever: $\\loop\\iftrue\\repeat$"
    folder = tmp_path / "in"
    write(notebook, folder / "loop.ipynb")
    out = tmp_path / "out"
    started = time.monotonic()
    export_folder(load_assignment("hw3"), folder, out, time_limit=8)
    assert time.monotonic() - started < 40
    row = summary(out)["loop.ipynb"]
    assert "did not finish within 8 s" in row["problems"] and row["pages"] == "1"
    assert "Forever: $\\loop\\iftrue\\repeat$" in pages_of(out / "submissions" / "loop.pdf")[0]


def test_an_assignment_without_written_answers_is_refused_and_nothing_written(tmp_path):
    done = subprocess.run([sys.executable, "-m", "coursekit", "export", "hw1",
                           str(ROOT / "assignments" / "hw1"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1
    assert "hw1 has no written answers" in done.stderr
    assert not (tmp_path / "out").exists()


def test_missing_tools_are_named_with_the_packages(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda tool: None if tool == "xelatex" else "/usr/bin/x")
    message = missing_tools()
    assert message.startswith("xelatex not found")
    assert "apt-get install --no-install-recommends pandoc texlive-xetex" in message
