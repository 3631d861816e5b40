"""Adding an assignment means adding its folders: a copy of HW1 under another name, in a copy of
the kit that holds no other assignment, is released, packaged and graded by the usual commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest
from conftest import HW1, run_like_gradescope
from submissions import strip_hidden

from autograder.engine.assignment import assignment_names
from coursekit.paths import DATA, ROOT

pytestmark = pytest.mark.slow
NEW = "hwnew"
KIT_PARTS = ("autograder", "coursekit", "course_utils", "requirements.txt")
NOT_COPIED = shutil.ignore_patterns("__pycache__", "dist", "corpus", *assignment_names())


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """A copy of the kit's code whose only assignment is ``NEW``: HW1's folders, renamed."""
    root = tmp_path_factory.mktemp("kit")
    for part in KIT_PARTS:
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, root / part, ignore=NOT_COPIED)
        else:
            shutil.copy(ROOT / part, root / part)
    shutil.copytree(ROOT / "autograder" / "hw1", root / "autograder" / NEW, ignore=NOT_COPIED)
    manifest = root / "autograder" / NEW / "manifest.toml"
    manifest.write_text(manifest.read_text().replace('"hw1.ipynb"', f'"{NEW}.ipynb"'))
    source = (ROOT / "solutions" / "hw1" / "hw1.ipynb").read_text()
    (root / "solutions" / NEW).mkdir(parents=True)
    (root / "solutions" / NEW / f"{NEW}.ipynb").write_text(
        source.replace('check_question(\\"hw1\\"', f'check_question(\\"{NEW}\\"'))
    return root


def coursekit(kit, *args: str) -> subprocess.CompletedProcess:
    """Run ``coursekit ARGS`` on the copy (its own code first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(kit), "COURSEKIT_DATA": str(DATA)}
    done = subprocess.run([sys.executable, "-m", "coursekit", *args], cwd=kit, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_the_copy_is_released_packaged_and_graded(kit, tmp_path):
    assert f"{NEW}: released" in coursekit(kit, "release").stdout  # every assignment it has
    release = kit / "assignments" / NEW
    assert sorted(p.name for p in release.iterdir()) == ["course_utils", "data", f"{NEW}.ipynb"]

    coursekit(kit, "autograder", NEW)
    built = kit / "autograder" / "dist" / f"{NEW}.zip"
    names = zipfile.ZipFile(built).namelist()
    assert f"autograder/{NEW}/manifest.toml" in names
    assert not [n for n in names if n.startswith("autograder/hw1/")]

    solved = nbformat.read(kit / "solutions" / NEW / f"{NEW}.ipynb", as_version=4)
    for cell in solved.cells:
        cell.source = strip_hidden(cell.source)
    submission = tmp_path / f"{NEW}.ipynb"
    nbformat.write(solved, submission)
    coursekit(kit, "grade", NEW, str(submission), "--out", str(tmp_path / "results.json"))
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["score"] == 100, [t["output"] for t in results["tests"] if t["output"]]
    assert results["output"].startswith(f"{NEW}: 100 / 100 points.")

    blank = nbformat.read(release / f"{NEW}.ipynb", as_version=4)
    from_zip, _ = run_like_gradescope(built, tmp_path / "gradescope", blank)
    assert from_zip["score"] == 0 and len(from_zip["tests"]) == len(HW1.checks)
