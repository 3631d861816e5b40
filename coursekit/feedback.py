"""``feedback.html``: one submission's grading as a page the student can read.

Written from a results.json alone (see :mod:`coursekit.graded`), so it serves results graded
here and results downloaded from Gradescope alike: the score, then each question with its
points and each check with its points and message, failed checks first within a question, and
the limits the notebook hit, in plain words.
"""

from __future__ import annotations

from pathlib import Path

from coursekit.graded import RESULTS, Graded, NoResults, read_folder, read_results
from coursekit.htmlpage import escape, page, points, table

FEEDBACK = "feedback.html"

LIMITS_IN_WORDS = {
    "time": "A cell or a call ran past its time limit and was stopped",
    "memory": "Your code ran out of memory",
    "crash": "The Python process running your notebook stopped (a crash, or os._exit)",
    "time budget": "The grading ran out of time; what came after was not checked",
}
STATE_ORDER = {"failed": 0, "partial": 1, "passed": 2}


def limits_sentence(kind: str, times: int) -> str:
    what = LIMITS_IN_WORDS.get(kind, f"A limit was hit ({kind})")
    return f"{what} ({'once' if times == 1 else f'{times} times'})."


def feedback_page(graded: Graded) -> str:
    """The HTML page for one submission."""
    title = f"{graded.assignment or 'Assignment'} feedback: {graded.name}"
    parts = [f"<h1>{escape(title)}</h1>"]
    if graded.problem:
        parts.append(f'<p class="note">This submission has no grading to show: '
                     f"{escape(graded.problem)}</p>")
        return page(title, "\n".join(parts))
    parts.append(f'<p class="score">{points(graded.score)} of {points(graded.max_score)} '
                 "points</p>")
    summary = [(question, f"{points(got)} / {points(possible)}")
               for question, (got, possible) in graded.question_scores().items()]
    parts.append(table(["Question", "Points"], summary, numeric=[1]))
    if graded.limits_hit or graded.problems:
        parts.append('<h2 id="while-running">While running your notebook</h2>'
                     '<div class="note">')
        parts.extend(f"<p>{escape(limits_sentence(kind, times))}</p>"
                     for kind, times in graded.limits_hit.items())
        if graded.problems:
            parts.append("<ul>" + "".join(f"<li>{escape(p)}</li>" for p in graded.problems)
                         + "</ul>")
        parts.append("</div>")
    for question, checks in graded.questions().items():
        got, possible = graded.question_scores()[question]
        parts.append(f'<h2 id="{escape(question)}">{escape(question)}: {points(got)} of '
                     f"{points(possible)} points</h2>")
        ordered = sorted(checks, key=lambda check: STATE_ORDER[check.state])
        rows = [(check.name, f"{points(check.score)} / {points(check.max_score)}",
                 f'<div class="message">{escape(check.message)}</div>') for check in ordered]
        parts.append(table(["Check", "Points", "What the grader found"], rows, numeric=[1],
                           raw=[2], row_classes=[check.state for check in ordered]))
    parts.append('<p class="muted">Checks that lost points come first within each question. '
                 "Each message says what was expected, what your code gave, and where to "
                 "look.</p>")
    return page(title, "\n".join(parts))


def write_feedback(results_path: Path, name: str | None = None) -> Path:
    """Write ``feedback.html`` beside the results.json at ``results_path``; return its path."""
    results_path = Path(results_path)
    target = results_path.with_name(FEEDBACK)
    target.write_text(feedback_page(read_results(results_path, name)))
    return target


def write_folder_feedback(folder: Path) -> list[Path]:
    """(Re)write ``feedback.html`` for every submission of a results folder (see
    :func:`coursekit.graded.read_folder`): beside each results.json, or, for a Gradescope
    export, in the submission's folder. Returns the pages written."""
    written = []
    for graded in read_folder(folder):
        target = (graded.source.with_name(FEEDBACK) if graded.source.name == RESULTS else
                  graded.source / FEEDBACK if graded.source.is_dir() else None)
        if target is None:  # results inside the export's metadata: a page per submission name
            target = Path(folder) / "feedback" / f"{safe_file_name(graded.name)}.html"
            target.parent.mkdir(exist_ok=True)
        target.write_text(feedback_page(graded))
        written.append(target)
    return written


def safe_file_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("._") or "x"


__all__ = ["FEEDBACK", "NoResults", "feedback_page", "write_feedback", "write_folder_feedback"]
