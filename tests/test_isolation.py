"""Student code cannot reach the grader's files, another run, the network or the judge.

Each test runs twice: as whoever runs the suite (root on CI: kernels get leased user ids) and as
an ordinary user (created by the test when the suite runs as root), the way an instructor grades
on a laptop. What a test needs that the machine cannot give is a skip that says why.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import scores
from in_kernel import TINY
from submissions import write
from toy import CORRECT, toy_kit, toy_notebook

from autograder.engine.judge import RunFolder
from autograder.engine.sandbox import TMP_BYTES, bwrap_sizes_tmpfs
from coursekit.paths import AUTOGRADER, ROOT

PYTHON = str(Path(sys.executable).parent / "python")


@dataclass(frozen=True)
class Person:
    """Someone who grades: a user id and a home folder of their own."""

    name: str
    uid: int
    home: Path

    def run(self, argv: list[str], env: dict[str, str] | None = None, kit: Path = ROOT,
            **kwargs):
        """Run ``argv`` as this person, from ``kit`` (the repository or a copy of its code, first
        on the path), with HOME set to their home."""
        environment = {**os.environ, "HOME": str(self.home), **(env or {})}
        environment["PYTHONPATH"] = f"{kit}{os.pathsep}{ROOT / 'tests'}"
        ids = {}
        if self.uid != os.geteuid():
            ids = {"user": self.uid, "group": self.uid, "extra_groups": []}
        return subprocess.run(argv, cwd=kit, env=environment, capture_output=True, text=True,
                              timeout=600, **ids, **kwargs)

    def coursekit(self, kit: Path, *args: str, env: dict[str, str] | None = None):
        """Run ``coursekit ARGS`` as this person, on the copy of the kit ``kit``."""
        return self.run([PYTHON, "-m", "coursekit", *args], env, kit=kit)

    def isolation(self, env: dict[str, str] | None = None) -> str:
        """The isolation level grading gets when this person runs it (with ``env``)."""
        done = self.run([PYTHON, "-c", "from autograder.engine.sandbox import isolation\n"
                                       "print(isolation().level)"], env)
        return done.stdout.strip() or f"unavailable: {done.stderr.strip().splitlines()[-1]}"

    def folder(self, path: Path) -> Path:
        """``path``, created as a folder only this person can enter."""
        path.mkdir(parents=True, exist_ok=True)
        os.chown(path, self.uid, self.uid)
        path.chmod(0o700)
        return path


def open_folder() -> Path:
    """A new folder in the system's temporary folder that anyone can enter (and so reach)."""
    folder = Path(tempfile.mkdtemp(prefix="ck-test-"))
    folder.chmod(0o755)
    return folder


@pytest.fixture(scope="module")
def homes():
    base = open_folder()
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def grader(homes) -> Person:
    """Whoever runs the suite, with a home folder of the test's."""
    me = Person(pwd.getpwuid(os.geteuid()).pw_name, os.geteuid(), homes / "grader")
    me.folder(me.home)
    return me


@pytest.fixture(scope="module")
def ordinary_user(homes, grader):
    """An ordinary user: ourselves when not root, else one the test creates and removes."""
    if os.geteuid() != 0:
        yield grader
        return
    if shutil.which("useradd") is None:
        pytest.skip("useradd is not installed")
    name = f"ck-test-{uuid.uuid4().hex[:8]}"
    home = homes / name
    subprocess.run(["useradd", "--no-create-home", "--home-dir", str(home), "--shell",
                    "/bin/sh", name], check=True, capture_output=True)
    entry = pwd.getpwnam(name)
    person = Person(name, entry.pw_uid, home)
    person.folder(home)
    try:
        try:
            usable = person.run([PYTHON, "-c", "import autograder.engine.judge"]).returncode == 0
        except PermissionError:
            usable = False
        if not usable:
            pytest.skip(f"this checkout ({ROOT}) cannot be read by other users")
        yield person
    finally:
        subprocess.run(["userdel", name], capture_output=True)


@pytest.fixture(scope="module")
def kit():
    """A copy of the kit, readable by anyone, whose only assignment is the engine tests' toy,
    with cells given time enough to overlap in a batch."""
    folder = toy_kit(open_folder(), cell_seconds=30, budget_seconds=120)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def reachable():
    """A folder any user can write into: only isolation keeps a kernel out of it."""
    folder = open_folder()
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["grader", "ordinary user"])
def who(request) -> Person:
    return request.getfixturevalue("grader" if request.param == "grader" else "ordinary_user")


def sandboxed(person: Person) -> Person:
    level = person.isolation()
    if level != "sandbox":
        pytest.skip(f"no sandbox for {person.name} here ({level})")
    return person


def in_kernel(person: Person, code: str) -> str:
    """What ``code`` printed in a kernel isolated as grading isolates it, run by ``person``."""
    done = person.run([PYTHON, str(ROOT / "tests" / "in_kernel.py")], input=code)
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout)
    assert outcome["status"] == "ok", outcome
    return outcome["output_tail"]


# -- what one kernel can see and do ------------------------------------------------------------

def test_the_kernel_sees_only_its_own_processes(who):
    said = in_kernel(sandboxed(who), (
        "import os\n"
        "pids = [p for p in os.listdir('/proc') if p.isdigit()]\n"
        "lines = [open(f'/proc/{p}/cmdline', 'rb').read() for p in pids]\n"
        "print(len(pids), any(b'pytest' in line for line in lines))\n"))
    count, sees_pytest = said.split()
    assert int(count) <= 3 and sees_pytest == "False"


def test_the_kernel_cannot_reach_the_network(who):
    person = sandboxed(who)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        said = in_kernel(person, (
            "import socket\n"
            "try:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
            "    print('connected')\n"
            "except OSError as error:\n"
            "    print('failed', type(error).__name__)\n"))
        listener.settimeout(0.5)
        with pytest.raises(TimeoutError):
            listener.accept()
    assert said.startswith("failed")


def test_the_kernel_writes_nowhere_but_its_work_folder(who, reachable):
    person = sandboxed(who)
    token = uuid.uuid4().hex
    targets = [reachable / token, person.home / token, Path(sys.prefix) / token,
               Path("/tmp") / token]
    said = in_kernel(person, (
        "import os\n"
        f"for path in {[str(t) for t in targets]!r}:\n"
        "    try:\n"
        "        open(path, 'w').write('planted')\n"
        "        print('wrote', path)\n"
        "    except OSError as error:\n"
        "        print('refused', path, type(error).__name__)\n"
        "open('here.txt', 'w').write('fine')\n"
        "print('work folder ok')\n"))
    assert not [t for t in targets if t.exists()]
    assert "work folder ok" in said
    assert said.count("wrote") <= 1  # its own private /tmp only, which vanishes with it


def test_the_kernel_sees_no_home_no_autograder_and_no_other_run(who, reachable):
    person = sandboxed(who)
    decoy = reachable / "readable-by-anyone.txt"
    decoy.write_text("decoy")
    decoy.chmod(0o644)
    (person.home / "notes.txt").write_text("private")
    other_run = RunFolder(TINY, None)
    other_run.root.chmod(0o755)
    other_run.work.chmod(0o777)
    hidden = [decoy, person.home / "notes.txt", AUTOGRADER / "engine" / "checks.py",
              other_run.work]
    try:
        said = in_kernel(person, (
            "import os\n"
            f"for path in {[str(h) for h in hidden]!r}:\n"
            "    print(path, os.path.exists(path))\n"))
    finally:
        other_run.remove()
    assert [line.split()[-1] for line in said.splitlines()] == ["False"] * len(hidden)


# -- whole grading runs ------------------------------------------------------------------------

@pytest.mark.slow
def test_a_submission_cannot_read_or_write_the_graders_home(who, kit):
    person = who
    if person.isolation() == "none":
        pytest.skip(f"student code cannot be isolated from {person.name} here")
    secret = person.home / "secret.txt"
    secret.write_text("the instructor's secret: 5c1e")
    os.chown(secret, person.uid, person.uid)
    secret.chmod(0o600)
    planted = person.home / "planted.txt"
    notebook = toy_notebook(
        f"try:\n    print(open({str(secret)!r}).read())\nexcept OSError as error:\n"
        f"    print(error)\ntry:\n    open({str(planted)!r}, 'w').write('x')\n"
        "except OSError as error:\n    print(error)\n",
        CORRECT[0], f"def add(a, b):\n    raise Exception(open({str(secret)!r}).read())",
        CORRECT[2])
    work = person.folder(person.home / f"work-{uuid.uuid4().hex[:8]}")
    submission = write(notebook, work / "toy.ipynb")
    os.chown(submission, person.uid, person.uid)
    done = person.coursekit(kit, "grade", "toy", str(submission), "--out",
                            str(work / "results.json"))
    assert done.returncode == 0, done.stderr[-2000:]
    results = (work / "results.json").read_text()
    assert "5c1e" not in results and not planted.exists()
    assert scores(json.loads(results)) == {"Q1": 0, "Q2": 1}


HOSTILE_NEIGHBOUR = """\
import glob, os, signal, time
started = time.monotonic()
while time.monotonic() - started < 20:
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    for work in glob.glob('/tmp/coursekit-*/work') + glob.glob('/tmp/*/coursekit-*/work'):
        try:
            with open(os.path.join(work, 'numpy.py'), 'w') as planted:
                planted.write('raise SystemExit("planted by a neighbour")')
        except OSError:
            pass
    time.sleep(0.05)
"""
HONEST_AND_SLOW = "import time\ntime.sleep(5)  # while the neighbour is at work"


@pytest.mark.slow
@pytest.mark.parametrize("level", ["strongest", "user"])
def test_a_hostile_neighbour_in_a_batch_costs_the_honest_nothing(who, level, kit):
    person = who
    env = {"COURSEKIT_ISOLATION": "user"} if level == "user" else {}
    got = person.isolation(env)
    if got not in ("sandbox", "user"):
        pytest.skip(f"student code cannot be isolated from {person.name} here ({got})")
    work = person.folder(person.home / f"work-{uuid.uuid4().hex[:8]}")
    folder = person.folder(work / "submissions")
    # Four runs side by side (four workers): the honest ones import numpy and are checked while
    # the neighbour kills what it can and plants a numpy.py in every work folder it finds.
    for name in ("honest-1", "honest-2", "honest-3"):
        write(toy_notebook(HONEST_AND_SLOW, *CORRECT), folder / f"{name}.ipynb")
    write(toy_notebook(HOSTILE_NEIGHBOUR, *CORRECT), folder / "hostile.ipynb")
    for path in folder.iterdir():
        os.chown(path, person.uid, person.uid)
    out = work / "out"
    done = person.coursekit(kit, "grade", "toy", str(folder), "--out", str(out),
                            "--workers", "4", env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {row["submission"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == ["honest-1.ipynb", "honest-2.ipynb", "honest-3.ipynb",
                            "hostile.ipynb"]
    for name in ("honest-1", "honest-2", "honest-3"):
        assert rows[f"{name}.ipynb"]["score"] == "3", (out / name / "results.json").read_text()
    assert (out / "hostile" / "results.json").is_file()


def test_without_isolation_grading_says_so_and_can_refuse(grader, kit, tmp_path):
    notebook = write("{not a notebook", tmp_path / "toy.ipynb")
    out = tmp_path / "results.json"
    command = ["grade", "toy", str(notebook), "--out", str(out)]
    unisolated = {"COURSEKIT_ISOLATION": "none"}
    refused = grader.coursekit(kit, *command, "--require-isolation", env=unisolated)
    assert refused.returncode == 2 and "refusing to run student code" in refused.stderr
    assert not out.exists()
    warned = grader.coursekit(kit, *command, env=unisolated)
    assert warned.returncode == 0 and out.exists()
    assert warned.stderr.count("can read and change your files") == 1
    isolated = grader.coursekit(kit, *command, "--require-isolation")
    if grader.isolation() != "none":
        assert isolated.returncode == 0 and "warning" not in isolated.stderr


def test_the_kernels_private_tmp_is_capped(grader):
    if not bwrap_sizes_tmpfs():
        pytest.skip("this bubblewrap cannot cap a tmpfs (--size came in 0.7)")
    said = in_kernel(sandboxed(grader), (
        "import os\n"
        "written = 0\n"
        "try:\n"
        "    for i in range(40):\n"
        "        with open(f'/tmp/fill-{i}', 'wb') as fill:\n"
        "            fill.write(bytes(10**7))\n"
        "        written += 10**7\n"
        "except OSError as error:\n"
        "    print(type(error).__name__)\n"
        "print(written)\n"))
    assert int(said.split()[-1]) <= TMP_BYTES
