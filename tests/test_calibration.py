"""HW1's calibrated threshold sits above what broken learning reaches.

(Coverage, the rule and a reproduced run are checked for every assignment in test_contract.py.)
"""

from __future__ import annotations

import json

from autograder.hw1.checks import CALIBRATION_REPORT, threshold


def test_threshold_is_above_what_broken_learning_reaches():
    data = json.loads(CALIBRATION_REPORT.read_text())
    broken = [max(v) for name, v in data["runs"].items()
              if name in ("mutant update_wrong_sign", "mutant update_not_in_place")]
    assert len(broken) == 2 and max(broken) < threshold() == data["threshold"]
