"""Which systems the kit runs on, and what it says on the others.

The kit is built and tested on Linux (Debian 12 and 13, Ubuntu 24.04, Gradescope's images), on
Python 3.11 to 3.13. Grading keeps student code apart with what only Linux has: bubblewrap's
namespaces, a user id per run and memory caps (see docs/isolation.md). So:

- Linux, WSL 2 included: every command.
- macOS and the other Unix systems: ``data``, ``release``, ``autograder`` and ``export`` (without
  a sandbox for LaTeX); ``grade`` and ``calibrate``, which run submissions, refuse and say where
  to grade instead.
- Windows: nothing runs natively (the engine needs Unix's process and resource calls); the kit
  says to use WSL 2, where all of it works.

This module imports nothing of the kit's own, so it can speak before anything Linux-only loads.
"""

from __future__ import annotations

import sys

PLATFORM = sys.platform  # read at each call, so tests can stand in for another system
NAMES = {"darwin": "macOS", "win32": "Windows", "cygwin": "Windows (Cygwin)"}
RUN_SUBMISSIONS = ("grade", "calibrate")

WHERE_TO_GRADE = ("grade on Gradescope with the zips `coursekit autograder` builds, or run "
                  "coursekit on a Linux machine or virtual machine (Debian 12 or 13, Ubuntu "
                  "24.04).")


def system_name() -> str:
    return NAMES.get(PLATFORM, PLATFORM)


def words_for(command: str | None) -> tuple[bool, str]:
    """(refuse, text) for ``command`` on this system: whether to stop before running it, and
    what to tell the instructor ("" when there is nothing to say)."""
    if PLATFORM.startswith("linux"):
        return False, ""
    if PLATFORM in ("win32", "cygwin"):
        return True, ("coursekit runs on Linux, not on Windows itself: install WSL 2 "
                      "(`wsl --install -d Debian`, or Ubuntu) and run `make` there; every "
                      "command, grading included, works in WSL 2.")
    if command in RUN_SUBMISSIONS:
        return True, (f"coursekit {command}: grading runs student code, and the kit keeps it "
                      f"isolated only on Linux (bubblewrap's namespaces, a user id per run, "
                      f"memory caps); this is {system_name()}. Here coursekit data, release, "
                      f"autograder and export work; {WHERE_TO_GRADE}")
    if command == "release":
        return False, (f"coursekit release: note: releases build on {system_name()}, but "
                       f"grading isolates student code only on Linux: {WHERE_TO_GRADE}")
    return False, ""


def command_in(argv: list[str]) -> str | None:
    """The subcommand named in ``argv`` (its first word that is not an option)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    """The ``coursekit`` entry point: say what this system cannot do, then run the command."""
    argv = sys.argv[1:] if argv is None else argv
    refuse, text = words_for(command_in(argv))
    if text:
        print(text, file=sys.stderr)
    if refuse:
        return 2
    from coursekit.cli import main as run_command

    return run_command(argv)
