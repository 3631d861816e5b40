"""What every stage needs to know about one assignment: its manifest and its checks.

An assignment is a folder ``autograder/<name>/`` holding

- ``manifest.toml``: the notebook, questions and points, what sits beside the notebook (helper
  packages, fixtures, datasets), the runtime packages and the limits. Release, Gradescope zip,
  judge, CLI and tests all read it through :func:`load_assignment`.
- ``checks.py``: the hidden checks (``CHECKS``), and optionally ``ROWS`` (datasets the kernel may
  read by rows), ``KERNEL_MODULES`` (judge-owned modules shipped read-only into the kernel) and
  ``CALIBRATION``.

plus its source notebook and fixtures in ``solutions/<name>/``. Adding an assignment means adding
those folders; the engine does not change.
"""

from __future__ import annotations

import ctypes
import dataclasses
import gc
import importlib
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.engine.checks import Check, Student
from autograder.engine.kernel import Limits
from course_utils import find_data_dir

AUTOGRADER = Path(__file__).resolve().parents[1]
KIT = AUTOGRADER.parent  # the repository root; /autograder/source inside the Gradescope zip
ENGINE_FOLDERS = ("engine", "gradescope")  # the rest of autograder/ is one folder per assignment
MANIFEST = "manifest.toml"
IGNORED = ("__pycache__", ".ipynb_checkpoints")  # never copied beside a notebook


@dataclass(frozen=True)
class Calibration:
    """How ``coursekit calibrate`` sets an accuracy threshold.

    - train: (student, seed) -> test accuracy of the full training run from that seed
    - report: the committed calibration.json (a calibration.md report is written beside it)
    - floor: the lowest threshold the course allows
    - margin: how far below the worst correct run the threshold sits
    """

    train: Callable[[Student, int], float]
    report: Path
    floor: float
    margin: float


JUDGE_MEMORY_BYTES = 300_000_000  # the judge, the sandbox and the kernel's shared libraries


@dataclass(frozen=True)
class Gradescope:
    """The autograder settings an instructor chooses on Gradescope for this assignment.

    - memory_mb: the container's memory; it must hold the kernel's cap and the judge
    - cpus: the container's CPUs (Gradescope's default is half a CPU)
    """

    memory_mb: int = 768
    cpus: float = 0.5

    def statement(self, limits: Limits) -> list[str]:
        """What the zip's GRADESCOPE.txt tells an instructor, one line per setting."""
        return [f"Memory: choose at least {self.memory_mb:,} MB. The student's kernel may use up "
                f"to {limits.memory_bytes / 1e6:,.0f} MB of private memory (its cap); the judge "
                "and the kernel's shared libraries need the rest.",
                f"CPU: {self.cpus:g} is enough.",
                f"Timeout: Gradescope's 10 minutes; grading stops itself after "
                f"{limits.budget_seconds:.0f} s and writes results.json."]


@dataclass(frozen=True)
class Assignment:
    """One assignment's grading contract.

    From the manifest:

    - name: the folder name, e.g. "hw1"
    - notebook: the notebook's file name, in solutions/<name>/ and in the release, e.g. "hw1.ipynb"
    - questions: question label -> points, in the order students see them
    - helpers: the kit's student packages placed beside the notebook, e.g. "course_utils"
    - files: fixtures from solutions/<name>/ placed beside the notebook, e.g. "toy_net.npz"
    - datasets: provisioned datasets placed beside the notebook as data/<dataset>/, e.g. "mnist"
    - kernel_env: environment for the student's kernel (e.g. a smaller data subset)
    - runtime_packages: what the notebook imports while it is graded, beyond what the engine
      needs (these and their dependencies go into the Gradescope zip, pinned)
    - limits: time and memory limits of the student's kernel
    - gradescope: the container settings to choose on Gradescope

    From checks.py:

    - checks: every graded test; their points add up to each question's points
    - rows: dataset arrays the kernel may read by rows (see ``probe.Rows``), loaded lazily
    - kernel_modules: judge-owned modules whose functions checks pass to student functions
      (``probe.KernelFunction``); read-only for the kernel
    - calibration: how ``coursekit calibrate`` sets the accuracy threshold, if there is one
    """

    name: str
    notebook: str
    questions: dict[str, float]
    checks: list[Check]
    helpers: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    rows: dict[str, Callable[[], np.ndarray]] = field(default_factory=dict)
    kernel_modules: tuple[Path, ...] = ()
    kernel_env: dict[str, str] = field(default_factory=dict)
    runtime_packages: tuple[str, ...] = ()
    limits: Limits = Limits()
    gradescope: Gradescope = Gradescope()
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        for question, points in self.questions.items():
            total = sum(c.points for c in self.checks if c.question == question)
            if abs(total - points) > 1e-9:
                raise ValueError(f"{self.name} {question}: checks add up to {total}, not {points}")
        for check in self.checks:
            if not check.name.startswith(check.question + " "):
                raise ValueError(f"check name {check.name!r} must start with {check.question}")

    @property
    def max_score(self) -> float:
        return sum(self.questions.values())

    @property
    def folder(self) -> Path:
        """``autograder/<name>/``: manifest, checks, reference, corpus, calibration."""
        return AUTOGRADER / self.name

    @property
    def source_dir(self) -> Path:
        """``solutions/<name>/``: the source notebook, its helpers and fixtures."""
        return KIT / "solutions" / self.name

    @property
    def source_notebook(self) -> Path:
        return self.source_dir / self.notebook

    @property
    def release_dir(self) -> Path:
        """``assignments/<name>/``: what students get, made by ``coursekit release``."""
        return KIT / "assignments" / self.name

    @property
    def release_notebook(self) -> Path:
        return self.release_dir / self.notebook

    @property
    def helper_modules(self) -> tuple[str, ...]:
        """The module names of the Python files among ``files``, e.g. ("hw0_utils",)."""
        return tuple(Path(name).stem for name in self.files if name.endswith(".py"))

    def beside_notebook(self, source_dir: Path | None = None) -> list[tuple[Path, str]]:
        """(file on disk, its path relative to the notebook's folder) for every file that sits
        beside the notebook: the same for the release, the judge's work folder and the zip.
        ``files`` come from ``source_dir`` (by default solutions/<name>/ of the kit)."""
        source_dir = source_dir or self.source_dir
        placed = []
        for helper in self.helpers:
            placed += [(path, path.relative_to(KIT).as_posix()) for path in walk(KIT / helper)]
        for name in self.files:
            path = source_dir / name
            if not path.is_file():
                raise FileNotFoundError(f"{path} is named in autograder/{self.name}/{MANIFEST} "
                                        "(files) but does not exist.")
            placed.append((path, name))
        for dataset in self.datasets:
            folder = find_data_dir(dataset)
            placed += [(path, f"data/{dataset}/{path.relative_to(folder).as_posix()}")
                       for path in walk(folder)]
        return placed

    def place_beside_notebook(self, folder: Path, source_dir: Path | None = None) -> None:
        """Copy :meth:`beside_notebook` into ``folder``."""
        for source, name in self.beside_notebook(source_dir):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, folder / name)

    def corpus(self, kind: str) -> list[Path]:
        """The corpus files of one kind, "correct" (variants that must get full marks) or
        "mutants" (typical bugs), in ``autograder/<name>/corpus/<kind>/``."""
        return sorted((self.folder / "corpus" / kind).glob("*.py"))

    def write_kernel_side(self, folder: Path) -> None:
        """Put in ``folder`` what the kernel may read there: each dataset of ``rows`` as
        ``<name>.npy`` and each of ``kernel_modules``."""
        for name, load in self.rows.items():
            np.save(folder / f"{name}.npy", load())
        for module in self.kernel_modules:
            shutil.copy(module, folder / module.name)
        give_back_freed_memory()  # the judge stays small while the kernel trains


def give_back_freed_memory() -> None:
    """Return the heap memory Python has freed to the operating system (glibc keeps large
    freed blocks otherwise: loading a dataset would stay in the judge's resident size)."""
    gc.collect()
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim(0)


def walk(folder: Path) -> list[Path]:
    """The files under ``folder``, sorted, without caches and checkpoints."""
    return sorted(path for path in folder.rglob("*") if path.is_file()
                  and not any(part in IGNORED for part in path.relative_to(folder).parts))


def assignment_names() -> list[str]:
    """Every assignment the kit has: each folder ``autograder/<name>/`` with a manifest."""
    return sorted(path.parent.name for path in AUTOGRADER.glob(f"*/{MANIFEST}")
                  if path.parent.name not in ENGINE_FOLDERS)


class ManifestError(ValueError):
    """An assignment that does not exist, or a manifest that cannot be read; the message names
    the file and the field."""


MANIFEST_KEYS = {"notebook": str, "questions": dict, "helpers": list,
                 "files": list, "datasets": list, "runtime_packages": list, "kernel_env": dict,
                 "limits": dict, "gradescope": dict}
TABLES = {"limits": Limits, "gradescope": Gradescope}  # manifest tables read as dataclasses
REQUIRED_KEYS = ("notebook", "questions")


def read_manifest(path: Path) -> dict:
    """The manifest's fields as :class:`Assignment` arguments; ManifestError naming the file and
    the field for anything missing, misspelt or of the wrong type."""
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"{path}: not valid TOML ({error})") from None
    for key, value in raw.items():
        if key not in MANIFEST_KEYS:
            raise ManifestError(f"{path}: unknown field {key!r}; known: {sorted(MANIFEST_KEYS)}")
        if not isinstance(value, MANIFEST_KEYS[key]):
            raise ManifestError(f"{path}: {key} should be a {MANIFEST_KEYS[key].__name__}")
    for key in REQUIRED_KEYS:
        if key not in raw:
            raise ManifestError(f"{path}: the field {key!r} is required")
    tables = {}
    for table, kind in TABLES.items():
        names = {f.name for f in dataclasses.fields(kind)}
        unknown = set(raw.get(table, {})) - names
        if unknown:
            raise ManifestError(f"{path}: unknown {table} {sorted(unknown)}; "
                                f"known: {sorted(names)}")
        tables[table] = kind(**raw.get(table, {}))
    needed = tables["limits"].memory_bytes + JUDGE_MEMORY_BYTES
    if tables["gradescope"].memory_mb * 2**20 < needed:
        raise ManifestError(f"{path}: gradescope.memory_mb ({tables['gradescope'].memory_mb}) "
                            f"must hold limits.memory_bytes and the judge: at least "
                            f"{needed / 2**20:,.0f} MB")
    fields = {key: tuple(value) if isinstance(value, list) else value
              for key, value in raw.items() if key not in TABLES}
    fields["questions"] = {label: float(points) for label, points in raw["questions"].items()}
    fields["kernel_env"] = {k: str(v) for k, v in raw.get("kernel_env", {}).items()}
    return {**fields, **tables}


def load_assignment(name: str) -> Assignment:
    """The assignment of ``autograder/<name>/``: its manifest with the checks of its checks.py."""
    manifest = AUTOGRADER / name / MANIFEST
    if name in ENGINE_FOLDERS or not manifest.is_file():
        raise ManifestError(f"unknown assignment {name!r}: there is no "
                            f"autograder/{name}/{MANIFEST} (the kit has: "
                            f"{', '.join(assignment_names())})")
    module = importlib.import_module(f"autograder.{name}.checks")
    return Assignment(name=name, checks=module.CHECKS, rows=getattr(module, "ROWS", {}),
                      kernel_modules=tuple(getattr(module, "KERNEL_MODULES", ())),
                      calibration=getattr(module, "CALIBRATION", None),
                      **read_manifest(manifest))
