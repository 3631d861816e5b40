"""Typesetting one PDF of written answers with otter-grader's export, in a sandbox.

The pages become an intermediate notebook that otter-grader understands: each question's
cells lie between ``<!-- BEGIN QUESTION -->`` (the first line of its title cell) and an
``<!-- END QUESTION -->`` markdown cell, so otter's filtering keeps exactly those cells and its
page breaks (at each END) start every question on a new page.
``otter.export.export_notebook(..., filtering=True, pagebreaks=True, exporter_type="latex")``
then runs nbconvert (pandoc, then xelatex) on it. What the kit adds around otter, and why:

- otter's LaTeX template breaks to the next *odd* page after each question (for double-sided
  printing), which puts a blank page between questions (4 questions: 8 pages). A raw LaTeX
  cell in the first question makes its break a plain ``\\clearpage``: page N is question N.
- plot outputs go in code cells whose source is hidden (nbconvert's ``transient.remove_source``),
  and their height is capped so that a page holds its prompt, the answer and the plots.
- student text can hold raw LaTeX (``\\input{/etc/passwd}``, ``\\write18``, a loop that never
  ends). otter runs xelatex with the caller's environment, from the caller's folder (which it
  adds to TeX's search path), with no time limit. So the kit runs the export in a separate
  process: in a fresh folder that holds only the intermediate notebook, with TeX's shell escape
  off and file access restricted to that folder (kpathsea's ``shell_escape=f``,
  ``openin_any=p``, ``openout_any=p``: no absolute paths, no ``..``), with a time limit, and
  where the machine allows it in the engine's bubblewrap sandbox, which sees that folder, the
  read-only system and the Python environment, and nothing else (no home folders, no kit).
  otter's PDF exporter is replaced by one that runs xelatex once (see OTTER_EXPORT).
- student markup that would steer otter (its question markers, ``#newpage``) is defused, and
  images a markdown answer links to outside the notebook are replaced by a note.
"""

from __future__ import annotations

import base64
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.engine.sandbox import (
    IsolationError,
    RunUser,
    bwrap_command,
    isolation,
    lease_run_user,
)
from coursekit.written import Page

TIME_LIMIT_S = 60.0
FILE_BYTES = 100_000_000  # the largest file the LaTeX step may write
TEX_VAR_FOLDERS = ("/var/lib/texmf", "/var/cache/fontconfig")  # formats, font cache (read-only)
NOTEBOOK = "answers.ipynb"
PDF = "answers.pdf"
PLOTS_HEIGHT = 0.5  # of the text height, shared by a page's plots
# The export process. It runs where the kit's own code may not be visible (the sandbox), so it
# is self-contained. otter creates nbconvert's PDFExporter with its defaults (no way to pass
# settings): three xelatex runs and a bibtex run per PDF, TeX's default shell escape. The kit
# hands it a PDFExporter that runs xelatex once (these pages need no second run: no references,
# no contents) without shell escape; if otter stopped reading nbconvert.PDFExporter at call time,
# the defaults would apply and the environment (latex_environment) would still keep TeX in.
OTTER_EXPORT = """
import sys
import nbconvert
from traitlets import Integer, List, Unicode
from otter.export import export_notebook

class OneRun(nbconvert.PDFExporter):
    latex_count = Integer(1)
    latex_command = List(Unicode(), ["xelatex", "-no-shell-escape", "-interaction=nonstopmode",
                                     "-halt-on-error", "{filename}"])

nbconvert.PDFExporter = OneRun
export_notebook(sys.argv[1], dest=sys.argv[2], exporter_type="latex", filtering=True,
                pagebreaks=True)
"""
# Before the first question: plain page breaks instead of otter's break to the next odd page,
# and plot height capped per page (\coursekitplots is set on each question's page).
PREAMBLE = r"""\renewcommand{\cleartooddpage}{\clearpage}
\newcommand{\coursekitplots}{0.5\textheight}
\let\coursekitadjustimage\adjustimage
\renewcommand{\adjustimage}[2]{%
  \coursekitadjustimage{max size={0.9\linewidth}{\coursekitplots}}{#2}}"""
# RAW_LATEX: nbconvert's PDF exporter keeps raw cells whose raw_mimetype is "application/pdf" or
# missing, not "text/latex" (that is only for its LaTeX exporter), so the kit's raw cells have
# none. Student raw cells are never passed on as raw cells: they are shown as code.
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
OUTSIDE_IMAGE = re.compile(r"!\[([^\]]*)\]\((?!attachment:)([^)]*)\)")
TOOLS = {"pandoc": "pandoc", "xelatex": "texlive-xetex", "pdfinfo": "poppler-utils"}
PACKAGES = ("pandoc", "texlive-xetex", "texlive-fonts-recommended", "texlive-plain-generic",
            "poppler-utils")


def missing_tools() -> str | None:
    """What to install when a tool the export needs is missing, or None when all are here."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return None
    return (f"{', '.join(missing)} not found. The PDF export needs pandoc, xelatex and pdfinfo: "
            f"sudo apt-get install --no-install-recommends {' '.join(PACKAGES)} "
            "(or `make export-tools` as root).")


def defuse_markdown(text: str) -> str:
    """Student markdown that cannot steer otter: no HTML comments (they are invisible anyway,
    and otter's question markers are comments), no ``#newpage`` (a page break in otter's
    template), and no images from outside the notebook (they cannot be fetched)."""
    text = HTML_COMMENT.sub("", text).replace("<!--", "&lt;!--")
    text = text.replace("#newpage", "&#35;newpage")
    return OUTSIDE_IMAGE.sub(lambda m: f"[image not included: {m.group(2)[:80]}]", text)


def defuse_code(text: str) -> str:
    """Student code shown as code: otter looks for its markers in every cell."""
    return text.replace("<!--", "<! --")


def otter_notebook(pages: list[Page]) -> nbformat.NotebookNode:
    """The intermediate notebook: one otter question per page, in order."""
    v4 = nbformat.v4
    cells = []
    for number, page in enumerate(pages, start=1):
        question = page.question
        cells.append(v4.new_markdown_cell(
            f"<!-- BEGIN QUESTION -->\n\n**Question {number} of {len(pages)}: "
            f"{question.grade_id} ({question.points:g} points)**\n\n{question.prompt}\n\n"
            "**Answer:**"))
        setup = PREAMBLE if number == 1 else ""
        height = PLOTS_HEIGHT / max(1, len(page.plots))
        setup += f"\n\\renewcommand{{\\coursekitplots}}{{{height:.3f}\\textheight}}"
        cells.append(v4.new_raw_cell(setup.strip()))  # no raw_mimetype: see RAW_LATEX
        if page.answer is None:
            cells.append(v4.new_markdown_cell(f"**No answer cell found for {question.grade_id}.** "
                                              "(The cell was deleted, or its metadata changed.)"))
        elif not page.answer[1].strip():
            cells.append(v4.new_markdown_cell("*(empty answer)*"))
        elif page.answer[0] == "markdown":
            cell = v4.new_markdown_cell(defuse_markdown(page.answer[1]))
            if page.attachments:
                cell.attachments = page.attachments
            cells.append(cell)
        else:
            cells.append(v4.new_code_cell(defuse_code(page.answer[1])))
        if page.plots:
            plots = v4.new_code_cell("", metadata={"transient": {"remove_source": True}})
            plots.outputs = [v4.new_output("display_data", data={
                "image/png": base64.b64encode(image).decode("ascii")}) for image in page.plots]
            cells.append(plots)
        elif question.plot_cells:
            cells.append(v4.new_markdown_cell(f"*{page.no_plot}*"))
        cells.append(v4.new_markdown_cell("<!-- END QUESTION -->"))
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


def latex_environment(work: Path) -> dict[str, str]:
    """The export's environment: TeX may read and write only in its own folder, never run."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TZ")}
    env.update({
        "HOME": str(work),
        "XDG_CACHE_HOME": str(work / ".cache"),
        "TEXMFVAR": str(work / ".texmf-var"),
        "MPLCONFIGDIR": str(work / ".matplotlib"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "shell_escape": "f",  # kpathsea: \write18 runs nothing
        "openin_any": "p",  # read no dot files, nothing above the folder, no absolute paths
        "openout_any": "p",  # the same for writing
    })
    return env


def limit_resources() -> None:
    """Runs in the export's process before it starts: file size cap, no core dumps."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@dataclass
class Typesetting:
    """One otter export running in its own folder (and sandbox, where there is one).

    ``start()`` launches it (or sets ``failure`` if it cannot); ``poll()`` says whether it ended
    (killing it past its time limit); ``finish(pdf)`` moves the PDF to ``pdf`` and returns None,
    or returns why there is none.
    """

    pages: list[Page]
    time_limit: float = TIME_LIMIT_S
    work: Path | None = None
    user: RunUser | None = None
    process: subprocess.Popen | None = None
    log: object = None
    started: float = 0.0
    failure: str | None = None

    def start(self) -> None:
        try:
            self._launch()
        except (OSError, IsolationError) as error:
            self.failure = f"the LaTeX step could not start ({error})"
            self.clean_up()

    def _launch(self) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="coursekit-export-"))
        nbformat.write(otter_notebook(self.pages), self.work / NOTEBOOK)
        level = isolation().level
        self.user = lease_run_user() if level in ("sandbox", "user") else None
        command = [sys.executable, "-c", OTTER_EXPORT, NOTEBOOK, PDF]
        switch = {}
        if self.user:
            for path in (self.work, self.work / NOTEBOOK):
                os.chown(path, *self.user.ids)
        if level == "sandbox":
            readable = [Path(p) for p in TEX_VAR_FOLDERS if os.path.isdir(p)]
            command = bwrap_command(command, self.work, readable,
                                    self.user.uid if self.user else None)
        elif self.user:
            switch = {"user": self.user.uid, "group": self.user.uid, "extra_groups": []}
        self.log = tempfile.TemporaryFile()
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=self.work, env=latex_environment(self.work), stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=limit_resources, **switch)

    def poll(self) -> bool:
        """Whether the export has ended; one past its time limit is killed."""
        if self.process is None or self.process.poll() is not None:
            return True
        if time.monotonic() - self.started < self.time_limit:
            return False
        self.failure = f"LaTeX did not finish within {self.time_limit:.0f} s"
        self.kill()
        return True

    def kill(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def finish(self, pdf: Path) -> str | None:
        """Move the PDF to ``pdf``; None, or why there is no PDF. Cleans up either way."""
        try:
            made = self.work / PDF
            if self.failure is None and (self.process.returncode != 0 or not made.is_file()):
                self.log.seek(0)
                self.failure = latex_failure(self.log.read().decode("utf-8", "replace"))
            if self.failure is None:
                pdf.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(made, pdf)
            return self.failure
        finally:
            self.clean_up()

    def clean_up(self) -> None:
        """Release the run user id, close the log, remove the folder (each only once)."""
        if self.user is not None:
            self.user.release()
            self.user = None
        if self.log is not None:
            self.log.close()
            self.log = None
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None


def latex_failure(output: str) -> str:
    """One line saying why the export failed, from its output (LaTeX's first error if any)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    error = next((line for line in lines if line.startswith("! ")), None)
    if error:
        return f"LaTeX could not typeset the answers ({error[2:][:120]})"
    return f"the export failed ({lines[-1][:160] if lines else 'no output'})"
