"""``coursekit similarity ASSIGNMENT SUBMISSIONS --out DIR``: pairs of submissions whose answer
code is alike.

Only the graded answer cells are compared (code cells nbgrader marks as solutions), joined into
one program per submission. The release's own code (its starter code, provided helpers and
visible checks) is boilerplate: its fingerprints are dropped from every submission. Answer cells
that define no function are numbers typed in (HW0's networks and its per-student hand pass): they
are left out, and the grader checks the hand pass against each student's own network.

Fingerprints come from copydetect (PyPI): pygments tokens with every name, string and comment
replaced by one symbol, hashed in k-grams of ``K`` tokens and winnowed. Renaming variables,
rewording comments or reordering functions leaves the fingerprints unchanged. A pair's
similarity is the smaller of its two shares of fingerprinted tokens found in the other, so a
short answer copied into a long one is measured by the long one's share too.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.engine.notebook import NotebookError, find_notebook, read_cells, source_text
from coursekit.grade import submission_name, submissions_in
from coursekit.htmlpage import escape, page, table
from coursekit.written import nbgrader

K, WINDOW = 25, 6  # copydetect's defaults: noise threshold 25 tokens, guarantee 30
THRESHOLD = 0.6  # pairs at or above this share are listed in similarity.csv
SHOWN_PAIRS = 25  # pairs shown side by side in similarity.html


@dataclass
class Answers:
    """One submission's answer code (``code``, shape: one string), or why it has none."""

    name: str
    code: str = ""
    problem: str | None = None


def is_answer(cell: dict) -> bool:
    """A code cell the student writes: an nbgrader solution cell."""
    return cell.get("cell_type") == "code" and bool(nbgrader(cell).get("solution"))


def defines_code(source: str) -> bool:
    return any(line.lstrip().startswith(("def ", "class ", "async def "))
               for line in source.splitlines())


def answers_of(submission: Path, notebook: str) -> Answers:
    name = submission_name(submission)
    try:
        cells = read_cells(find_notebook(submission, notebook))
    except NotebookError as error:
        return Answers(name, problem=str(error))
    except Exception as error:  # noqa: BLE001 - any unreadable file is reported, not raised
        return Answers(name, problem=f"the notebook could not be read ({type(error).__name__}).")
    code = [source_text(cell) for cell in cells
            if is_answer(cell) and defines_code(source_text(cell))]
    if not code:
        return Answers(name, problem="it has no answer cells with code.")
    return Answers(name, "\n\n".join(code))


def fingerprint(code: str, boilerplate=None):
    from copydetect import CodeFingerprint

    return CodeFingerprint("answers.py", K, WINDOW, boilerplate=boilerplate,
                           fp=io.StringIO(code))


def release_boilerplate(release_notebook: Path):
    """The fingerprints of every code cell of the release: starter code, helpers, checks."""
    code = [source_text(c) for c in read_cells(release_notebook) if c.get("cell_type") == "code"]
    hashes = fingerprint("\n\n".join(code)).hashes
    return np.array(sorted(hashes), dtype=np.int64)


@dataclass
class Pair:
    first: Answers
    second: Answers
    similarity: float  # the smaller of the two shares, in [0, 1]
    shares: tuple[float, float]
    slices: tuple  # copydetect's (2, N) start/end arrays into each side's code


def compare(submissions: list[Answers], boilerplate) -> list[Pair]:
    """Every pair of readable submissions, most similar first."""
    from copydetect import compare_files

    readable = [s for s in submissions if s.problem is None]
    prints = {s.name: fingerprint(s.code, boilerplate) for s in readable}
    pairs = []
    for first, second in itertools.combinations(readable, 2):
        _, shares, slices = compare_files(prints[first.name], prints[second.name])
        pairs.append(Pair(first, second, float(min(shares)), tuple(map(float, shares)), slices))
    return sorted(pairs, key=lambda pair: -pair.similarity)


def marked(code: str, slices) -> str:
    """``code`` as HTML with the spans in ``slices`` (a (2, N) array of starts and ends)
    inside ``<mark>``."""
    spans = sorted(zip(slices[0], slices[1], strict=True)) if len(slices) else []
    parts, at = [], 0
    for start, end in spans:
        start = max(int(start), at)
        if end <= start:
            continue
        parts += [escape(code[at:start]), f"<mark>{escape(code[start:int(end)])}</mark>"]
        at = int(end)
    parts.append(escape(code[at:]))
    return "".join(parts)


def similarity_page(assignment: str, pairs: list[Pair], unreadable: list[Answers]) -> str:
    title = f"{assignment}: similar answers"
    listed = [p for p in pairs if p.similarity >= THRESHOLD]
    parts = [f"<h1>{escape(title)}</h1>",
             f"<p>{len(pairs)} pairs compared; {len(listed)} share at least {THRESHOLD:.0%} of "
             "their answer code once the release's own code is set aside. Similar is not "
             "proof: read each pair.</p>",
             '<p class="muted">Answer cells that define no function (numbers typed in, such as '
             "HW0's networks and its hand pass) are not compared; the grader checks the hand "
             "pass against each student's own network.</p>",
             '<h2 id="pairs">Most similar pairs</h2>',
             table(["First", "Second", "Similarity", "Shares"],
                   [(p.first.name, p.second.name, f"{p.similarity:.0%}",
                     f"{p.shares[0]:.0%} / {p.shares[1]:.0%}") for p in pairs[:SHOWN_PAIRS]],
                   numeric=[2, 3]),
             '<h2 id="side-by-side">Side by side</h2>']
    for pair in (listed or pairs[:1])[:SHOWN_PAIRS]:
        parts.append(f"<h3>{escape(pair.first.name)} and {escape(pair.second.name)}: "
                     f"{pair.similarity:.0%}</h3>")
        parts.append('<table><tr>' + "".join(
            f'<td style="width:50%"><pre>{marked(side.code, cut)}</pre></td>'
            for side, cut in ((pair.first, pair.slices[0]), (pair.second, pair.slices[1])))
            + "</tr></table>")
    parts.append('<h2 id="unreadable">Not compared</h2>')
    parts.append(table(["Submission", "Why"], [(a.name, a.problem) for a in unreadable])
                 if unreadable else "<p>None.</p>")
    return page(title, "\n".join(parts)).replace(
        "</style>", "mark { background: #ffe08a; }</style>", 1)


def write_similarity(assignment: str, notebook: str, release_notebook: Path,
                     folder: Path, out: Path) -> list[Pair]:
    """Compare every submission in ``folder``; write ``out/similarity.html`` and
    ``out/similarity.csv`` (every pair at or above :data:`THRESHOLD`)."""
    answers = [answers_of(s, notebook) for s in submissions_in(folder)]
    pairs = compare(answers, release_boilerplate(release_notebook))
    out.mkdir(parents=True, exist_ok=True)
    unreadable = [a for a in answers if a.problem]
    (out / "similarity.html").write_text(similarity_page(assignment, pairs, unreadable))
    with (out / "similarity.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["first", "second", "similarity", "share_first", "share_second"])
        for pair in pairs:
            if pair.similarity >= THRESHOLD:
                writer.writerow([pair.first.name, pair.second.name, f"{pair.similarity:.4f}",
                                 f"{pair.shares[0]:.4f}", f"{pair.shares[1]:.4f}"])
    return pairs
