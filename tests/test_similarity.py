"""Copy detection over answer cells: a disguised copy is found, independent answers are not."""

from __future__ import annotations

import csv

from submissions import corpus, disguised, solved, with_definitions, write

from coursekit.cli import main
from coursekit.similarity import THRESHOLD


def test_a_disguised_copy_is_found_and_independent_answers_are_not(tmp_path, capsys):
    subs = tmp_path / "subs"
    correct = corpus("hw1", "correct")
    for variant in correct:
        write(with_definitions(solved("hw1"), variant.read_text()), subs / f"{variant.stem}.ipynb")
    original = correct[0]
    write(with_definitions(solved("hw1"), disguised(original.read_text())),
          subs / "disguised.ipynb")
    (subs / "torn.ipynb").write_text("{ not a notebook")
    assert main(["similarity", "hw1", str(subs), "--out", str(tmp_path / "out")]) == 0
    rows = list(csv.DictReader((tmp_path / "out" / "similarity.csv").open()))
    flagged = [{row["first"], row["second"]} for row in rows]
    assert flagged == [{"disguised", original.stem}]
    assert float(rows[0]["similarity"]) > 0.95 > THRESHOLD
    page = (tmp_path / "out" / "similarity.html").read_text()
    assert "<mark>" in page and "torn" in page.split('id="unreadable"')[1]
    assert "<script" not in page
    assert main(["similarity", "hw1", str(tmp_path / "missing"), "--out",
                 str(tmp_path / "out")]) == 2
