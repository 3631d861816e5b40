"""A PDF without LaTeX: the written answers as typed, one question per page.

Used when a submission's answers cannot be typeset (LaTeX error, time limit) and when the
submitted notebook cannot be read at all, so that every submission still has a PDF with the
same pages as the template. Text is drawn as plain text (matplotlib's math parsing is off), so
nothing a student wrote is interpreted.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.image import imread

from coursekit.written import Page, Question

WIDTH, HEIGHT = 8.5, 11.0  # inches, US letter like the LaTeX route
COLUMNS = 95  # characters per line at the body font size
MAX_LINES = 58  # text lines on a page, prompt and answer together


def wrapped(text: str, limit: int) -> list[str]:
    lines = []
    for line in text.splitlines() or [""]:
        lines += textwrap.wrap(line, COLUMNS, replace_whitespace=False) or [""]
    if len(lines) > limit:
        lines = [*lines[:limit - 1], f"[... {len(lines) - limit + 1} more lines not shown]"]
    return lines


def page_figure(number: int, total: int, question: Question, body: str,
                plots: list[bytes], banner: str) -> Figure:
    """One page: the banner, the question's title and prompt, the body, then the plots."""
    figure = Figure(figsize=(WIDTH, HEIGHT))
    top = 0.95
    figure.text(0.08, top, banner, fontsize=8, color="firebrick", va="top", parse_math=False,
                wrap=True)
    title = f"Question {number} of {total}: {question.grade_id} ({question.points:g} points)"
    figure.text(0.08, top - 0.04, title, fontsize=12, weight="bold", va="top", parse_math=False)
    text_lines = MAX_LINES // 2 if plots else MAX_LINES
    prompt = wrapped(question.prompt, text_lines // 3)
    answer = wrapped(body, text_lines - len(prompt))
    lines = prompt + ["", "Answer:"] + answer
    figure.text(0.08, top - 0.08, "\n".join(lines), fontsize=8, va="top", family="monospace",
                parse_math=False)
    if plots:
        below = top - 0.1 - 0.0125 * len(lines)
        height = max(0.1, below - 0.05) / len(plots)
        for index, image in enumerate(plots):
            axes = figure.add_axes((0.08, below - (index + 1) * height, 0.84, height * 0.95))
            axes.imshow(imread(io.BytesIO(image), format="png"))
            axes.axis("off")
    figure.text(0.5, 0.03, str(number), fontsize=8, ha="center")
    return figure


def plain_pdf(pages: list[Page], pdf: Path, banner: str) -> int:
    """Write ``pdf`` with one page per question, each headed by ``banner``; returns the page
    count."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with PdfPages(pdf) as document:
        for number, page in enumerate(pages, start=1):
            if page.answer is None:
                body = f"No answer cell found for {page.question.grade_id}."
            else:
                body = page.answer[1] if page.answer[1].strip() else "(empty answer)"
            plots = []
            for image in page.plots:
                try:
                    imread(io.BytesIO(image), format="png")
                    plots.append(image)
                except Exception:  # noqa: BLE001 - a corrupt image is left out, not fatal
                    body += "\n[a plot could not be decoded]"
            if page.question.plot_cells and not page.plots:
                body += f"\n{page.no_plot}"
            document.savefig(page_figure(number, len(pages), page.question, body, plots, banner))
    return len(pages)


def unreadable_pdf(questions: list[Question], pdf: Path, reason: str) -> int:
    """Write ``pdf`` for a notebook that could not be read: every page says why."""
    pages = [Page(q, ("markdown", "(no answer: the notebook could not be read)"))
             for q in questions]
    return plain_pdf(pages, pdf, f"This submission could not be read: {reason}")


def untypeset_pdf(pages: list[Page], pdf: Path, reason: str) -> int:
    """Write ``pdf`` for answers LaTeX could not typeset: the answers as typed."""
    return plain_pdf(pages, pdf, f"{reason}. The answers are shown as typed, without formatting.")
