"""`coursekit calibrate`: set an assignment's accuracy threshold from many full training runs.

The reference, the source notebook's solution, and the solution with each correct variant of
``autograder/<hw>/corpus/correct/`` in place of its functions, train from ``seeds`` starting
points; the threshold sits ``margin`` below the worst of those runs (never below the course's
floor). Every mutant in ``autograder/<hw>/corpus/mutants/`` is trained once, to show what
broken learning reaches. The figures go to ``calibration.json`` (read by the checks) and a
readable ``calibration.md`` beside it; both are committed.
"""

from __future__ import annotations

import ast
import contextlib
import json
import math
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from autograder.engine.assignment import Assignment, load_assignment
from autograder.engine.checks import CheckFailed
from autograder.engine.inline import InProcessStudent, rows_folder
from autograder.engine.notebook import read_cells, source_text


def is_constant(node: ast.stmt) -> bool:
    """Whether ``node`` assigns one upper-case name (a setting such as ``EPOCHS = 10``)."""
    return (isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper())


def solution_definitions(assignment: Assignment) -> str:
    """The imports, function and class definitions and constants of the source notebook (its
    solution code), without the imports of the helpers beside the notebook."""
    parts = []
    for cell in read_cells(assignment.source_notebook):
        if cell.get("cell_type") != "code":
            continue
        source = source_text(cell)
        for node in ast.parse(source).body:
            if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef) \
                    or is_constant(node):
                parts.append(ast.get_source_segment(source, node))
    helpers = ("course_utils", "autograder", *assignment.helper_modules)
    return "\n\n".join(p for p in parts if not any(h in p for h in helpers))


def implementation(assignment: Assignment, variant: Path | None) -> dict:
    """A namespace like a notebook's: ``"reference"`` is autograder/<hw>/reference.py; otherwise
    the source notebook's solution with ``variant``'s definitions (if any) replacing its own."""
    if variant == "reference":
        return dict(vars(__import__(f"autograder.{assignment.name}.reference", fromlist=["*"])))
    namespace: dict = {}
    exec(compile(solution_definitions(assignment), "solution", "exec"), namespace)  # noqa: S102
    if variant is not None:
        exec(compile(Path(variant).read_text(), str(variant), "exec"), namespace)  # noqa: S102
    return namespace


def train_once(assignment_name: str, variant: str | None, seed: int,
               must_train: bool = True) -> float:
    """Test accuracy of one full training run (runs in a worker process). A mutant that cannot
    train at all scores 0.0; a correct implementation that cannot train is an error."""
    assignment = load_assignment(assignment_name)
    # The kernel's environment (e.g. one thread for TensorFlow), and no progress bars from a
    # thousand runs in parallel; set before the implementation imports anything.
    os.environ.update({"TQDM_DISABLE": "1", **assignment.kernel_env})
    namespace = implementation(assignment, variant)
    student = InProcessStudent(namespace, rows_folder(assignment))
    try:
        return assignment.calibration.train(student, seed)
    except CheckFailed:
        if must_train:
            raise
        return 0.0


SIMD_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16",
              "avx512_fp16", "avx_vnni", "amx_bf16", "amx_int8", "amx_tile")


def machine_kind() -> str:
    """What a training run's last digits depend on besides the code and the pins: the processor
    and the vector instructions its numeric libraries may choose, e.g. "x86_64, AMD EPYC, 2
    cores, avx avx2 avx512f fma sse4_2". Two machines of one kind train the same runs."""
    model, flags = platform.processor() or "unknown processor", set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    simd = " ".join(sorted(flags.intersection(SIMD_FLAGS))) or "no flags read"
    return f"{platform.machine()}, {model}, {os.cpu_count()} cores, {simd}"


def threshold_rule(worst_correct: float, margin: float, floor: float) -> float:
    """The threshold: ``margin`` below the worst correct run, rounded down to 0.1%, never below
    ``floor``."""
    return max(floor, math.floor((worst_correct - margin) * 1000) / 1000)


def calibrate(assignment: Assignment, seeds: int = 20, workers: int | None = None,
              report: Path | None = None, only_new: bool = False) -> dict:
    """Run the calibration and write the reports; return the JSON figures.

    With ``only_new``, only the corpus entries that the committed report lacks are trained
    (with its number of seeds); its other runs are kept, entries no longer in the corpus are
    dropped, and the report lists what was added, when and how long it took."""
    assignment_name = assignment.name
    calibration = assignment.calibration
    if calibration is None:
        raise ValueError(f"{assignment_name} has no accuracy threshold to calibrate")
    report = report or calibration.report
    correct = {"reference": "reference", "solution notebook": None} | {
        p.stem: str(p) for p in assignment.corpus("correct")}
    mutants = {f"mutant {p.stem}": str(p) for p in assignment.corpus("mutants")}
    only_new = only_new and report.exists()  # with no report yet, everything is new
    previous = json.loads(report.read_text()) if only_new else {"runs": {}, "added": []}
    seeds = previous.get("seeds", seeds)
    jobs = [(name, path, seed) for name, path in correct.items() if name not in previous["runs"]
            for seed in range(seeds)]
    jobs += [(name, path, 0) for name, path in mutants.items() if name not in previous["runs"]]
    started = time.time()
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        accuracies = list(pool.map(train_once, [assignment_name] * len(jobs),
                                   [path for _, path, _ in jobs], [seed for *_, seed in jobs],
                                   [not name.startswith("mutant") for name, *_ in jobs]))
    trained: dict[str, list[float]] = {}
    for (name, _, _), accuracy in zip(jobs, accuracies, strict=True):
        trained.setdefault(name, []).append(accuracy)
    runs = {name: trained.get(name) or previous["runs"][name] for name in [*correct, *mutants]}
    worst = min(min(v) for k, v in runs.items() if not k.startswith("mutant"))
    threshold = threshold_rule(worst, calibration.margin, calibration.floor)
    seconds = round(time.time() - started)
    machine = machine_kind()
    figures = {
        "threshold": threshold, "margin": calibration.margin, "floor": calibration.floor,
        "worst_correct": worst, "seeds": seeds, "runs": runs,
        "command": f"coursekit calibrate {assignment_name} --seeds {seeds}",
        "date": date.today().isoformat(), "machine": machine, "seconds": seconds,
        "added": previous.get("added", []),
    }
    if only_new:
        figures.update({key: previous[key] for key in ("command", "date", "machine", "seconds")})
        figures["added"].append({"entries": list(trained), "date": date.today().isoformat(),
                                 "machine": machine, "seconds": seconds,
                                 "command": f"coursekit calibrate {assignment_name} --only-new"})
    report.write_text(json.dumps(figures, indent=2) + "\n")
    report.with_suffix(".md").write_text(markdown(assignment_name, figures))
    print(f"{assignment_name}: threshold {threshold:.1%} (worst correct run {worst:.2%}, "
          f"margin {calibration.margin:.0%}); trained {', '.join(trained) or 'nothing new'}; "
          f"wrote {report} and {report.with_suffix('.md')}")
    return figures


def markdown(assignment_name: str, figures: dict) -> str:
    """The human-readable calibration report."""
    lines = [f"# {assignment_name} accuracy calibration", "",
             f"Produced by `{figures['command']}` on {figures['date']} "
             f"({figures['machine']}, {figures['seconds']} s).", "",
             *(f"Added by `{added['command']}` on {added['date']} ({added['machine']}, "
               f"{added['seconds']} s), the other runs kept: {', '.join(added['entries'])}.\n"
               for added in figures.get("added", [])),
             f"**Threshold: {figures['threshold']:.1%}** = the worst correct run "
             f"({figures['worst_correct']:.2%}) minus a margin of {figures['margin']:.0%}, "
             f"rounded down to 0.1% (never below the floor of {figures['floor']:.0%}).", "",
             "| implementation | runs | min | mean | max |", "|---|---|---|---|---|"]
    for name, values in figures["runs"].items():
        lines.append(f"| {name} | {len(values)} | {min(values):.2%} | "
                     f"{sum(values) / len(values):.2%} | {max(values):.2%} |")
    above = [k for k, v in figures["runs"].items()
             if k.startswith("mutant") and max(v) >= figures["threshold"]]
    lines += ["", "Mutants train once, from seed 0. Those at or above the threshold "
              f"({', '.join(above) or 'none'}) lose their points on the other checks "
              "(gradients, replays, architecture, loss), not on accuracy: a good accuracy does "
              "not certify correct code.", ""]
    return "\n".join(lines)
