"""Copy detection over answer cells: a disguised copy is found, independent answers are not."""

from __future__ import annotations

import csv
import re

from submissions import corpus, solved, with_definitions, write

from coursekit.cli import main
from coursekit.similarity import THRESHOLD


def disguised(source: str) -> str:
    """``source`` with its variables renamed, its comments rewritten and its functions in
    reverse order."""
    for old, new in (("weights", "Ws"), ("biases", "bs"), ("grad", "g"), ("delta", "err"),
                     ("loss", "cost")):
        source = re.sub(rf"\b{old}\b", new, source)
    source = re.sub(r"#.*", "# worked this out myself", source)
    functions = re.split(r"\n(?=def )", source.strip())
    return "\n\n\n".join(reversed(functions)) + "\n"


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
