"""Where a student's kernel runs, and what keeps it away from everything else.

Isolation is chosen once per grading process, by trying each level in turn:

- ``"sandbox"``: bubblewrap (``bwrap``) puts the kernel in namespaces of its own: its own
  processes only (PID namespace), no network, a read-only view of the system and the Python
  environment, a private ``/tmp``, and one writable folder, the run's work folder. Nothing else
  of the machine (home folders, the autograder, other runs) is mounted in it.
- ``"user"``: no sandbox (a container that forbids namespaces), but we are root: the kernel runs
  as a user id of its own for this run, in a work folder only that user can enter.
- ``"none"``: neither; the kernel runs as whoever grades. ``coursekit grade`` says so before it
  runs student code, and refuses with ``--require-isolation``.

When we are root, the kernel also runs as a user id of its own in the sandbox, so that process
caps and signals are per run. Run user ids are leased through lock files: two runs at the same
time, from one batch or from two commands, never share one.
"""

from __future__ import annotations

import fcntl
import functools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

RUN_UID_BASE = 1_900_000_000  # above the ranges systems and containers hand out, below 2**31
RUN_SLOTS = 256
PROBE_UID = RUN_UID_BASE - 1  # used only to try the levels, never by a run
LEASES = Path("/run/coursekit")
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
LEVELS = ("sandbox", "user", "none")
TMP_BYTES = 100_000_000  # the sandbox's private /tmp
NO_USER_NAMESPACES = (  # what stops bubblewrap as an ordinary user, on the systems we know
    " (as an ordinary user, bubblewrap needs user namespaces: Ubuntu 23.10 and newer restrict "
    "them with AppArmor, see sysctl kernel.apparmor_restrict_unprivileged_userns; elsewhere "
    "user.max_user_namespaces must be above 0; or grade as root, where bubblewrap needs none)")


class IsolationError(RuntimeError):
    """The isolation asked for cannot be had on this machine."""


@dataclass(frozen=True)
class Isolation:
    """How student code is kept apart here.

    - level: "sandbox", "user" or "none" (see the module docstring)
    - run_users: whether each run gets a user id of its own (we are root)
    - why: what was tried and failed, for the one-line warning
    """

    level: str
    run_users: bool
    why: str = ""

    def summary(self) -> str:
        """One sentence for an instructor."""
        if self.level == "sandbox":
            extra = ", as a user id of its own per run" if self.run_users else ""
            return f"student code runs in a bubblewrap sandbox{extra}."
        because = f" ({self.why})" if self.why else ""
        if self.level == "user":
            return f"student code runs as a user id of its own per run, without a sandbox{because}."
        me = user_name(os.geteuid()) or f"user id {os.geteuid()}"
        return (f"student code runs as {me}, with your permissions: it can read and change "
                f"your files{because}.")


@dataclass(frozen=True)
class RunUser:
    """A user id leased to one grading run (root only)."""

    uid: int
    lease: int  # the open lock file; the lease ends when it is closed

    @property
    def ids(self) -> tuple[int, int]:
        """(uid, gid): a run's group id is its user id."""
        return self.uid, self.uid

    def sweep(self) -> None:
        """End every process of this user id (a kernel may have left some behind)."""
        sweep(self.uid)

    def release(self) -> None:
        self.sweep()
        os.close(self.lease)


def sweep(uid: int) -> None:
    """Kill every process running as ``uid``, from a shell that runs as ``uid`` itself (the
    shell's ``kill -1`` spares only the shell)."""
    subprocess.run(["/bin/sh", "-c", "kill -s KILL -- -1"], user=uid, group=uid,
                   extra_groups=[], cwd="/", check=False, stdin=subprocess.DEVNULL,
                   capture_output=True)


def lease_run_user() -> RunUser | None:
    """A user id no other run holds, or None when we are not root."""
    if os.geteuid() != 0 or not isolation().run_users:
        return None
    LEASES.mkdir(mode=0o700, parents=True, exist_ok=True)
    if LEASES.stat().st_uid != 0:
        raise IsolationError(f"{LEASES} is not owned by root")
    for slot in range(RUN_SLOTS):
        uid = RUN_UID_BASE + slot
        if user_name(uid) is not None:  # someone's account: not ours to lease
            continue
        handle = os.open(LEASES / f"{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue
        sweep(uid)
        return RunUser(uid, handle)
    raise IsolationError(f"all {RUN_SLOTS} run user ids are in use")


def user_name(uid: int) -> str | None:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def bwrap_command(argv: list[str], work: Path, readable: list[Path],
                  uid: int | None = None) -> list[str]:
    """``argv`` inside a sandbox where ``work`` is writable, ``readable`` folders are read-only
    and the system and this Python are visible read-only; nothing else of the machine is.

    With ``uid`` (we are root), bubblewrap makes the namespaces itself and ``argv`` then runs as
    ``uid`` with no capabilities (util-linux's ``setpriv``); without, bubblewrap runs in a user
    namespace of ours. Mount points are made readable to all, so ``uid`` can reach the folders
    bound there even when their folders on the machine are private.
    """
    if uid is None:
        command = ["bwrap", "--unshare-all"]
    else:
        command = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                   "--unshare-cgroup-try"]
        argv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--", *argv]
    command += ["--die-with-parent", "--new-session"]
    for path in SYSTEM_PATHS:
        if os.path.islink(path):
            command += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            command += ["--ro-bind", path, path]
    command += ["--proc", "/proc", "--dev", "/dev"]
    if bwrap_sizes_tmpfs():  # bubblewrap 0.7 and newer: /tmp is memory, so it gets a cap
        command += ["--size", str(TMP_BYTES)]
    command += ["--tmpfs", "/tmp"]
    made = {"/", "/tmp", *SYSTEM_PATHS}
    binds = [("--ro-bind", folder) for folder in [*python_folders(), *map(str, readable)]]
    for kind, folder in [*binds, ("--bind", str(work))]:
        for parent in reversed(Path(folder).parents):
            if str(parent) not in made:
                command += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))
        command += [kind, folder, folder]
    return [*command, "--chdir", str(work), "--", *argv]


@functools.cache
def bwrap_sizes_tmpfs() -> bool:
    usage = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, check=False)
    return "--size" in usage.stdout + usage.stderr


def python_folders() -> list[str]:
    """The folders this Python and its packages live in, outside the system folders."""
    folders = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    folders |= {sys.prefix, os.path.dirname(os.path.realpath(sys.executable))}
    system = tuple(p + "/" for p in SYSTEM_PATHS)
    outside = sorted(f for f in folders if not (f + "/").startswith(system))
    return [f for f in outside if not any(f.startswith(o + "/") for o in outside if o != f)]


# What the isolation check runs: this Python starts and finds the kernel's packages. Importing
# them instead would cost every grading about 0.1 CPU-s more (measured in a sandbox: 0.13 s
# against 0.02 s); a kernel that then cannot start is reported by the judge like any other.
FINDS_KERNEL = ("import importlib.util, sys; missing = [name for name in ('ipykernel', 'zmq') "
                "if importlib.util.find_spec(name) is None]; "
                "sys.exit(f'cannot find {missing}' if missing else 0)")


def _kernel_runs(command: list[str], uid: int | None) -> tuple[bool, str]:
    """Whether ``command`` (a Python that must find the kernel) runs, as ``uid`` if given."""
    ids = {"user": uid, "group": uid, "extra_groups": []} if uid is not None else {}
    try:
        done = subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL, **ids)
    except (OSError, subprocess.SubprocessError) as error:
        return False, str(error)
    return done.returncode == 0, (done.stderr.strip().splitlines() or [""])[-1][:200]


@functools.cache
def isolation() -> Isolation:
    """The strongest isolation that works here (``$COURSEKIT_ISOLATION`` may ask for a level)."""
    wanted = os.environ.get("COURSEKIT_ISOLATION", "")
    if wanted and wanted not in LEVELS:
        raise IsolationError(f"COURSEKIT_ISOLATION must be one of {', '.join(LEVELS)}")
    root = os.geteuid() == 0
    uid = PROBE_UID if root else None
    check = [sys.executable, "-c", FINDS_KERNEL]
    why = []
    if wanted in ("", "sandbox"):
        if shutil.which("bwrap") is None:
            why.append("bubblewrap is not installed")
        else:
            with tempfile.TemporaryDirectory(prefix="coursekit-probe-") as scratch:
                if root:
                    os.chown(scratch, uid, uid)
                works, said = _kernel_runs(bwrap_command(check, Path(scratch), [], uid), None)
            if works:
                return Isolation("sandbox", run_users=root)
            why.append(f"bubblewrap cannot make a sandbox here: {said}"
                       f"{'' if root else NO_USER_NAMESPACES}")
    if wanted in ("", "user") and root:
        works, said = _kernel_runs(check, uid)
        if works:
            return Isolation("user", run_users=True, why="; ".join(why))
        why.append(f"a separate user cannot run {sys.executable}: {said}")
    elif wanted in ("", "user"):
        why.append("only root can run code as another user")
    if wanted not in ("", "none"):
        raise IsolationError(f"isolation level {wanted!r} is not available: {'; '.join(why)}")
    return Isolation("none", run_users=False, why="; ".join(why))
