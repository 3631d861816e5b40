"""Where grading's CPU time goes, against the work the checks must do.

Per assignment, in one run, for its reference submission (the solution as a student submits it):

- the work the checks must do: every check run on the notebook's functions in a plain process
  (no kernel, no sandbox, no wire), after the notebook's cells ran there with the grading
  environment; split into the student functions the checks call and the checks' own
  computations;
- a full grading (``coursekit grade`` in a subprocess, CPU time of every process it starts, from
  ``measure.py``) split by stage from the results' ``extra_data.stages``: judge start-up and
  results (what no stage covers: imports, datasets, writing results.json), kernel start,
  notebook replay, each check (judge and kernel), kernel end;
- the ratio of the two (the target is at most 1.5): the work counts the notebook's own cells,
  which grading must run for the functions to exist, and the checks; a second ratio leaves the
  notebook out (the student functions the checks call and the checks' own computations only).

Both sides are measured ``REPEATS`` times (``--repeat N``: another count); the figures printed
are those of the run with the median ratio, with the range of the ratios beside it.

    python benchmarks/bench_grading_stages.py [--repeat N] [ASSIGNMENT ...]
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from measure import measure  # noqa: E402
from submissions import solved, write  # noqa: E402

from autograder.engine import ONE_THREAD  # noqa: E402
from autograder.engine.assignment import assignment_names, load_assignment  # noqa: E402

RATIO_TARGET = 1.5
REPEATS = 3  # this host's speed drifts by up to 10% between runs


def in_plain_process(name: str) -> dict:
    """Run in a subprocess: the notebook's cells, then every check in-process; CPU seconds."""
    from autograder.engine import probe
    from autograder.engine.checks import judge_all
    from autograder.engine.inline import InProcessStudent, rows_folder

    assignment = load_assignment(name)
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    assignment.place_beside_notebook(folder)
    os.chdir(folder)
    sys.path.insert(0, str(folder))
    namespace: dict = {"__name__": "__main__"}
    started = time.process_time()
    for cell in solved(name).cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, "<cell>", "exec"), namespace)  # noqa: S102 - our solution
    notebook_cpu = time.process_time() - started

    student_cpu = [0.0]
    real_answer_call = probe.answer_call

    def timed_answer_call(*args, **kwargs):
        before = time.process_time()
        try:
            return real_answer_call(*args, **kwargs)
        finally:
            student_cpu[0] += time.process_time() - before

    probe.answer_call = timed_answer_call
    checks: dict[str, dict] = {}

    @contextlib.contextmanager
    def timed(check_name: str):
        cpu, student_before = time.process_time(), student_cpu[0]
        yield
        checks[check_name] = {"cpu": time.process_time() - cpu,
                              "student_cpu": student_cpu[0] - student_before}

    student = InProcessStudent(namespace, rows_folder(assignment))
    verdicts = judge_all(assignment.checks, student, name, timed)
    return {"notebook_cpu": notebook_cpu, "checks": checks,
            "score": sum(v.score for v in verdicts)}


def plain(name: str) -> dict:
    """:func:`in_plain_process` in a fresh Python with the kernel's environment."""
    assignment = load_assignment(name)
    env = {**os.environ, **ONE_THREAD, "TF_CPP_MIN_LOG_LEVEL": "2", **assignment.kernel_env,
           "MPLBACKEND": "agg", "TQDM_DISABLE": "1"}
    done = subprocess.run([sys.executable, __file__, "--plain", name], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def graded(name: str) -> tuple[float, dict]:
    """CPU seconds of ``coursekit grade`` on the reference submission, and its results."""
    assignment = load_assignment(name)
    with tempfile.TemporaryDirectory() as tmp:
        submission = write(solved(name), Path(tmp) / assignment.notebook)
        out = Path(tmp) / "results.json"
        run = measure([sys.executable, "-m", "coursekit", "grade", name, str(submission),
                       "--out", str(out)], stderr=subprocess.DEVNULL)
        return run.cpu, json.loads(out.read_text())


def cpu(stage: dict) -> float:
    return stage["judge_cpu_s"] + stage["kernel_cpu_s"]


def needed_cpu(work: dict) -> float:
    """The work the checks must do: the notebook's cells and every check, in CPU-s."""
    return work["notebook_cpu"] + sum(c["cpu"] for c in work["checks"].values())


def median_run(name: str, repeats: int) -> tuple[dict, float, dict, list[float]]:
    """``repeats`` measurements of both sides; the one with the median ratio, and every
    ratio."""
    runs = []
    for _ in range(repeats):
        work = plain(name)
        total, results = graded(name)
        runs.append((total / needed_cpu(work), work, total, results))
    runs.sort(key=lambda run: run[0])
    _, work, total, results = runs[len(runs) // 2]
    return work, total, results, [run[0] for run in runs]


def report(name: str, repeats: int) -> None:
    assignment = load_assignment(name)
    work, total, results, ratios = median_run(name, repeats)
    stages = results["extra_data"]["stages"]
    cells = [s for s in stages if s["stage"].startswith("notebook ")]
    check_stages = [s for s in stages if s["stage"] in work["checks"]]
    by_name = {s["stage"]: s for s in stages}
    checks = sum(c["cpu"] for c in work["checks"].values())
    student = sum(c["student_cpu"] for c in work["checks"].values())
    needed = needed_cpu(work)
    print(f"\n{name}: reference submission, grading {results['score']:g} / "
          f"{assignment.max_score:g}, in a plain process {work['score']:g}")
    print(f"  the work, in a plain process:             {needed:6.1f} CPU-s: notebook "
          f"{work['notebook_cpu']:.1f}, checks {checks:.1f} (student functions {student:.1f}, "
          f"the checks' own {checks - student:.1f})")
    print(f"  full grading (all processes):             {total:6.1f} CPU-s")
    print(f"  ratio: {total / needed:.2f}  (target <= {RATIO_TARGET}; the median of {repeats} "
          f"runs, {ratios[0]:.2f} to {ratios[-1]:.2f}); against the checks alone "
          f"{total / checks:.2f}")
    print("  where grading's CPU goes:")
    rows = [("judge start-up and results", total - sum(cpu(s) for s in stages)),
            ("kernel start", cpu(by_name["kernel start"])),
            (f"notebook replay ({len(cells)} cells; in a plain process "
             f"{work['notebook_cpu']:.1f})", sum(cpu(s) for s in cells)),
            ("checks, judge side", sum(s["judge_cpu_s"] for s in check_stages)),
            ("checks, kernel side", sum(s["kernel_cpu_s"] for s in check_stages)),
            ("kernel end", cpu(by_name["kernel end"]))]
    for label, seconds in rows:
        print(f"    {label:58s} {seconds:6.2f}")
    print("  largest notebook cells, graded:")
    for stage in sorted(cells, key=cpu, reverse=True)[:3]:
        print(f"    {stage['stage'][9:60]:58s} {cpu(stage):6.2f}")
    print("  each check: graded (judge + kernel) / plain process (of which student functions)")
    for check, plain_figures in work["checks"].items():
        stage = by_name.get(check, {"judge_cpu_s": 0.0, "kernel_cpu_s": 0.0})
        print(f"    {check[:58]:58s} {cpu(stage):6.2f} / {plain_figures['cpu']:5.2f} "
              f"({plain_figures['student_cpu']:.2f})")


def main() -> None:
    if sys.argv[1:2] == ["--plain"]:
        print(json.dumps(in_plain_process(sys.argv[2])))
        return
    arguments = sys.argv[1:]
    repeats = REPEATS
    if arguments[:1] == ["--repeat"]:
        repeats, arguments = int(arguments[1]), arguments[2:]
    print(f"each assignment measured {repeats} times; the figures are the run with the median "
          "ratio")
    for name in arguments or assignment_names():
        report(name, repeats)


if __name__ == "__main__":
    main()
