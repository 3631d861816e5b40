"""Adding an assignment means adding its folders: a copy of HW1 under another name, with a helper
module of its own and a dataset that is a new registry entry, in a copy of the kit that holds no
other assignment, is released, packaged and graded by the usual commands, and no file outside
its folders, the registry and what the commands build changes."""

from __future__ import annotations

import filecmp
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
from toy import copy_of_the_kit

from coursekit.paths import DATA, ROOT

pytestmark = pytest.mark.slow
NEW = "hwnew"
DATASET = "digits"  # the new registry entry: MNIST's idx files, from a folder
HELPER = '''"""The new assignment's own helper, shipped beside its notebook."""

SPLITS = ("train", "test")


def describe(images, labels) -> str:
    """One line on a split: its image array's shape and its number of classes."""
    return f"{images.shape[0]} images of {images.shape[1]} pixels, {len(set(labels))} classes"
'''
CHECKS_USE_THE_HELPER = f'''
from autograder.engine.toolkit import assignment_helper  # noqa: E402

SPLITS = assignment_helper(__file__, "{NEW}_utils").SPLITS
'''
# the folders and files an assignment owns, and what the commands build
OWN = (f"autograder/{NEW}", f"solutions/{NEW}", f"assignments/{NEW}", f"data/{DATASET}",
       f"assignments/dist/{NEW}.zip", "autograder/dist", "data/datasets.json")
NOT_COPIED = shutil.ignore_patterns("__pycache__", "corpus")


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """A copy of the kit's code whose only assignment is ``NEW``: HW1's folders, renamed."""
    root = copy_of_the_kit(tmp_path_factory.mktemp("kit"))
    registry = json.loads((root / "data" / "datasets.json").read_text())
    registry[DATASET] = {**registry["mnist"], "about": "MNIST's files under another name",
                         "source": {"kind": "folder", "folder": str(DATA / "mnist")}}
    (root / "data" / "datasets.json").write_text(json.dumps(registry, indent=2))

    own = root / "autograder" / NEW
    shutil.copytree(ROOT / "autograder" / "hw1", own, ignore=NOT_COPIED)
    manifest = (own / "manifest.toml").read_text().replace('"hw1.ipynb"', f'"{NEW}.ipynb"')
    manifest = manifest.replace('datasets = ["mnist"]', f'datasets = ["{DATASET}"]')
    manifest = manifest.replace("files = []", f'files = ["{NEW}_utils.py"]')
    (own / "manifest.toml").write_text(manifest)
    checks = (own / "checks.py").read_text().replace('load_dataset_uint8("mnist")',
                                                     f'load_dataset_uint8("{DATASET}")')
    (own / "checks.py").write_text(checks + CHECKS_USE_THE_HELPER)

    source = (ROOT / "solutions" / "hw1" / "hw1.ipynb").read_text()
    source = source.replace('check_question(\\"hw1\\"', f'check_question(\\"{NEW}\\"')
    source = source.replace('load_dataset(\\"mnist\\")\\n"', f'load_dataset(\\"{DATASET}\\")\\n",\n'
                            f'    "from {NEW}_utils import describe\\n",\n'
                            '    "print(describe(X_train, y_train))\\n"')
    (root / "solutions" / NEW).mkdir(parents=True)
    (root / "solutions" / NEW / f"{NEW}.ipynb").write_text(source)
    (root / "solutions" / NEW / f"{NEW}_utils.py").write_text(HELPER)
    return root


def coursekit(kit, *args: str) -> subprocess.CompletedProcess:
    """Run ``coursekit ARGS`` on the copy (its own code first on the path)."""
    env = {key: value for key, value in os.environ.items() if key != "COURSEKIT_DATA"}
    env["PYTHONPATH"] = str(kit)
    done = subprocess.run([sys.executable, "-m", "coursekit", *args], cwd=kit, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def files_outside(root, own: tuple[str, ...]) -> list[str]:
    """The files under ``root`` (outside caches) that are not in ``own`` folders or files."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts
                  and not p.relative_to(root).as_posix().startswith(own))


def test_the_copy_is_released_packaged_and_graded(kit, tmp_path):
    assert f"{DATASET}: written from" in coursekit(kit, "data", DATASET).stdout
    assert f"{NEW}: released" in coursekit(kit, "release").stdout  # every assignment it has
    release = kit / "assignments" / NEW
    assert sorted(p.name for p in release.iterdir()) == [
        "course_utils", "data", f"{NEW}.ipynb", f"{NEW}_utils.py"]
    assert sorted(p.name for p in (release / "data").iterdir()) == [DATASET]
    bundle = zipfile.ZipFile(kit / "assignments" / "dist" / f"{NEW}.zip").namelist()
    assert {f"{NEW}.ipynb", f"{NEW}_utils.py", f"data/{DATASET}/train-images-idx3-ubyte.gz",
            "course_utils/__init__.py", "requirements.txt"} <= set(bundle)

    coursekit(kit, "autograder", NEW)
    built = kit / "autograder" / "dist" / f"{NEW}.zip"
    names = zipfile.ZipFile(built).namelist()
    assert f"autograder/{NEW}/manifest.toml" in names
    assert f"solutions/{NEW}/{NEW}_utils.py" in names
    assert f"solutions/{NEW}/{NEW}.ipynb" not in names
    assert f"data/{DATASET}/train-images-idx3-ubyte.gz" in names
    assert not [n for n in names if n.startswith(("autograder/hw1/", "data/mnist/"))]

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

    # nothing of the kit outside the new assignment's folders and the registry had to change
    for name in files_outside(kit, OWN):
        assert filecmp.cmp(kit / name, ROOT / name, shallow=False), name
    registry = json.loads((kit / "data" / "datasets.json").read_text())
    assert registry.pop(DATASET) and registry == json.loads((DATA / "datasets.json").read_text())
