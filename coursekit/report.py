"""``coursekit report ASSIGNMENT DIR``: the class at a glance, as ``DIR/report.html`` (one
self-contained page with pictures) and ``DIR/checks.csv`` (a row per check).

The page has, in order: the score distribution; each question's mean and distribution; every
check with its counts, difficulty and discrimination (see :mod:`coursekit.classstats`), the
ones to look at flagged; each check's kinds of failure message with their counts and who got
them; each accuracy threshold beside the class's accuracies and the calibration's correct runs;
grading time and memory, the slowest runs and those that hit a limit or were graded again;
every submission's scores; and what could not be read.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from coursekit.classstats import ClassStats, class_stats
from coursekit.graded import NoResults, read_folder
from coursekit.htmlpage import escape, page, picture, points, table

REPORT, CHECKS_CSV = "report.html", "checks.csv"
SLOWEST = 10
SHOWN_NAMES = 12  # submissions named per kind of message before "and N more"


def figure(width: float = 7.0, height: float = 2.8):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


def histogram(values: np.ndarray, high: float, label: str, alt: str,
              lines: dict[str, float] | None = None, band: tuple[float, float] | None = None,
              bins: int = 20) -> str:
    """A histogram of ``values`` on [0, ``high``] (or their own range when ``high`` is 0),
    with labelled vertical ``lines`` and a shaded ``band``."""
    fig, ax = figure()
    low, top = (0.0, high) if high else (float(values.min()), float(values.max()) or 1.0)
    if band:
        ax.axvspan(*band, color="#2e8b57", alpha=0.15, label="calibration's correct runs")
        low, top = min(low, band[0]), max(top, band[1])
    ax.hist(values, bins=bins, range=(low, top if top > low else low + 1), color="#4a6fa5",
            edgecolor="white")
    for (name, x), color in zip((lines or {}).items(), ("#c0392b", "#555"), strict=False):
        ax.axvline(x, color=color, linestyle="--", label=name)
    if lines or band:
        ax.legend(loc="upper left", fontsize=8)
    ax.set_xlabel(label)
    ax.set_ylabel("submissions")
    ax.spines[["top", "right"]].set_visible(False)
    return picture(fig, alt)


def question_picture(stats: ClassStats) -> str:
    """Each question's distribution of the fraction of its points, as box plots."""
    fig, ax = figure(7.0, 0.5 + 0.45 * len(stats.questions))
    labels = list(stats.questions)
    data = [stats.question_scores(q) / (stats.questions[q] or 1) for q in labels]
    ax.boxplot(data, orientation="horizontal", tick_labels=labels, widths=0.6)
    ax.scatter([d.mean() for d in data], range(1, len(labels) + 1), color="#c0392b",
               zorder=3, label="mean")
    ax.invert_yaxis()
    ax.set_xlim(-0.05, 1.05)
    ax.set_xlabel("fraction of the question's points")
    ax.legend(loc="lower right", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return picture(fig, "each question's distribution of points")


def difficulty_picture(stats: ClassStats) -> str:
    """Each check's difficulty as a bar, flagged ones in red."""
    fig, ax = figure(7.0, 0.5 + 0.28 * len(stats.checks))
    names = [check.name for check in stats.checks]
    colors = ["#c0392b" if check.flags else "#4a6fa5" for check in stats.checks]
    ax.barh(range(len(names)), [check.difficulty for check in stats.checks], color=colors)
    ax.set_yticks(range(len(names)), names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("difficulty: mean fraction of the check's points (red: look at it)")
    ax.spines[["top", "right"]].set_visible(False)
    return picture(fig, "each check's difficulty")


def correct_runs(calibration_report: Path | None) -> tuple[float, float] | None:
    """The lowest and highest accuracy of the calibration's correct runs (the reference, the
    solution and the correct variants, every seed), or None without a report."""
    if calibration_report is None or not calibration_report.exists():
        return None
    runs = json.loads(calibration_report.read_text()).get("runs", {})
    values = [value for name, seeds in runs.items() if not name.startswith("mutant")
              for value in seeds]
    return (min(values), max(values)) if values else None


def thresholds_section(stats: ClassStats, calibration_report: Path | None) -> str:
    parts = []
    band = correct_runs(calibration_report)
    for check in stats.checks:
        figures = [c.measured for g in stats.graded for c in g.checks
                   if c.name == check.name and c.measured]
        if not figures:
            continue
        values = np.array([f["value"] for f in figures], dtype=float)
        threshold = float(figures[0]["threshold"])
        below = int(np.sum(values < threshold))
        parts.append(f"<h3>{escape(check.name)}</h3>")
        parts.append(f"<p>{len(values)} submissions reached this check's training run; "
                     f"{below} fell below the threshold of {threshold:.1%}. "
                     + (f"The calibration's correct runs reached {band[0]:.1%} to "
                        f"{band[1]:.1%}." if band else "No calibration report was found.")
                     + "</p>")
        parts.append(histogram(values, 0.0, figures[0]["name"], f"{check.name}: accuracies",
                               lines={"threshold": threshold}, band=band))
    if not parts:
        return "<p>No check of these results compares a figure with a threshold.</p>"
    return "\n".join(parts)


def cost_section(stats: ClassStats) -> str:
    timed = [g for g in stats.graded if g.seconds is not None]
    parts = []
    if timed:
        seconds = np.array([g.seconds for g in timed])
        parts.append(f"<p>Grading took {np.median(seconds):.1f} s per submission "
                     f"(median), {seconds.max():.1f} s at most.</p>")
        parts.append(histogram(seconds, 0.0, "grading time (s)", "grading times"))
        slowest = sorted(timed, key=lambda g: -g.seconds)[:SLOWEST]
        parts.append(f"<h3>The {len(slowest)} slowest</h3>")
        parts.append(table(
            ["Submission", "Seconds", "Kernel peak (MB)", "Judge peak (MB)"],
            [(g.name, f"{g.seconds:.1f}", memory(g.kernel_mb), memory(g.judge_mb))
             for g in slowest], numeric=[1, 2, 3]))
    trouble = [g for g in stats.graded if g.limits_hit or g.restarts]
    parts.append("<h3>Hit a limit or graded again</h3>")
    if trouble:
        parts.append(table(["Submission", "Limits hit", "Graded again because"],
                           [(g.name, ", ".join(f"{k} ×{n}" for k, n in g.limits_hit.items())
                             or "—", "; ".join(g.restarts) or "—") for g in trouble]))
    else:
        parts.append("<p>None: every submission ran within its limits, on the first try.</p>")
    return "\n".join(parts)


def memory(megabytes: float | None) -> str:
    return "—" if megabytes is None else f"{megabytes:.0f}"


def checks_section(stats: ClassStats) -> str:
    rows = [(check.name, points(check.max_score), check.passed, check.partial, check.failed,
             f"{check.difficulty:.2f}", discrimination(check.discrimination),
             "; ".join(check.flags)) for check in stats.checks]
    classes = ["failed" if check.flags else "passed" for check in stats.checks]
    return (difficulty_picture(stats) +
            table(["Check", "Points", "Passed", "Partial", "Failed", "Difficulty",
                   "Discrimination", "Look at this check"], rows, numeric=[1, 2, 3, 4, 5, 6],
                  row_classes=classes))


def discrimination(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


def messages_section(stats: ClassStats) -> str:
    parts = []
    for check in stats.checks:
        if not check.kinds:
            continue
        parts.append(f"<h3>{escape(check.name)}</h3>")
        rows = []
        for kind in check.kinds:
            names = kind.submissions[:SHOWN_NAMES]
            more = len(kind.submissions) - len(names)
            rows.append((len(kind.submissions), f'<div class="message">{escape(kind.example)}'
                         "</div>", escape(", ".join(names) + (f" and {more} more" if more
                                                               else ""))))
        parts.append(table(["Count", "Message (one of its kind)", "Submissions"], rows,
                           numeric=[0], raw=[1, 2]))
    return "\n".join(parts) or "<p>Every check passed for every submission.</p>"


def submissions_section(stats: ClassStats) -> str:
    questions = list(stats.questions)
    rows = []
    for graded in sorted(stats.graded, key=lambda g: (-g.score, g.name)):
        got = graded.question_scores()
        rows.append((graded.name, points(graded.score),
                     *(points(got.get(q, (0.0, 0.0))[0]) for q in questions)))
    return table(["Submission", "Score", *questions], rows,
                 numeric=range(1, len(questions) + 2))


def report_page(assignment: str, stats: ClassStats, calibration_report: Path | None) -> str:
    title = f"{assignment}: class report"
    parts = [f"<h1>{escape(title)}</h1>"]
    n = len(stats.graded)
    if not n:
        parts.append('<p class="note">No submission in this folder has results to report on.'
                     "</p>")
    else:
        totals = stats.totals
        parts.append(f"<p>{n} graded submissions; mean {totals.mean():.1f}, median "
                     f"{np.median(totals):g} of {points(stats.max_score)} points.</p>")
        parts.append('<h2 id="scores">Scores</h2>')
        parts.append(histogram(totals, stats.max_score, "score", "the score distribution"))
        parts.append('<h2 id="questions">Questions</h2>')
        parts.append(question_picture(stats))
        parts.append(table(["Question", "Points", "Mean", "Full marks"],
                           [(q, points(p), f"{stats.question_scores(q).mean():.1f}",
                             int(np.sum(stats.question_scores(q) >= p)))
                            for q, p in stats.questions.items()], numeric=[1, 2, 3]))
        parts.append('<h2 id="checks">Checks</h2>')
        parts.append("<p>Difficulty: the mean fraction of a check's points the class scored. "
                     "Discrimination: the correlation of a check's score with the rest of the "
                     "score; below 0, the strongest students fail it more than the weakest. "
                     "Flagged: fewer than one in ten pass it, or its discrimination is below "
                     "−0.10.</p>")
        parts.append(checks_section(stats))
        parts.append('<h2 id="messages">Failure messages</h2>')
        parts.append("<p>Messages that differ only in their numbers are counted as one kind."
                     "</p>")
        parts.append(messages_section(stats))
        parts.append('<h2 id="thresholds">Accuracy thresholds</h2>')
        parts.append(thresholds_section(stats, calibration_report))
        parts.append('<h2 id="cost">Grading time and memory</h2>')
        parts.append(cost_section(stats))
        parts.append('<h2 id="submissions">Every submission</h2>')
        parts.append(submissions_section(stats))
    parts.append('<h2 id="unreadable">Could not be read</h2>')
    parts.append(table(["Submission", "Why"], [(g.name, g.problem) for g in stats.unreadable])
                 if stats.unreadable else "<p>None.</p>")
    return page(title, "\n".join(parts))


def write_checks_csv(stats: ClassStats, path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "check", "points", "passed", "partial", "failed",
                         "difficulty", "discrimination", "look_at_this_check"])
        for check in stats.checks:
            writer.writerow([check.question, check.name, points(check.max_score), check.passed,
                             check.partial, check.failed, f"{check.difficulty:.4f}",
                             "" if check.discrimination is None else
                             f"{check.discrimination:.4f}", "; ".join(check.flags)])


def write_report(assignment: str, folder: Path, calibration_report: Path | None) -> ClassStats:
    """Read the results under ``folder`` (see :func:`coursekit.graded.read_folder`), write
    ``folder/report.html`` and ``folder/checks.csv``; return the statistics."""
    try:
        submissions = read_folder(folder)
    except NoResults:
        if not Path(folder).is_dir():
            raise
        submissions = []  # the page says there is nothing to report on
    stats = class_stats(submissions)
    (Path(folder) / REPORT).write_text(report_page(assignment, stats, calibration_report))
    write_checks_csv(stats, Path(folder) / CHECKS_CSV)
    return stats
