"""After grading: feedback pages, the class report's numbers and how they read bad input.

The class here is built by hand, so every number can be worked out on paper."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from coursekit.classstats import class_stats, message_kind
from coursekit.cli import main
from coursekit.feedback import feedback_page
from coursekit.graded import from_results, read_folder


def entry(question: str, name: str, score: float, max_score: float, output: str = "",
         measured: dict | None = None) -> dict:
    made = {"name": name, "score": score, "max_score": max_score, "output": output,
             "tags": [question]}
    if measured:
        made["extra_data"] = {"measured": measured}
    return made


# four students, two questions, three checks:
#   A (2 points): 2, 2, 0, 0      B (4 points): 4, 0, 4, 0      C (4 points): 4, 4, 2, 0
CLASS = {
    "ann": [2, 4, 4], "bob": [2, 0, 4], "cat": [0, 4, 2], "dan": [0, 0, 0],
}
MESSAGES = {
    "bob": "Expected shape (784, 32), got (32, 784).",
    "dan": "Expected shape (784, 32), got (10, 784).",
}


def results_of(name: str) -> dict:
    a, b, c = CLASS[name]
    accuracy = {"ann": 0.93, "bob": 0.91, "cat": 0.62, "dan": 0.10}[name]
    tests = [entry("Q1", "Q1 A", a, 2, "Passed." if a else "A is missing."),
             entry("Q1", "Q1 B", b, 4, "Passed." if b else MESSAGES[name],
                  {"name": "test accuracy", "value": accuracy, "threshold": 0.9}),
             entry("Q2", "Q2 C", c, 4, "Passed." if c == 4 else f"Got {c} of 4 right.")]
    return {"score": a + b + c, "execution_time": {"ann": 5.0, "bob": 6.0}.get(name, 7.0),
            "tests": tests,
            "extra_data": {"assignment": "hwx", "submission": name, "problems": [],
                           "limits_hit": {"time": 1} if name == "dan" else {},
                           "kernel_peak_mb": 100.0, "judge_peak_mb": 60.0}}


@pytest.fixture
def graded_class(tmp_path: Path) -> Path:
    for name in CLASS:
        (tmp_path / name).mkdir()
        (tmp_path / name / "results.json").write_text(json.dumps(results_of(name)))
    return tmp_path


def test_difficulty_and_discrimination_by_hand(graded_class):
    stats = class_stats(read_folder(graded_class))
    assert [g.name for g in stats.graded] == ["ann", "bob", "cat", "dan"]
    np.testing.assert_array_equal(stats.totals, [10, 6, 6, 0])
    a, b, c = stats.checks
    assert (a.passed, a.partial, a.failed) == (2, 0, 2)
    assert (c.passed, c.partial, c.failed) == (2, 1, 1)
    # difficulty: the mean fraction of the points
    assert a.difficulty == pytest.approx(0.5) and c.difficulty == pytest.approx(10 / 16)
    # discrimination of A: A = (2, 2, 0, 0) against the rest (8, 4, 6, 0)
    assert a.discrimination == pytest.approx(np.corrcoef([2, 2, 0, 0], [8, 4, 6, 0])[0, 1])
    assert a.discrimination == pytest.approx(0.5071, abs=1e-4)
    assert b.discrimination == pytest.approx(np.corrcoef([4, 0, 4, 0], [6, 6, 2, 0])[0, 1])
    assert a.flags == [] and b.flags == []
    assert stats.questions == {"Q1": 6, "Q2": 4}
    np.testing.assert_array_equal(stats.question_scores("Q1"), [6, 2, 4, 0])


def test_a_check_the_strong_fail_and_one_nobody_passes_are_flagged(tmp_path):
    for index, total in enumerate([9, 8, 7, 3, 2, 1]):
        strong = index < 3
        tests = [entry("Q1", "Q1 rest", total, 10),
                 entry("Q1", "Q1 inverted", 0 if strong else 1, 1),
                 entry("Q1", "Q1 nobody", 0, 1)]
        (tmp_path / f"s{index}").mkdir()
        (tmp_path / f"s{index}" / "results.json").write_text(json.dumps({"tests": tests}))
    rest, inverted, nobody = class_stats(read_folder(tmp_path)).checks
    assert rest.partial == 6  # partial credit only: not a pass
    assert inverted.discrimination < -0.9
    assert inverted.flags == ["the strongest students fail it more than the weakest"]
    assert nobody.flags == ["only 0 of 6 pass it"] and nobody.discrimination is None


def test_messages_that_differ_only_in_numbers_are_one_kind(graded_class):
    assert message_kind(MESSAGES["bob"]) == message_kind(MESSAGES["dan"])
    assert message_kind("got 1.5e-07 on 60,000 images (91.3%)") == "got # on # images (#)"
    assert message_kind("expected (784, 32)") != message_kind("expected a tuple")
    kinds = class_stats(read_folder(graded_class)).checks[1].kinds
    assert len(kinds) == 1 and kinds[0].submissions == ["bob", "dan"]


def test_report_writes_the_page_and_the_csv(graded_class, capsys):
    assert main(["report", "hw1", str(graded_class)]) == 0
    page = (graded_class / "report.html").read_text()
    for section in ("scores", "questions", "checks", "messages", "thresholds", "cost",
                    "submissions", "unreadable"):
        assert f'id="{section}"' in page
    assert page.count("data:image/png;base64,") >= 5  # scores, questions, checks, accuracy, time
    assert "<script" not in page and "http" not in page.split("<body>")[1]
    assert "2 fell below the threshold of 90.0%" in page
    assert "dan" in page.split('id="cost"')[1]  # hit the time limit
    rows = list(csv.DictReader((graded_class / "checks.csv").open()))
    assert [r["check"] for r in rows] == ["Q1 A", "Q1 B", "Q2 C"]
    assert rows[0]["difficulty"] == "0.5000" and rows[0]["discrimination"] == "0.5071"


def test_feedback_from_gradescope_results_puts_failed_checks_first(tmp_path):
    # as downloaded from Gradescope: no extra_data, and the checks in the notebook's order
    results = {"score": 4, "tests": [entry("Q1", "Q1 first", 4, 4, "Passed."),
                                     entry("Q1", "Q1 second <b>", 0, 2, "Expected 3, got 4.")]}
    page = feedback_page(from_results(results, "Ada Lovelace", tmp_path))
    assert "Ada Lovelace" in page and "4 of 6 points" in page
    assert page.index("Q1 second &lt;b&gt;") < page.index("Q1 first")
    assert "Expected 3, got 4." in page and "<script" not in page
    limited = from_results(results_of("dan"), "dan", tmp_path)
    assert "ran past its time limit and was stopped (once)" in feedback_page(limited)


def test_feedback_command_writes_a_page_per_submission(graded_class):
    assert main(["feedback", str(graded_class)]) == 0
    for name in CLASS:
        assert f"hwx feedback: {name}" in (graded_class / name / "feedback.html").read_text()


def test_bad_input_is_listed_and_loses_nothing(tmp_path, capsys):
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "results.json").write_text(json.dumps(results_of("ann")))
    (tmp_path / "torn").mkdir()
    (tmp_path / "torn" / "results.json").write_text('{"score": 3, "tests": [')
    (tmp_path / "empty").mkdir()
    assert main(["report", "hw1", str(tmp_path)]) == 0
    unreadable = (tmp_path / "report.html").read_text().split('id="unreadable"')[1]
    assert "torn" in unreadable and "does not parse as JSON" in unreadable
    assert "empty" in unreadable and "there is no results.json" in unreadable
    assert "torn: results.json does not parse" in capsys.readouterr().err
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    assert main(["report", "hw1", str(nothing)]) == 0
    assert "No submission in this folder" in (nothing / "report.html").read_text()
    assert main(["report", "hw1", str(tmp_path / "missing")]) == 2
    assert main(["feedback", str(nothing)]) == 2


def test_a_gradescope_export_is_read_with_its_submitters(tmp_path):
    (tmp_path / "submission_101").mkdir()
    (tmp_path / "submission_102").mkdir()
    (tmp_path / "submission_102" / "results.json").write_text(json.dumps(results_of("bob")))
    (tmp_path / "submission_metadata.yml").write_text(
        "submission_101:\n"
        "  :submitters:\n  - :name: Ada Lovelace\n    :sid: '001'\n"
        f"  :results: {json.dumps(results_of('ann'))}\n"
        "submission_102:\n  :submitters:\n  - :name: Alan Turing\n"
        "submission_103:\n  :submitters:\n  - :email: grace@example.edu\n")
    found = {g.name: g for g in read_folder(tmp_path)}
    assert found["Ada Lovelace"].score == 10 and found["Alan Turing"].score == 6
    assert found["grace@example.edu"].problem == "the export has no autograder results for it."
    assert main(["feedback", str(tmp_path)]) == 0
    assert (tmp_path / "submission_102" / "feedback.html").exists()
    assert (tmp_path / "feedback" / "Ada_Lovelace.html").exists()
