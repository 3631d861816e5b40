"""After grading at class scale: the report for 500 submissions, feedback pages for them, and
copy detection over 200. Targets on 2 cores: the report under 10 s, similarity under 60 s.

The class is built from the corpus. Report: HW0's solution, blank release, correct variants and
mutants are graded once with `coursekit grade` (their real results.json files), then copied
under 500 names, round robin. Similarity: HW1's solution, correct variants and mutants as
notebooks, then disguised copies of them (variables renamed, comments rewritten, functions
reversed) until there are 200.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from submissions import blank, corpus, disguised, solved, with_definitions, write  # noqa: E402

from coursekit.feedback import write_folder_feedback  # noqa: E402
from coursekit.report import write_report  # noqa: E402
from coursekit.similarity import THRESHOLD, write_similarity  # noqa: E402

REPORT_CLASS, SIMILARITY_CLASS = 500, 200


def corpus_notebooks(name: str, folder: Path) -> list[Path]:
    written = [write(solved(name), folder / "solution.ipynb")]
    for kind in ("correct", "mutants"):
        for entry in corpus(name, kind):
            written.append(write(with_definitions(solved(name), entry.read_text()),
                                 folder / f"{kind}-{entry.stem}.ipynb"))
    return written


def report_class(work: Path) -> Path:
    notebooks = work / "hw0-notebooks"
    corpus_notebooks("hw0", notebooks)
    write(blank("hw0"), notebooks / "blank.ipynb")
    graded = work / "hw0-graded"
    subprocess.run([sys.executable, "-m", "coursekit", "grade", "hw0", str(notebooks),
                    "--out", str(graded)], check=True, capture_output=True)
    sources = sorted(p.parent for p in graded.glob("*/results.json"))
    big = work / "hw0-class"
    for index in range(REPORT_CLASS):
        target = big / f"student-{index:03d}-{sources[index % len(sources)].name}"
        target.mkdir(parents=True)
        shutil.copy(sources[index % len(sources)] / "results.json", target / "results.json")
    return big


def similarity_class(work: Path) -> Path:
    folder = work / "hw1-class"
    entries = [(f"{kind}-{e.stem}", e.read_text()) for kind in ("correct", "mutants")
               for e in corpus("hw1", kind)]
    corpus_notebooks("hw1", folder)
    index = 0
    while len(list(folder.iterdir())) < SIMILARITY_CLASS:
        stem, source = entries[index % len(entries)]
        write(with_definitions(solved("hw1"), disguised(source)),
              folder / f"copy{index:03d}-of-{stem}.ipynb")
        index += 1
    return folder


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        started = time.perf_counter()
        big = report_class(work)
        print(f"HW0's corpus graded and copied to {REPORT_CLASS} results in "
              f"{time.perf_counter() - started:.0f} s (set-up, not timed below)")
        started = time.perf_counter()
        stats = write_report("hw0", big, None)
        seconds = time.perf_counter() - started
        size = (big / "report.html").stat().st_size / 1e6
        print(f"report, {len(stats.graded)} submissions, {len(stats.checks)} checks: "
              f"{seconds:.1f} s (target 10 s), report.html {size:.1f} MB")
        started = time.perf_counter()
        pages = write_folder_feedback(big)
        print(f"feedback pages, {len(pages)}: {time.perf_counter() - started:.1f} s")

        folder = similarity_class(work)
        started = time.perf_counter()
        pairs = write_similarity("hw1", "hw1.ipynb", ROOT / "assignments" / "hw1" / "hw1.ipynb",
                                 folder, work / "similarity")
        seconds = time.perf_counter() - started
        close = sum(pair.similarity >= THRESHOLD for pair in pairs)
        print(f"similarity, {SIMILARITY_CLASS} submissions, {len(pairs)} pairs: {seconds:.1f} s "
              f"(target 60 s); {close} pairs at {THRESHOLD:.0%} or more")
        independent = [p for p in pairs if p.first.name.startswith("correct-")
                       and p.second.name.startswith("correct-")]
        print(f"  independent correct variants: highest pair {independent[0].similarity:.0%}"
              if independent else "  no pair of correct variants")
        caught = [p for p in pairs if p.first.name.startswith("copy")
                  and p.second.name == p.first.name.split("-of-")[1]]
        print(f"  disguised copies against their original: {len(caught)} pairs, lowest "
              f"{min(p.similarity for p in caught):.0%}" if caught else "  no copy pairs")


if __name__ == "__main__":
    main()
