"""Where the kit runs: the Pythons it accepts, and what it says on a system it cannot serve."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest

import coursekit.system as system
from autograder.engine import sandbox
from coursekit.paths import ROOT

SUPPORTED = "sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))"


def test_every_place_that_picks_a_python_accepts_the_same_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.14"
    assert "  - python>=3.11,<3.14\n" in (ROOT / "environment.yml").read_text()
    assert SUPPORTED in (ROOT / "Makefile").read_text()
    assert SUPPORTED in (ROOT / "autograder" / "gradescope" / "setup.sh").read_text()


def test_make_names_the_python_it_found_and_what_to_install(tmp_path):
    old = tmp_path / "python3"  # answers like a Python 3.10 would
    old.write_text('#!/bin/sh\ncase "$2" in *python_version*) echo 3.10.12;; *) exit 1;; esac\n')
    old.chmod(0o755)
    done = subprocess.run(["make", "-s", "python", f"PYTHON={old}"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert f"needs Python 3.11, 3.12 or 3.13; found {old} (Python 3.10.12)" in done.stderr
    assert "Debian 13: python3.13" in done.stderr and "-venv package" in done.stderr
    fine = subprocess.run(["make", "-s", "python", f"PYTHON={sys.executable}"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert fine.returncode == 0, fine.stderr


@pytest.mark.parametrize("platform", ["darwin", "freebsd14"])
def test_other_unix_systems_build_but_do_not_grade(monkeypatch, platform):
    monkeypatch.setattr(system, "PLATFORM", platform)
    for command in ("grade", "calibrate"):
        refuse, text = system.words_for(command)
        assert refuse and "isolated only on Linux" in text and "Gradescope" in text
    refuse, text = system.words_for("release")
    assert not refuse and "grading isolates student code only on Linux" in text
    assert system.words_for("autograder") == (False, "")
    assert system.words_for("export") == (False, "")


def test_linux_runs_every_command_without_a_word(monkeypatch):
    monkeypatch.setattr(system, "PLATFORM", "linux")
    for command in ("data", "release", "autograder", "grade", "export", "calibrate", None):
        assert system.words_for(command) == (False, "")


@pytest.mark.parametrize("argv", [["release"], ["grade", "hw1", "x.ipynb"], ["--help"]])
def test_windows_is_told_about_wsl_before_anything_unix_only_loads(argv):
    program = ("import sys, coursekit.system as s; s.PLATFORM = 'win32'; code = s.main(ARGV); "
               "assert 'autograder.engine.kernel' not in sys.modules; sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", program.replace("ARGV", repr(argv))], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert "not on Windows itself: install WSL 2" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_command_is_found_after_options():
    assert system.command_in(["-h"]) is None
    assert system.command_in(["grade", "hw1"]) == "grade"


def test_a_kernel_without_user_namespaces_is_named_and_grading_can_refuse(
        monkeypatch, tmp_path, capsys):
    said = "bwrap: setting up uid map: Permission denied"
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(sandbox, "_kernel_runs", lambda command, uid: (False, said))
    how = sandbox.isolation.__wrapped__()
    assert how.level == "none" and said in how.why
    assert re.search(r"needs user namespaces.*apparmor_restrict_unprivileged_userns", how.why)

    from coursekit.cli import main

    monkeypatch.setattr(sandbox, "isolation", lambda: how)
    notebook = tmp_path / "hw0.ipynb"
    notebook.write_text("{}")
    out = tmp_path / "results.json"
    assert main(["grade", "hw0", str(notebook), "--out", str(out), "--require-isolation"]) == 2
    err = capsys.readouterr().err
    assert "needs user namespaces" in err and "Grade as root (sudo) to isolate it." in err
    assert "refusing to run student code" in err and not out.exists()
