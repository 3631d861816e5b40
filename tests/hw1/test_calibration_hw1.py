"""HW1's calibrated threshold sits above what broken learning reaches, and an incremental
calibration trains only what the report lacks.

(Coverage, the rule and a reproduced run are checked for every assignment in test_contract.py.)
"""

from __future__ import annotations

import json

from autograder.engine.assignment import load_assignment
from autograder.engine.toolkit import calibrated_threshold
from autograder.hw1.checks import CALIBRATION_REPORT
from coursekit.calibrate import calibrate


def test_threshold_is_above_what_broken_learning_reaches():
    data = json.loads(CALIBRATION_REPORT.read_text())
    broken = [max(v) for name, v in data["runs"].items()
              if name in ("mutant update_wrong_sign", "mutant update_not_in_place")]
    threshold = calibrated_threshold(CALIBRATION_REPORT)
    assert len(broken) == 2 and max(broken) < threshold == data["threshold"]


def test_only_new_trains_the_missing_entry_keeps_the_rest_and_drops_removed_ones(tmp_path):
    committed = json.loads(CALIBRATION_REPORT.read_text())
    missing = "mutant transposed_weight_gradient"  # fails its first step: cheap to train
    report = tmp_path / "calibration.json"
    runs = {k: v for k, v in committed["runs"].items() if k != missing} | {"mutant gone": [0.5]}
    report.write_text(json.dumps(committed | {"runs": runs}))
    figures = calibrate(load_assignment("hw1"), workers=1, report=report, only_new=True)
    assert figures["runs"] == committed["runs"]  # retrained as committed, gone dropped
    assert json.loads(report.read_text()) == figures
    assert figures["added"][-1]["entries"] == [missing]
    assert (figures["command"], figures["seconds"]) == (committed["command"],
                                                        committed["seconds"])
    assert f"the other runs kept: {missing}." in report.with_suffix(".md").read_text()
