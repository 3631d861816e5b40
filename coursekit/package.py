"""`coursekit autograder`: the Gradescope zip for one assignment.

The zip holds the Gradescope settings to choose (GRADESCOPE.txt), the setup and run scripts,
pinned requirements (the packages the grader and the
notebook import, with their dependencies, at the versions of requirements.txt), the engine, the
assignment's folder (manifest, hidden checks, reference) and what its manifest places beside the
notebook (helper packages, fixtures, datasets). Entries are sorted and
time-stamped 1980-01-01 so the same sources give the same bytes.
"""

from __future__ import annotations

import re
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from autograder.engine.assignment import ENGINE_FOLDERS, Assignment
from coursekit.paths import AUTOGRADER, DIST, ROOT

# What the grader itself imports; each assignment adds what its notebook imports.
ENGINE_PACKAGES = ("numpy", "ipykernel", "jupyter_client", "packaging")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SETTINGS_FILE = "GRADESCOPE.txt"  # the container settings to choose, stated in the zip


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(lock: Path = ROOT / "requirements.txt") -> dict[str, str]:
    """Package name -> pinned version, from the lock file."""
    pins = {}
    for line in lock.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[canonical(name)] = version.strip()
    return pins


def runtime_requirements(assignment: Assignment) -> list[str]:
    """``name==version`` for what grading ``assignment`` imports and everything that needs,
    pinned by the lock."""
    pins = locked_versions()
    todo = [canonical(p) for p in (*ENGINE_PACKAGES, *assignment.runtime_packages)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonical(requirement.name))
    missing = sorted(seen - pins.keys())
    if missing:
        raise RuntimeError(f"requirements.txt does not pin {missing}")
    return [f"{name}=={pins[name]}" for name in sorted(seen)]


def source_files(assignment: Assignment) -> list[tuple[Path, str]]:
    """(file on disk, path in the zip) for everything grading needs: the engine, the
    assignment's folder and what sits beside its notebook, laid out as in the repository (the
    datasets as data/<dataset>/), so the judge finds each file where it does at home."""
    files = [(AUTOGRADER / "__init__.py", "autograder/__init__.py")]
    for folder in (*ENGINE_FOLDERS, assignment.name):
        for path in sorted((AUTOGRADER / folder).iterdir()):
            if path.is_file() and path.suffix in (".py", ".json", ".toml"):
                files.append((path, f"autograder/{folder}/{path.name}"))
    for path, beside in assignment.beside_notebook():
        files.append((path, path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT)
                      else beside))
    return files


def settings_text(assignment: Assignment) -> str:
    """The Gradescope settings the zip's GRADESCOPE.txt states for ``assignment``."""
    lines = [f"Gradescope autograder settings for {assignment.name}", ""]
    lines += [f"- {line}" for line in assignment.gradescope.statement(assignment.limits)]
    return "\n".join(lines) + "\n"


def add(archive: zipfile.ZipFile, arcname: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(arcname, ZIP_TIME)
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build_autograder(assignment: Assignment, dist: Path = DIST) -> Path:
    """Write ``dist/<name>.zip`` and return its path."""
    name = assignment.name
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / f"{name}.zip"
    temporary = target.with_suffix(".zip.tmp")
    scripts = AUTOGRADER / "gradescope"
    with zipfile.ZipFile(temporary, "w") as archive:
        add(archive, "setup.sh", (scripts / "setup.sh").read_bytes(), executable=True)
        run = (scripts / "run_autograder").read_text().replace("@ASSIGNMENT@", name)
        add(archive, "run_autograder", run.encode(), executable=True)
        requirements = "\n".join(runtime_requirements(assignment)) + "\n"
        add(archive, "requirements.txt", requirements.encode())
        add(archive, SETTINGS_FILE, settings_text(assignment).encode())
        for path, arcname in source_files(assignment):
            add(archive, arcname, path.read_bytes())
    temporary.replace(target)
    return target
