"""The judge on a toy assignment: fast checks of the whole path from notebook to results."""

from __future__ import annotations

import dataclasses
import json

import nbformat
import pytest
from toy import CORRECT, TOY, toy_notebook

from autograder.engine.judge import grade, write_results
from autograder.engine.kernel import Limits, StudentKernel


@pytest.fixture
def grade_toy(tmp_path):
    def run(*cells: str) -> dict:
        path = tmp_path / "toy.ipynb"
        nbformat.write(toy_notebook(*cells), path)
        return grade(TOY, path)
    return run


def by_name(results):
    return {t["tags"][0]: t for t in results["tests"]}


def test_correct_toy_gets_full_marks_in_gradescope_schema(grade_toy, tmp_path):
    results = grade_toy(*CORRECT)
    assert results["score"] == 3
    for test in results["tests"]:
        assert set(test) == {"name", "score", "max_score", "output", "visibility", "tags"}
    assert [t["tags"] for t in results["tests"]] == [["Q1"], ["Q2"]]
    write_results(results, tmp_path / "out" / "results.json")
    assert json.loads((tmp_path / "out" / "results.json").read_text()) == results


def test_lists_instead_of_arrays_are_accepted(grade_toy):
    results = grade_toy("def add(a, b):\n    return [x + y for x, y in zip(a, b)]",
                        CORRECT[2])
    assert results["score"] == 3


def test_wrong_and_missing_functions_say_what_and_where(grade_toy):
    results = grade_toy("def add(a, b):\n    return a - b")
    tests = by_name(results)
    assert tests["Q1"]["score"] == 0 and "relative difference" in tests["Q1"]["output"]
    assert "Expected a function named scale_in_place" in tests["Q2"]["output"]


def test_rebinding_instead_of_in_place_is_caught(grade_toy):
    results = grade_toy(CORRECT[1], "def scale_in_place(values, factor):\n"
                                    "    values = values * factor")
    assert by_name(results)["Q2"]["score"] == 0


def test_a_function_that_loops_is_stopped_and_the_rest_still_graded(grade_toy):
    results = grade_toy("def add(a, b):\n    while True:\n        pass", CORRECT[2])
    tests = by_name(results)
    assert "took longer than 3 s" in tests["Q1"]["output"] and tests["Q2"]["score"] == 1


def test_a_function_that_kills_its_process_is_survived(grade_toy):
    results = grade_toy("import os\ndef add(a, b):\n    os._exit(1)", CORRECT[2])
    tests = by_name(results)
    assert "stopped the Python process" in tests["Q1"]["output"] and tests["Q2"]["score"] == 1


def test_memory_a_stopped_cell_still_holds_is_given_back_before_a_call_is_failed(grade_toy):
    # The stopped cell keeps 700 MB of the 1,000 MB cap; add needs 500 MB. In that kernel add
    # raises MemoryError; in a kernel re-run without the stopped cell it has room.
    hoarder = "held = bytearray(700 * 10**6)\nwhile True:\n    pass"
    roomy_add = "def add(a, b):\n    room = bytearray(500 * 10**6)\n    return a + b"
    results = grade_toy(CORRECT[0], hoarder, roomy_add, CORRECT[2])
    assert results["score"] == 3, results["tests"]
    assert "cell 2" in results["output"] and "time limit" in results["output"]


def test_a_function_that_always_runs_out_of_memory_says_so(grade_toy):
    greedy_add = "def add(a, b):\n    room = bytearray(1200 * 10**6)\n    return a + b"
    tests = by_name(grade_toy(CORRECT[0], greedy_add, CORRECT[2]))
    assert "MemoryError" in tests["Q1"]["output"] and tests["Q1"]["score"] == 0
    assert tests["Q2"]["score"] == 1


def test_same_submission_same_score_and_messages(grade_toy):
    first = grade_toy("import numpy as np\ndef add(a, b):\n    return a + b + 1e-3 * np.sign(a)",
                      CORRECT[2])
    second = grade_toy("import numpy as np\ndef add(a, b):\n    return a + b + 1e-3 * np.sign(a)",
                       CORRECT[2])
    assert [t["output"] for t in first["tests"]] == [t["output"] for t in second["tests"]]


def test_numpy_results_of_odd_types_are_explained(grade_toy):
    results = grade_toy("def add(a, b):\n    return {'sum': 'a+b'}", CORRECT[2])
    assert "should be a numpy array" in by_name(results)["Q1"]["output"]


def test_exec_time_and_summary_are_reported(grade_toy):
    results = grade_toy("raise ValueError('oops')", "import time\ntime.sleep(1.5)", *CORRECT)
    assert results["score"] == 3
    assert "cell 1" in results["output"] and "ValueError: oops" in results["output"]
    assert "Q1: 2 / 2" in results["output"] and "Q2: 1 / 1" in results["output"]
    assert 1.5 <= results["execution_time"] < TOY.limits.budget_seconds


@pytest.mark.parametrize("text", ["{not json", '{"cells": "many"}', ""])
def test_a_malformed_notebook_gets_every_check_at_zero_with_the_reason(tmp_path, text):
    path = tmp_path / "toy.ipynb"
    path.write_text(text)
    results = grade(TOY, path)
    assert [t["name"] for t in results["tests"]] == [c.name for c in TOY.checks]
    assert results["score"] == 0
    assert all(t["output"].startswith("Not checked:") for t in results["tests"])
    assert "toy.ipynb" in results["output"]


def test_a_kernel_that_cannot_start_is_tried_twice_then_explained(tmp_path, monkeypatch):
    starts = []
    real_start = StudentKernel.start
    monkeypatch.setattr(StudentKernel, "start", lambda self: starts.append(1) or real_start(self))
    starved = dataclasses.replace(TOY, limits=Limits(memory_bytes=5_000_000, budget_seconds=60))
    path = tmp_path / "toy.ipynb"
    nbformat.write(toy_notebook(*CORRECT), path)
    results = grade(starved, path)
    assert len(starts) == 2
    assert results["score"] == 0 and len(results["tests"]) == len(TOY.checks)
    assert all("could not start" in t["output"] for t in results["tests"])


BURN = ("import time\nstarted = time.process_time()\n"
        "while time.process_time() - started < 0.6:\n    pass")


def test_every_stage_of_a_run_is_timed_with_the_kernels_cpu_apart_from_the_judges(grade_toy):
    slow_add = ("import time\ndef add(a, b):\n    started = time.process_time()\n"
                "    while time.process_time() - started < 0.4:\n        pass\n    return a + b")
    results = grade_toy(CORRECT[0], BURN, slow_add, CORRECT[2])
    assert results["score"] == 3
    # stages are named by what they run: a cell by its number and first line, a check by name
    stages = {s["stage"].split(' ("')[0]: s for s in results["extra_data"]["stages"]}
    assert list(stages) == ["kernel start", *(f"notebook cell {i}" for i in range(1, 5)),
                            *(c.name for c in TOY.checks), "kernel end"]
    burning, adding = stages["notebook cell 2"], stages[TOY.checks[0].name]
    assert burning["kernel_cpu_s"] >= 0.5 and burning["judge_cpu_s"] < 0.2
    assert adding["kernel_cpu_s"] >= 0.35 and stages["notebook cell 1"]["kernel_cpu_s"] < 0.3
    assert all(s["wall_s"] >= 0 and s["kernel_cpu_s"] >= 0 for s in stages.values())


def test_a_kernel_whose_probe_does_not_load_is_tried_twice_then_explained(tmp_path, monkeypatch):
    from autograder.engine import judge
    monkeypatch.setattr(judge, "LOAD_PROBE", "raise ImportError('no probe {name} {path}')")
    starts = []
    real_start = StudentKernel.start
    monkeypatch.setattr(StudentKernel, "start", lambda self: starts.append(1) or real_start(self))
    path = tmp_path / "toy.ipynb"
    nbformat.write(toy_notebook(*CORRECT), path)
    results = grade(TOY, path)
    assert len(starts) == 2 and results["score"] == 0
    assert all("probe did not load" in t["output"] for t in results["tests"])
