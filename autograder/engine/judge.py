"""The judge: grade one submission and write its ``results.json``.

The judge never runs student code. It starts a :class:`StudentKernel`, sends it the notebook's
cells, asks it for values through :mod:`probe` files, computes every expected value itself, and
alone writes the results. Whatever happens, every check of the assignment is listed.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import json
import os
import resource
import shutil
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

from autograder.engine import probe
from autograder.engine.assignment import AUTOGRADER, ENGINE_FOLDERS, Assignment
from autograder.engine.checks import Check, StudentError, Verdict, judge_all
from autograder.engine.kernel import (
    MATPLOTLIB_FOLDER,
    Limits,
    Outcome,
    StudentKernel,
    place_font_lists,
)
from autograder.engine.notebook import CodeCell, NotebookError, find_notebook, read_code_cells
from autograder.engine.sandbox import RunUser, lease_run_user

PROBE_FILE = "coursekit_probe.py"
PROBE_MODULE = "coursekit_probe"
# Run once in each kernel as it starts: the probe, loaded into sys.modules (compiling it for each
# call instead costs about 6 ms a call), listening for calls; a call is then one shell message.
LOAD_PROBE = """\
import importlib.util as _coursekit_util, sys as _coursekit_sys
_coursekit_spec = _coursekit_util.spec_from_file_location({name!r}, {path!r})
_coursekit_sys.modules[{name!r}] = _coursekit_util.module_from_spec(_coursekit_spec)
_coursekit_spec.loader.exec_module(_coursekit_sys.modules[{name!r}])
_coursekit_sys.modules[{name!r}].listen()
del _coursekit_util, _coursekit_sys, _coursekit_spec
"""
PROBE_LOAD_SECONDS = 30.0
FORGET_SECONDS = 10.0


class RunFolder:
    """A private folder for one grading run, laid out so the kernel can see only its part.

    - work/: the kernel's working folder, the one folder it can write (its answers go there);
      owned by the run's user id, which alone can enter it; matplotlib's font list is put there
      ready-made
    - probe/: what the judge hands the kernel read-only: the probe module, dataset rows, call
      requests and the kernel's connection file
    """

    def __init__(self, assignment: Assignment, user: RunUser | None):
        self.root = Path(tempfile.mkdtemp(prefix=f"coursekit-{assignment.name}-"))
        self.root.chmod(0o711)
        self.work, self.probe = self.root / "work", self.root / "probe"
        for folder in (self.work, self.probe):
            folder.mkdir()
        shutil.copy(probe.__file__, self.probe / PROBE_FILE)
        assignment.write_kernel_side(self.probe)
        assignment.place_beside_notebook(self.work)
        place_font_lists(self.work / MATPLOTLIB_FOLDER)
        self.work.chmod(0o700)
        self.probe.chmod(0o750 if user else 0o755)
        if user:
            os.chown(self.probe, 0, user.uid)
            for path in [self.work, *self.work.rglob("*")]:
                os.chown(path, *user.ids, follow_symlinks=False)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class KernelFailed(RuntimeError):
    """The student's kernel could not be started, even on a second try."""


class Session:
    """The student's kernel with the cells that ran, restarted and replayed if it dies."""

    def __init__(self, assignment: Assignment, folder: RunFolder, user: RunUser | None,
                 deadline: float):
        self.assignment = assignment
        self.folder = folder
        self.user = user
        self.deadline = deadline
        self.kernel: StudentKernel | None = None
        self.good_cells: list[CodeCell] = []
        self.problems: list[str] = []
        self.kernels: list[StudentKernel] = []  # every kernel started, for their peak memory
        self.limits_hit: collections.Counter[str] = collections.Counter()  # kind -> times

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def start(self) -> None:
        """Start a kernel; a kernel that cannot start is tried once more, then KernelFailed."""
        for attempt in range(2):
            self.kernel = StudentKernel(self.folder.work, self.folder.probe,
                                        self.assignment.limits, self.user,
                                        self.assignment.kernel_env)
            self.kernels.append(self.kernel)
            try:
                self.kernel.start()
                loaded = self.kernel.execute(LOAD_PROBE.format(name=PROBE_MODULE, path=str(
                    self.folder.probe / PROBE_FILE)), PROBE_LOAD_SECONDS)
                if loaded.status != "ok":
                    raise RuntimeError(f"the grader's probe did not load: {loaded.status} "
                                       f"{loaded.error}".strip())
                return
            except RuntimeError as error:
                self.kernel.kill()
                if attempt == 1:
                    raise KernelFailed(f"the Python kernel could not start ({error}).") from None

    def run_cells(self, cells: list[CodeCell], timed=None) -> None:
        """Run every cell once; note each one that fails, times out or kills the kernel. Each
        cell runs inside ``timed(its label)``, when given."""
        for cell in cells:
            with timed(f"notebook {cell.label}") if timed else contextlib.nullcontext():
                self.run_cell(cell)

    def run_cell(self, cell: CodeCell) -> None:
        """Run one cell; note it if it fails, times out or kills the kernel."""
        if self.remaining() <= 0:
            self.problems.append(f"{cell.label} was not run: the time budget ran out.")
            self.limits_hit["time budget"] += 1
            return
        try:
            self.ensure_kernel()
        except KernelFailed as error:
            self.problems.append(f"{cell.label} was not run: {error}")
            return
        timeout = min(self.assignment.limits.cell_seconds, self.remaining())
        outcome = self.kernel.execute(cell.source, timeout)
        if outcome.status == "ok":
            self.good_cells.append(cell)
            return
        self.problems.append(f"{cell.label} {describe(outcome, self.assignment.limits)}")
        self.note_limit(outcome)
        if out_of_memory(outcome):
            # what it allocated may still be held by a variable: start again without it
            self.kernel.kill()

    def ensure_kernel(self) -> None:
        """A running kernel holding the state of every cell that ran cleanly."""
        if self.kernel is not None and self.kernel.alive():
            return
        if self.kernel is not None:
            self.kernel.kill()
        self.start()
        for cell in self.good_cells:
            timeout = min(self.assignment.limits.cell_seconds, self.remaining())
            self.kernel.execute(cell.source, max(timeout, 0.1))

    def note_limit(self, outcome: Outcome) -> None:
        """Count a limit that ``outcome`` hit (time, memory, or a crash), if it hit one."""
        kind = ("memory" if out_of_memory(outcome) else
                {"timeout": "time", "died": "crash"}.get(outcome.status))
        if kind:
            self.limits_hit[kind] += 1

    def kernel_cpu_seconds(self) -> float:
        """The CPU seconds every kernel of this run has used so far."""
        return sum(kernel.cpu_seconds() for kernel in self.kernels)

    def peak_mb(self) -> float:
        """The largest peak memory of any of this run's kernels, in MB (read as each ended)."""
        return max((kernel.peak_mb for kernel in self.kernels), default=0.0)

    def close(self) -> None:
        if self.kernel is not None:
            self.kernel.kill()
            self.kernel = None


class StageClock:
    """Where a grading run's time goes: per stage, its wall seconds and the CPU seconds of the
    judge and of the student's kernels (every stage of a run, in order)."""

    def __init__(self, session: Session):
        self.session = session
        self.stages: list[dict[str, float | str]] = []

    @contextlib.contextmanager
    def stage(self, name: str):
        wall, judge, kernel = self._now()
        try:
            yield
        finally:
            wall_after, judge_after, kernel_after = self._now()
            self.stages.append({"stage": name, "wall_s": round(wall_after - wall, 3),
                                "judge_cpu_s": round(judge_after - judge, 3),
                                "kernel_cpu_s": round(kernel_after - kernel, 3)})

    def _now(self) -> tuple[float, float, float]:
        return time.monotonic(), time.process_time(), self.session.kernel_cpu_seconds()


def out_of_memory(outcome: Outcome) -> bool:
    """Whether what ran in the kernel stopped with a MemoryError."""
    return outcome.status == "error" and outcome.error.startswith("MemoryError")


def describe(outcome: Outcome, limits: Limits) -> str:
    """A student-facing sentence for a cell that did not finish cleanly."""
    if out_of_memory(outcome):
        return (f"ran out of memory (the limit is {limits.memory_bytes // 10**6} MB) and was left "
                "out; the notebook was re-run without it")
    if outcome.status == "error":
        return f"raised {redact(outcome.error)}"
    if outcome.status == "timeout":
        return f"ran past the time limit and was {outcome.error}"
    return "stopped the Python process (for example with os._exit or a crash)"


class RemoteStudent:
    """The student as the checks see it, answered by the kernel through probe files."""

    def __init__(self, session: Session, identity: str | None = None):
        self.session = session
        self.identity = identity
        self.holding = False  # whether a call kept an object in the kernel since forget()

    def call(self, function: str | probe.KernelFunction, *args: Any, return_args=(),
             timeout: float | None = None, keep: bool = False, allow_raise: bool = False,
             warnings_as_errors: bool = False, count_calls=(), **kwargs: Any) -> Any:
        name, module = probe.call_target(function)
        shown = probe.named_in_messages(function, args, kwargs)
        self.holding = self.holding or keep
        answer = self._ask(name, timeout, shown, verb="call", module=module, args=list(args),
                           kwargs=kwargs, return_args=list(return_args), keep=keep,
                           warnings_as_errors=warnings_as_errors, count_calls=list(count_calls))
        return interpret(shown, answer, bool(return_args), allow_raise, bool(count_calls))

    def value(self, name: str) -> Any:
        return interpret(name, self._ask(name, None, name, verb="value"), False)

    def forget(self) -> None:
        kernel, holding, self.holding = self.session.kernel, self.holding, False
        if not holding or kernel is None or not kernel.alive():
            return  # nothing kept, or it died with the kernel
        with contextlib.suppress(StudentError):
            self._ask("", FORGET_SECONDS, "", verb="forget")

    def _ask(self, function: str, timeout: float | None, shown: str,
             **request_values: Any) -> dict:
        """Have the kernel answer one request about ``function`` (called ``shown`` in
        messages); the answer dict."""
        session = self.session
        limit = min(timeout or session.assignment.limits.call_seconds, session.remaining())
        if limit <= 0:
            session.limits_hit["time budget"] += 1
            raise StudentError("Not checked: the grading time budget ran out before this check.")
        try:
            session.ensure_kernel()
        except KernelFailed as error:
            raise StudentError(f"Not checked: {error}") from None
        name = uuid.uuid4().hex
        request = session.folder.probe / f"{name}.req"
        response = session.folder.work / f".answer-{name}"
        probe.save(request, function=function, **request_values)
        try:
            outcome, answer, unreadable = self._send(request, response, limit)
            session.note_limit(outcome)
            if ran_out_of_memory(outcome, answer):
                # The kernel may still hold what ran before it and cannot give back (a stopped
                # cell's variables, or the flood of output it was still sending): start it
                # again with the cells that ran cleanly, and ask once more.
                session.kernel.kill()
                limit = min(limit, session.remaining())
                try:
                    session.ensure_kernel()
                    outcome, answer, unreadable = self._send(request, response, max(limit, 0.1))
                except KernelFailed as error:
                    outcome, answer, unreadable = Outcome("died", str(error)), None, ""
                session.note_limit(outcome)
            if outcome.status == "timeout":
                raise StudentError(f"Calling {shown} took longer than {limit:.0f} s and was "
                                   "stopped. Look for a loop that never ends or very slow code.")
            if outcome.status == "died":
                raise StudentError(f"Calling {shown} stopped the Python process (for example "
                                   "with os._exit, or by running out of memory).")
            if out_of_memory(outcome) and answer is None:
                raise StudentError(f"Calling {shown} ran out of memory (the limit is "
                                   f"{session.assignment.limits.memory_bytes // 10**6} MB).")
            if answer is None:
                raise StudentError(f"Calling {shown} gave no readable answer ({unreadable}).")
            return answer
        finally:
            for path in (request, response):
                remove_saved(path)

    def _send(self, request: Path, response: Path,
              limit: float) -> tuple[Outcome, dict | None, str]:
        """Have the kernel's probe answer the request file ``request``; the outcome, the answer
        it left at ``response`` (None if there is none to read) and, then, why it could not be
        read."""
        remove_saved(response)  # an answer left by an earlier try is not this one
        paths = {"request": str(request), "response": str(response)}
        outcome = self.session.kernel.request(probe.CALL_REQUEST, paths, limit)
        try:
            return outcome, probe.load(response, rows_dir=self.session.folder.probe), ""
        except (OSError, ValueError, KeyError) as error:
            return outcome, None, type(error).__name__


def remove_saved(path: Path) -> None:
    """Delete what :func:`probe.save` wrote at ``path``."""
    for part in (path, Path(f"{path}.npz")):
        part.unlink(missing_ok=True)


def ran_out_of_memory(outcome: Outcome, answer: dict | None) -> bool:
    """Whether a call ran out of memory: the kernel could not even take it, or the student's
    function raised MemoryError."""
    if answer is None:
        return out_of_memory(outcome)
    return (answer.get("status") == "raised"
            and (answer.get("error") or {}).get("type") == "MemoryError")


@functools.cache
def hidden_lines() -> frozenset[str]:
    """Distinctive lines of the hidden checks and references of every assignment."""
    lines = set()
    for path in AUTOGRADER.glob("*/*.py"):
        if path.parent.name not in ENGINE_FOLDERS:
            lines.update(line.strip() for line in path.read_text().splitlines()
                         if len(line.strip()) >= 16)
    return frozenset(lines)


def redact(message: str) -> str:
    """``message``, unless it quotes a hidden file (possible where file permissions are not
    enforced, e.g. when grading locally without root)."""
    if any(line.strip() in hidden_lines() for line in message.splitlines()):
        return "(the message is withheld because it quotes the autograder's files)"
    return message


def interpret(function: str, answer: dict, with_args: bool, allow_raise: bool = False,
              with_calls: bool = False) -> Any:
    """The call's result, or StudentError explaining why there is none. With ``allow_raise``,
    an exception the call raised is the result, as a :class:`probe.Raised`. With
    ``with_calls``, ``(that, {function name: times it ran})``."""
    if with_calls:
        calls = answer.get("calls")
        if not (isinstance(calls, dict) and all(isinstance(n, int) for n in calls.values())):
            raise StudentError(f"Calling {function} gave no readable answer (calls).")
        return interpret(function, answer, with_args, allow_raise), calls
    status = answer.get("status")
    if status == "raised" and allow_raise:
        error = answer.get("error") or {}
        return probe.Raised(str(error.get("type", "")), redact(str(error.get("message", ""))))
    if status == "missing_value":
        raise StudentError(f"Expected a variable named {function}, but your notebook does not "
                           "define it. Check the spelling and that its cell runs without errors.")
    if status == "missing":
        function = (answer.get("error") or {}).get("message") or function
        raise StudentError(f"Expected a function named {function}, but your notebook does not "
                           "define it. Check the spelling and that its cell runs without errors.")
    if status == "not_callable":
        raise StudentError(f"{function} in your notebook is not a function.")
    if status in ("raised", "unsendable"):
        error = answer.get("error") or {}
        if error.get("type") == "NotImplementedError":
            raise StudentError(f"{function} is not written yet: replace the line "
                               "`raise NotImplementedError(...)` in its cell with your code.")
        where = f" (line {error['where']} of its cell)" if error.get("where") else ""
        verb = "raised" if status == "raised" else "returned something that could not be read:"
        message = redact(str(error.get("message", ""))[:300])
        raise StudentError(f"Calling {function} {verb} {error.get('type', 'an error')}: "
                           f"{message}{redact(where)}")
    if with_args:
        return answer["result"], answer["args_after"]
    return answer["result"]


def not_run(check: Check, reason: str) -> Verdict:
    return Verdict(check, 0.0, f"Not checked: {reason}")


def grade(assignment: Assignment, submission: Path, identity: str | None = None) -> dict:
    """Grade one submission (a notebook or a folder holding one) of the student ``identity``
    (their ID as the platform knows it, if it does); return the results dict."""
    started = time.monotonic()
    deadline = started + assignment.limits.budget_seconds
    try:
        cells = read_code_cells(find_notebook(submission, assignment.notebook))
    except (NotebookError, OSError) as error:
        reason = str(error) if isinstance(error, NotebookError) else "the file could not be read."
        return results(assignment, [not_run(c, reason) for c in assignment.checks], [reason],
                       time.monotonic() - started)
    user = lease_run_user()
    folder = RunFolder(assignment, user)
    session = Session(assignment, folder, user, deadline)
    clock = StageClock(session)
    try:
        try:
            with clock.stage("kernel start"):
                session.start()
        except KernelFailed as error:
            return results(assignment, [not_run(c, str(error)) for c in assignment.checks],
                           [str(error)], time.monotonic() - started)
        session.run_cells(cells, clock.stage)
        verdicts = judge_all(assignment.checks, RemoteStudent(session, identity), assignment.name,
                             clock.stage)
        with clock.stage("kernel end"):
            session.close()  # before the results: each kernel's peak memory is read as it ends
    finally:
        session.close()
        folder.remove()
        if user:
            user.release()
    return results(assignment, verdicts, session.problems, time.monotonic() - started,
                   session.limits_hit, session.peak_mb(), clock.stages)


def grade_or_explain(assignment: Assignment, submission: Path,
                     identity: str | None = None) -> dict:
    """:func:`grade`, or, when the grader itself fails, every check at 0 with a reason."""
    try:
        return grade(assignment, submission, identity)
    except Exception:  # noqa: BLE001 - the student still gets every test listed
        traceback.print_exc()
        reason = "the autograder failed on its side; please tell your course staff."
        return results(assignment, [not_run(c, reason) for c in assignment.checks], [reason], 0.0)


def results(assignment: Assignment, verdicts: list[Verdict], problems: list[str],
            seconds: float, limits_hit: dict[str, int] | None = None,
            kernel_peak_mb: float = 0.0, stages: list[dict] | None = None) -> dict:
    """The Gradescope results dict: a test per check, in question order, each tagged with its
    question label. ``extra_data`` (kept by Gradescope, shown to no one) holds what the class
    report reads: the problems while running the notebook, the limits hit (kind -> times), the
    peak memory of the student's kernel and of the judge, each threshold check's figure, and
    where the time went (see :class:`StageClock`)."""
    tests = [{"name": v.check.name, "score": v.score, "max_score": v.check.points,
              "output": v.message, "visibility": "visible", "tags": [v.check.question],
              **({"extra_data": {"measured": v.measured.as_dict()}} if v.measured else {})}
             for v in verdicts]
    score = sum(v.score for v in verdicts)
    summary = [f"{assignment.name}: {score:g} / {assignment.max_score:g} points."]
    got = points_per_question({"tests": tests})
    for question, points in assignment.questions.items():
        summary.append(f"  {question}: {got.get(question, 0.0):g} / {points:g}")
    if problems:
        summary.append("While running your notebook:")
        summary.extend(f"  - {p}" for p in problems[:20])
    extra = {"assignment": assignment.name, "problems": problems,
             "limits_hit": dict(limits_hit or {}), "kernel_peak_mb": round(kernel_peak_mb, 1),
             "judge_peak_mb": round(own_peak_mb(), 1), "stages": stages or []}
    return {"score": score, "execution_time": round(seconds, 1), "output": "\n".join(summary),
            "stdout_visibility": "hidden", "extra_data": extra, "tests": tests}


def own_peak_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def points_per_question(results_dict: dict) -> dict[str, float]:
    """Question label -> points scored, from a results dict (each test's first tag)."""
    got: dict[str, float] = {}
    for test in results_dict["tests"]:
        question = test["tags"][0]
        got[question] = got.get(question, 0.0) + test["score"]
    return got


def write_results(results_dict: dict, path: Path) -> None:
    """Write ``results.json`` atomically, replacing anything already there."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(results_dict, indent=2))
    os.replace(temporary, path)
