"""The student's process: an IPython kernel the judge drives but never trusts.

The kernel runs isolated as :mod:`sandbox` decides (a bubblewrap sandbox, else a user id of its
own, else as we are), with its own working folder, a memory cap (``RLIMIT_DATA``: the private
memory it can allocate, which bounds what it can keep resident), a file-size cap, a process cap
when it has a user id of its own, no core dumps and single-threaded BLAS. The judge talks to it
over Unix sockets in its work folder (the sandbox has no network). Every request has a deadline:
a cell that runs past it is interrupted, and a kernel that ignores the interrupt is killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

# One thread for the numeric libraries (ONE_THREAD): a student's kernel fits the half CPU
# Gradescope gives it, and kernels graded side by side do not fight over the cores.
from autograder.engine import ONE_THREAD
from autograder.engine.sandbox import RunUser, bwrap_command, isolation

_LIBC = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1
OUTPUT_TAIL_CHARS = 2_000
INTERRUPT_GRACE_S = 5.0
START_TIMEOUT_S = 60.0
# Packages the student's kernel goes without, though the grader's own Python may have them. A
# notebook that imports one gets "No module named ...".
# - debugpy: ipykernel's debugger, which grading never uses; importing it costs every kernel
#   start about 0.05 s.
# - pandas: neither the student's environment nor Gradescope's has it, but a grader that
#   installed the kit does; Keras imports it when it is there (31 MB more, and 0.26 s, in HW3's
#   kernel).
WITHOUT_PACKAGES = ("debugpy", "pandas")
# Python code that puts those packages out of reach of the process that runs it.
PUTS_PACKAGES_AWAY = f"""\
import sys


class WithoutPackages:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {WITHOUT_PACKAGES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)


sys.meta_path.insert(0, WithoutPackages())
"""
# The kernel's program: ipykernel's launcher, with those packages out of reach.
KERNEL_MAIN = PUTS_PACKAGES_AWAY + """\
if sys.path[0] == "":  # the working folder comes back with IPython, as for any kernel
    del sys.path[0]
from ipykernel import kernelapp

kernelapp.launch_new_instance()
"""

MATPLOTLIB_FOLDER = ".matplotlib"  # the kernel's MPLCONFIGDIR, in its work folder


@functools.cache
def font_lists() -> list[Path]:
    """The font list matplotlib makes on its first import, made for the kernels once per machine
    and kept in the grader's cache (``~/.cache/coursekit/``); [] where it cannot be made.

    A kernel whose config folder has none builds it, which costs every grading that imports
    pyplot about 0.15 CPU-s. It is made by a process of the grader's (no student code ever
    writes it) that sees the fonts a kernel sees: the system's and matplotlib's, with an empty
    home folder.
    """
    try:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "coursekit"
        folder = cache / f"matplotlib-{metadata.version('matplotlib')}"
        if not folder.is_dir():
            cache.mkdir(parents=True, exist_ok=True)
            fresh = Path(tempfile.mkdtemp(dir=cache))
            env = {"PATH": os.environ.get("PATH", ""), "HOME": str(fresh),
                   "MPLCONFIGDIR": str(fresh), "MPLBACKEND": "agg"}
            try:
                subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                               env=env, cwd=fresh, capture_output=True, timeout=120, check=True)
                with contextlib.suppress(OSError):  # another grading made it first
                    fresh.rename(folder)
            finally:
                shutil.rmtree(fresh, ignore_errors=True)
        return sorted(folder.glob("fontlist-*.json"))
    except (OSError, RuntimeError, subprocess.SubprocessError, metadata.PackageNotFoundError):
        return []


def place_font_lists(config: Path) -> None:
    """Make ``config``, a kernel's matplotlib config folder, holding :func:`font_lists`."""
    config.mkdir()
    for font_list in font_lists():
        shutil.copyfile(font_list, config / font_list.name)


@dataclass(frozen=True)
class Limits:
    """Resource limits for one student kernel."""

    memory_bytes: int = 1_000_000_000  # private writable memory (RLIMIT_DATA), not address space
    file_bytes: int = 200_000_000
    processes: int = 512
    cell_seconds: float = 60.0
    call_seconds: float = 30.0
    budget_seconds: float = 480.0  # the whole run, inside Gradescope's 10 minutes


@dataclass
class Outcome:
    """What one execute request did.

    status: "ok", "error" (the code raised), "timeout" (stopped at the deadline) or "died"
    (the kernel process ended, e.g. ``os._exit`` or a crash).
    """

    status: str
    error: str = ""
    output_tail: str = ""
    seconds: float = 0.0


@dataclass
class _Output:
    text: list[str] = field(default_factory=list)
    size: int = 0

    def add(self, chunk: str) -> None:
        self.text.append(chunk)
        self.size += len(chunk)
        while self.size > 2 * OUTPUT_TAIL_CHARS and len(self.text) > 1:
            self.size -= len(self.text.pop(0))

    def tail(self) -> str:
        return "".join(self.text)[-OUTPUT_TAIL_CHARS:]


class StudentKernel:
    """One IPython kernel running student code in ``workdir``.

    - workdir: the kernel's working folder, the only one it can write
    - control: a folder the judge owns and the kernel may read (its connection file goes there)
    - user: the user id leased to this run, or None to run as ourselves
    """

    def __init__(self, workdir: Path, control: Path, limits: Limits, user: RunUser | None = None,
                 env: dict[str, str] | None = None):
        self.workdir = Path(workdir)
        self.control = Path(control)
        self.limits = limits
        self.user = user
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None
        self.client: BlockingKernelClient | None = None
        self.peak_mb = 0.0  # the kernel's processes' summed peak memory, read when it ends
        self.ended_cpu = 0.0  # the CPU seconds its processes had used when it ended
        self.pids: set[int] = set()  # its processes, once read (see cpu_seconds)

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Launch the kernel and wait until it answers."""
        stamp = time.monotonic_ns()
        connection = self.control / f"kernel-{stamp}.json"
        write_connection_file(str(connection), transport="ipc",
                              ip=str(self.workdir / f".kernel-{stamp}"))
        if self.user:
            os.chown(connection, *self.user.ids)
        command = [sys.executable, "-c", KERNEL_MAIN, "-f", str(connection),
                   "--HistoryManager.enabled=False", "--Application.log_level=CRITICAL"]
        switch = {}  # the user id is switched inside the sandbox, or here when there is none
        if isolation().level == "sandbox":
            command = bwrap_command(command, self.workdir, [self.control],
                                    self.user.uid if self.user else None)
        elif self.user:
            switch = {"user": self.user.uid, "group": self.user.uid, "extra_groups": []}
        self.process = subprocess.Popen(
            command, cwd=self.workdir, env=self._environment(), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=self._apply_limits, **switch)
        self.client = BlockingKernelClient(connection_file=str(connection))
        self.client.load_connection_file()
        self.client.start_channels()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the student kernel exited while starting")
            try:
                self.client.wait_for_ready(timeout=1.0)
                return
            except RuntimeError:
                continue
        raise RuntimeError(f"the student kernel did not start within {START_TIMEOUT_S:.0f} s")

    def cpu_seconds(self) -> float:
        """The CPU seconds the kernel's processes have used so far (all of it, once ended).
        Its processes are found once, on the first reading after it started: processes that
        student code starts later count once they end and are waited for."""
        if self.process is None:
            return self.ended_cpu
        if not self.pids:
            self.pids = process_tree(self.process.pid)
        return cpu_seconds_of(self.pids)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """End the kernel and everything it started."""
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        if self.process is not None:
            self.peak_mb = max(self.peak_mb, tree_peak_mb(self.process.pid))
            self.ended_cpu = self.cpu_seconds()
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            self.process = None
        if self.user is not None:
            self.user.sweep()

    def __enter__(self) -> StudentKernel:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.kill()

    # -- running code -----------------------------------------------------------------------
    def execute(self, code: str, timeout: float) -> Outcome:
        """Run ``code`` in the kernel, stopping it at ``timeout`` seconds."""
        def send(client: BlockingKernelClient) -> str:
            return client.execute(code, store_history=True, allow_stdin=False,
                                  stop_on_error=False)
        return self._run(send, timeout)

    def request(self, msg_type: str, content: dict, timeout: float) -> Outcome:
        """Send the kernel a shell message of ``msg_type``, a type that code run in it earlier
        registered a handler for, and wait for it as :meth:`execute` waits for code. It skips
        IPython's cell machinery (history, input transforms, the display hook): about 1 ms of
        the kernel's CPU less than an execute request, and one message less."""
        def send(client: BlockingKernelClient) -> str:
            message = client.session.msg(msg_type, content)
            client.shell_channel.send(message)
            return message["header"]["msg_id"]
        return self._run(send, timeout)

    def _run(self, send, timeout: float) -> Outcome:
        """Send one request (``send(client)`` returns its message id), stopping it at
        ``timeout`` seconds."""
        if not self.alive():
            return Outcome("died", "the kernel is not running")
        assert self.client is not None
        started = time.monotonic()
        msg_id = send(self.client)
        output = _Output()
        outcome = self._wait_idle(msg_id, started + timeout, output)
        if outcome is None:
            self._interrupt()
            outcome = self._wait_idle(msg_id, time.monotonic() + INTERRUPT_GRACE_S, output)
            if outcome is None or outcome.status != "died":
                if outcome is None:
                    self.kill()
                outcome = Outcome("timeout", f"stopped after {timeout:.0f} s")
        outcome.output_tail = output.tail()
        outcome.seconds = time.monotonic() - started
        return outcome

    def _wait_idle(self, msg_id: str, deadline: float, output: _Output) -> Outcome | None:
        """Read messages until the request is done; None if the deadline passes first."""
        assert self.client is not None
        error = ""
        while time.monotonic() < deadline:
            if not self.alive():
                return Outcome("died", "the kernel process ended")
            try:
                msg = self.client.get_iopub_msg(timeout=min(0.2, deadline - time.monotonic()))
            except (queue.Empty, ValueError):
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                output.add(content.get("text", ""))
            elif kind == "error":
                error = f"{content.get('ename', '')}: {content.get('evalue', '')}"[:600]
            elif kind == "status" and content.get("execution_state") == "idle":
                return Outcome("error" if error else "ok", error)
        return None

    def _interrupt(self) -> None:
        """Ask the kernel to raise KeyboardInterrupt (a control message: in a sandbox, the
        kernel's process is not ours to signal)."""
        if self.alive() and self.client is not None:
            self.client.control_channel.send(self.client.session.msg("interrupt_request", {}))

    # -- process set-up ---------------------------------------------------------------------
    def _environment(self) -> dict[str, str]:
        keep = ("PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update({
            "HOME": str(self.workdir),
            "MPLBACKEND": "agg",
            "MPLCONFIGDIR": str(self.workdir / MATPLOTLIB_FOLDER),
            "IPYTHONDIR": str(self.workdir / ".ipython"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            **ONE_THREAD,
            "TF_CPP_MIN_LOG_LEVEL": "2",
        })
        env.update(self.extra_env)
        return env

    def _apply_limits(self) -> None:
        """Runs in the child (after the user switch, if any) before it starts the kernel."""
        limits = self.limits
        resource.setrlimit(resource.RLIMIT_DATA, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # a judge that dies takes its kernel along
        if self.user:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))


def process_tree(root: int) -> set[int]:
    """Process ``root`` and all its descendants that /proc shows now."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return tree


def tree_peak_mb(root: int) -> float:
    """The peak resident memory (``VmHWM``) of process ``root`` and all its descendants, summed,
    in MB; what /proc does not show (a process that just ended, one of another user's that
    cannot be read) counts as 0."""
    total_kb = 0
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines()
                          if line.startswith("VmHWM:")), 0)
    return total_kb / 1024


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds_of(pids: set[int]) -> float:
    """The CPU time (user and system) that processes ``pids`` have used, including their
    children that ended; what /proc does not show counts as 0."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / CLOCK_TICKS
