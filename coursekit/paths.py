"""Where the kit keeps things, relative to the repository root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
ASSIGNMENTS = ROOT / "assignments"
AUTOGRADER = ROOT / "autograder"
DIST = AUTOGRADER / "dist"
DATA = ROOT / "data"
