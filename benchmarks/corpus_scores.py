"""Grade every corpus entry of every assignment and write each check's score and message.

    python benchmarks/corpus_scores.py OUT.json [ASSIGNMENT ...]
    python benchmarks/corpus_scores.py --snapshot tests/corpus_scores.json

Run it before and after a change to the engine or the checks, then compare the two files: the
same corpus must get the same scores and messages, check by check. ``--snapshot`` writes the
scores alone, for every assignment: ``tests/corpus_scores.json``, the committed record the
contract tests hold each corpus entry to (write it again when a check changes on purpose).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(KIT), str(KIT / "tests")]

from submissions import corpus, solved, with_definitions, write  # noqa: E402

from autograder.engine.assignment import assignment_names, load_assignment  # noqa: E402
from autograder.engine.judge import grade  # noqa: E402


def grade_corpus(name: str, folder: Path) -> dict[str, dict]:
    """``{"<kind>/<entry>": {check name: [score, message]}}`` for assignment ``name``."""
    assignment = load_assignment(name)
    graded = {}
    for kind in ("correct", "mutants"):
        for path in corpus(name, kind):
            notebook = with_definitions(solved(name), path.read_text())
            submission = write(notebook, folder / f"{kind}-{path.stem}" / assignment.notebook)
            results = grade(assignment, submission)
            graded[f"{kind}/{path.stem}"] = {t["name"]: [t["score"], t["output"]]
                                             for t in results["tests"]}
    return graded


def scores_only(everything: dict) -> dict:
    """The same nesting with each check's score alone."""
    return {name: {entry: {check: score for check, (score, _) in checks.items()}
                   for entry, checks in entries.items()}
            for name, entries in everything.items()}


def main(out: Path, names: list[str], snapshot: bool = False) -> None:
    everything = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            start = time.perf_counter()
            everything[name] = grade_corpus(name, Path(folder) / name)
            print(f"{name}: {len(everything[name])} entries in "
                  f"{time.perf_counter() - start:.0f} s", flush=True)
    if snapshot:
        everything = scores_only(everything)
    out.write_text(json.dumps(everything, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--snapshot":
        main(Path(sys.argv[2]), assignment_names(), snapshot=True)
    else:
        main(Path(sys.argv[1]), sys.argv[2:] or assignment_names())
