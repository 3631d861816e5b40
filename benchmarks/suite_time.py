"""Where the test suite's time goes, from the JUnit report of one run.

    python benchmarks/suite_time.py               # runs `make test`'s pytest command, then reports
    python benchmarks/suite_time.py report.xml    # reports on an earlier run's --junitxml file

A test's time is its wall seconds on one test worker, set-up and tear-down included. The report
groups the tests by function (all parametrizations together, largest first) and by assignment
(``hw1`` in a test's id or module; the rest is the engine's and the kit's own tests), and sets
the sum against the run's wall time: with W workers the run cannot end before sum / W.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTEST = [sys.executable, "-m", "pytest", "-n", "auto", "--dist", "worksteal", "-q"]
SHOWN = 25  # function groups listed


def run_suite(report: Path) -> None:
    """Run the suite as `make test` does, writing its JUnit report to ``report``."""
    subprocess.run([*PYTEST, f"--junitxml={report}"], cwd=ROOT, check=False)


def read_report(report: Path) -> tuple[list[tuple[str, str, float]], float]:
    """(module, test name, seconds) for every test of ``report``, and the run's wall seconds."""
    root = ElementTree.parse(report).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    tests = [(case.get("classname", ""), case.get("name", ""), float(case.get("time", 0)))
             for case in suite.iter("testcase")]
    return tests, float(suite.get("time", 0))


def assignment_of(module: str, name: str, pattern: re.Pattern) -> str:
    """The assignment a test's id or module names (``hw1`` in ``[hw1-einsum]`` or
    ``tests.hw1.test_hostile_hw1``; ``pattern`` matches any assignment's name), else the kit's
    and the engine's own tests."""
    found = pattern.search(name) or pattern.search(module)
    return found.group(1) if found else "kit and engine"


def summary(tests: list[tuple[str, str, float]], wall: float, workers: int) -> str:
    # imported here, after the suite ran: importing the engine sets the numeric libraries'
    # thread counts in this process's environment
    from autograder.engine.assignment import assignment_names

    names = "|".join(map(re.escape, assignment_names()))
    pattern = re.compile(rf"(?<![A-Za-z0-9])({names})(?![A-Za-z0-9])")
    total = sum(seconds for _, _, seconds in tests)
    by_function: dict[str, list[float]] = collections.defaultdict(list)
    by_assignment: dict[str, list[float]] = collections.defaultdict(list)
    for module, name, seconds in tests:
        by_function[f"{module.rsplit('.', 1)[-1]}::{name.split('[')[0]}"].append(seconds)
        by_assignment[assignment_of(module, name, pattern)].append(seconds)
    lines = [f"{len(tests)} tests, {total:,.0f} test-seconds, {wall:,.0f} s of wall time "
             f"({wall / 60:.1f} min) on {workers} workers, which ran tests "
             f"{total / (wall * workers):.0%} of it",
             "", f"{'by assignment:':<62} tests  test-s  share"]
    for group, times in sorted(by_assignment.items(), key=lambda kv: -sum(kv[1])):
        lines.append(f"  {group:<60} {len(times):5d} {sum(times):7.0f}  {sum(times) / total:5.1%}")
    lines += ["", f"{f'the {SHOWN} largest test functions:':<62} tests  test-s  mean s  share"]
    ranked = sorted(by_function.items(), key=lambda kv: -sum(kv[1]))
    for group, times in ranked[:SHOWN]:
        lines.append(f"  {group[:60]:<60} {len(times):5d} {sum(times):7.0f}  "
                     f"{sum(times) / len(times):6.1f}  {sum(times) / total:5.1%}")
    rest = [t for _, times in ranked[SHOWN:] for t in times]
    lines.append(f"  {'every other test':<60} {len(rest):5d} {sum(rest):7.0f}  "
                 f"{sum(rest) / max(len(rest), 1):6.1f}  {sum(rest) / total:5.1%}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", type=Path, help="a JUnit XML report to read")
    parser.add_argument("--workers", type=int, default=os.cpu_count(),
                        help="test workers of that run (default: this machine's cores)")
    options = parser.parse_args()
    report = options.report
    if report is None:
        report = Path(tempfile.mkdtemp(prefix="suite-time-")) / "junit.xml"
        run_suite(report)
    print(summary(*read_report(report), options.workers))


if __name__ == "__main__":
    main()
