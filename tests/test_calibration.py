"""The committed HW1 calibration is complete, current and consistent with its own rule."""

from __future__ import annotations

import json

import pytest
from submissions import corpus

from autograder.hw1.checks import CALIBRATION, threshold
from coursekit.calibrate import threshold_rule, train_once


def figures() -> dict:
    return json.loads(CALIBRATION.read_text())


def test_calibration_covers_the_reference_the_solution_and_every_correct_variant():
    runs = figures()["runs"]
    expected = {"reference", "solution notebook", *(p.stem for p in corpus("hw1", "correct"))}
    assert expected <= set(runs)
    assert all(len(runs[name]) >= 20 for name in expected)
    assert {f"mutant {p.stem}" for p in corpus("hw1", "mutants")} <= set(runs)


def test_threshold_follows_the_stated_rule():
    data = figures()
    correct = [a for name, values in data["runs"].items() if not name.startswith("mutant")
               for a in values]
    assert data["worst_correct"] == min(correct)
    rule = threshold_rule(min(correct), data["margin"], data["floor"])
    assert threshold() == data["threshold"] == rule >= 0.70


@pytest.mark.slow
def test_one_committed_run_of_the_reference_is_reproduced():
    seed = 1  # the worst correct run of the committed report
    assert train_once("hw1", "reference", seed) == figures()["runs"]["reference"][seed]


def test_threshold_is_above_what_broken_learning_reaches():
    data = figures()
    broken = [max(v) for name, v in data["runs"].items()
              if name in ("mutant update_wrong_sign", "mutant update_not_in_place")]
    assert broken and max(broken) < data["threshold"]
