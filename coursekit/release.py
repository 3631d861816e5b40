"""`coursekit release`: nbgrader turns `solutions/<hw>/` into the release `assignments/<hw>/`.

The release is built in a temporary course folder and swapped in only when everything passed:
the source's nbgrader metadata is consistent, the source runs top to bottom with its hidden checks
(the engine's own), nbgrader generates the student version, and that version holds no solution
or hidden-test line. Any failure names the cell and leaves the previous release untouched.

Each stub nbgrader leaves (``raise NotImplementedError()``) is then made to say what to write, and
the release is also written as the student bundle ``assignments/dist/<name>.zip``: the notebook,
what sits beside it and the student requirements, to unzip beside the notebook.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from collections import Counter
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from autograder.engine import ONE_THREAD
from autograder.engine.assignment import MANIFEST, Assignment, walk
from coursekit.package import add
from coursekit.paths import ASSIGNMENTS

# What a notebook's text says a part is worth: "## Q3 — Backpropagation (40 points)" (a label,
# or the start of labels such as b.i and b.ii) and "**Written (5 points).**"
POINTS_HEADING = re.compile(
    r"^#+\s+(?P<label>\S+)\s+—[^\n]*\((?P<points>\d+(?:\.\d+)?) points?\)\s*$", re.MULTILINE)
WRITTEN_POINTS = re.compile(r"\*\*Written \((?P<points>\d+(?:\.\d+)?) points?\)\.\*\*")
SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
CELL_TIMEOUT_S = 600
STUB = "raise NotImplementedError()"  # what nbgrader leaves where a solution region was
LINE_LENGTH = 100  # the kit's line length (pyproject.toml), which released code keeps too
STUDENT_REQUIREMENTS = ASSIGNMENTS / "requirements.txt"  # what students install; in every bundle


class ReleaseError(Exception):
    """The release was refused; the message names the notebook and the cell."""


def cell_name(index: int, cell) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {index + 1}" + (f" ({grade_id!r})" if grade_id else "")


def classify_lines(source: str, markers: tuple[str, str]) -> list[tuple[str, str]]:
    """Each line of ``source`` with where it stands: "begin" or "end" (a marker line),
    "inside" or "outside" a BEGIN/END region. ValueError if the regions are unbalanced."""
    begin, end = markers
    inside, kinds = False, []
    for line in source.splitlines():
        if begin in line:
            if inside:
                raise ValueError(f"'{begin}' inside another region")
            inside, kind = True, "begin"
        elif end in line:
            if not inside:
                raise ValueError(f"'{end}' without '{begin}'")
            inside, kind = False, "end"
        else:
            kind = "inside" if inside else "outside"
        kinds.append((line, kind))
    if inside:
        raise ValueError(f"'{begin}' is never closed")
    return kinds


def marked_regions(source: str, markers: tuple[str, str]) -> list[str]:
    """The lines strictly inside each BEGIN/END region of ``source``; ValueError if unbalanced."""
    regions: list[list[str]] = []
    for line, kind in classify_lines(source, markers):
        if kind == "begin":
            regions.append([])
        elif kind == "inside":
            regions[-1].append(line)
    return ["\n".join(region) for region in regions]


def question_of(grade_id: str, assignment: Assignment) -> str | None:
    """The question a test cell's grade_id names: "q3-tests" -> "Q3", "b_ii-tests" -> "b.ii"
    (the label before the first '-', in any case; nbgrader ids cannot hold '.', so a label's
    dots are written '_'), or None."""
    label = grade_id.split("-", 1)[0].casefold()
    return next((q for q in assignment.questions
                 if q.casefold().replace(".", "_") == label), None)


def check_stated_points(path: Path, cells: list, assignment: Assignment) -> None:
    """ReleaseError naming the cell where the notebook's text states other points than the
    manifest (a question's heading) or than the answer cell's nbgrader points (a written
    answer's prompt, the markdown cell before it). The manifest is where points are written."""
    for index, cell in enumerate(cells):
        for heading in POINTS_HEADING.finditer(cell.source):
            label = heading["label"]
            parts = [q for q in assignment.questions if q == label or q.startswith(label + ".")]
            expected = sum(assignment.questions[q] for q in parts)
            if parts and float(heading["points"]) != expected:
                raise ReleaseError(f"{path.name}: {cell_name(index, cell)} says {label} is worth "
                                   f"{heading['points']} points, but autograder/"
                                   f"{assignment.name}/{MANIFEST} gives {expected:g}.")
        meta = cell.get("metadata", {}).get("nbgrader", {})
        is_written = meta.get("grade") and meta.get("solution") and not meta.get("locked")
        prompt = cells[index - 1] if index else None
        stated = WRITTEN_POINTS.search(prompt.source) if is_written and prompt else None
        if stated and float(stated["points"]) != float(meta.get("points", 0)):
            raise ReleaseError(f"{path.name}: {cell_name(index - 1, prompt)} says the written "
                               f"answer is worth {stated['points']} points, but its answer cell "
                               f"{cell_name(index, cell)} gives {meta.get('points', 0):g}.")


def lint_source(path: Path, assignment: Assignment) -> nbformat.NotebookNode:
    """The source notebook, after checking its nbgrader metadata against the assignment."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable notebook
        raise ReleaseError(f"{path}: not a readable notebook ({error})") from None
    seen: dict[str, int] = {}
    points: dict[str, float] = {}
    for index, cell in enumerate(notebook.cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        where = f"{path.name}: {cell_name(index, cell)}"
        for markers in (SOLUTION_MARKERS, HIDDEN_MARKERS):
            try:
                marked_regions(cell.source, markers)
            except ValueError as error:
                raise ReleaseError(f"{where}: {error}") from None
        if not meta:
            if any(m in cell.source for m in (*SOLUTION_MARKERS, *HIDDEN_MARKERS)):
                raise ReleaseError(f"{where} has solution or hidden-test markers but no nbgrader "
                                   "metadata; mark it as a solution or test cell.")
            continue
        grade_id = meta.get("grade_id")
        if not grade_id:
            raise ReleaseError(f"{where} is an nbgrader cell without a grade_id.")
        if grade_id in seen:
            raise ReleaseError(f"{where} repeats the grade_id of cell {seen[grade_id] + 1} "
                               "(a copied cell?); give it its own grade_id.")
        seen[grade_id] = index
        if meta.get("grade") and cell.cell_type == "code":
            question = question_of(grade_id, assignment)
            if question is None:
                raise ReleaseError(f"{where} is a graded cell whose grade_id names no question "
                                   f"of autograder/{assignment.name}/{MANIFEST}; start it with "
                                   f"one of {list(assignment.questions)} (dots written '_') "
                                   "and a '-'.")
            points[question] = points.get(question, 0) + float(meta.get("points", 0))
    if points != assignment.questions:
        raise ReleaseError(f"{path.name}: test-cell points {points} do not match the manifest's "
                           f"questions {assignment.questions} (autograder/{assignment.name}/"
                           f"{MANIFEST}).")
    check_stated_points(path, notebook.cells, assignment)
    return notebook


def execute_source(notebook: nbformat.NotebookNode, folder: Path, path: Path,
                   env: dict[str, str]) -> None:
    """Run the source top to bottom in ``folder`` with ``env`` added to the kernel's environment
    (the grader's settings, single-threaded as a graded kernel is); ReleaseError naming the
    first failing cell."""
    with tempfile.TemporaryDirectory(prefix="coursekit-kernel-") as sockets:
        # Local sockets rather than TCP ports: nothing listens on the network, and the kernel
        # does not warn about unencrypted TCP.
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/kernel")
        client = NotebookClient(notebook, km=manager, timeout=CELL_TIMEOUT_S,
                                resources={"metadata": {"path": str(folder)}})
        kernel_env = {**os.environ, **ONE_THREAD, **env}
        with client.setup_kernel(env=kernel_env, cleanup_kc=True):  # then shut down
            for index, cell in enumerate(notebook.cells):
                try:
                    client.execute_cell(cell, index)
                except (CellExecutionError, CellTimeoutError) as error:
                    last = str(error).strip().splitlines()[-1] if str(error).strip() else ""
                    raise ReleaseError(f"{path}: {cell_name(index, cell)} fails, so the "
                                       f"solution does not pass its own checks: {last}") from None


def start_generate(course: Path, name: str) -> subprocess.Popen:
    """Start nbgrader's generate_assignment in ``course`` (it runs while the source executes)."""
    command = [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force",
               "--CourseDirectory.root=" + str(course), "--CourseDirectory.source_directory=source",
               "--CourseDirectory.release_directory=release",
               "--CourseDirectory.db_url=sqlite:///" + str(course / "gradebook.db"),
               "--CourseDirectory.ignore=['.ipynb_checkpoints', '__pycache__', '*.pyc']",
               "--log-level=WARN"]
    # nbgrader shells out to `alembic`, which lives beside this Python, not always on PATH.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.Popen(command, cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PATH": path})


def finish_generate(process: subprocess.Popen, course: Path, name: str) -> Path:
    """Wait for nbgrader; return the generated folder."""
    _, errors = process.communicate()
    if process.returncode != 0:
        raise ReleaseError(f"nbgrader generate_assignment {name} failed:\n{errors[-2000:]}")
    return course / "release" / name


def normalize(notebook: nbformat.NotebookNode) -> None:
    """Clear outputs and execution counts so the committed release diffs cleanly."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)


def enclosing_function(lines: list[str], indent: int) -> str | None:
    """The name of the innermost ``def`` above a line indented by ``indent``, or None (always,
    for a line at the top level)."""
    for line in reversed(lines):
        stripped = line.lstrip()
        if stripped.startswith("def ") and len(line) - len(stripped) < indent:
            return stripped[4:].split("(", 1)[0].strip()
    return None


def assigned_names(region: str) -> list[str]:
    """The names a solution region assigns at its top level, e.g. ["NET_A", "NET_B"]."""
    try:
        body = ast.parse(textwrap.dedent(region)).body
    except SyntaxError:
        return []
    targets = [t for node in body if isinstance(node, ast.Assign | ast.AnnAssign)
               for t in (node.targets if isinstance(node, ast.Assign) else [node.target])]
    names = [t for target in targets
             for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
    return [t.id for t in names if isinstance(t, ast.Name)]


def stub_line(indent: int, task: str, question: str | None) -> str:
    """The stub's ``raise`` line saying what to write, on two lines if one would be too long."""
    where = f"{question}: " if question else ""
    line = " " * indent + f'raise NotImplementedError("{where}{task} in place of this line")'
    if len(line) <= LINE_LENGTH:
        return line
    return (" " * indent + "raise NotImplementedError(\n" + " " * (indent + 4)
            + f'"{where}{task} in place of this line")')


def name_stubs(release: nbformat.NotebookNode, source: nbformat.NotebookNode,
               assignment: Assignment) -> None:
    """Make each ``raise NotImplementedError()`` nbgrader left in ``release`` say what to write:
    the function it stands in (``Q1: write l1_subgradient in place of this line``) or the names
    its solution region sets (``Q3: set NET_A and NET_B in place of this line``). The n-th stub
    of a cell stands for the n-th solution region of the same cell in ``source``."""
    regions = {cell.metadata.get("nbgrader", {}).get("grade_id"):
               marked_regions(cell.source, SOLUTION_MARKERS) for cell in source.cells}
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type != "code" or STUB not in cell.source or grade_id not in regions:
            continue
        question = question_of(grade_id, assignment)
        lines, stubs = cell.source.splitlines(), iter(regions[grade_id])
        for number, line in enumerate(lines):
            if line.strip() != STUB:
                continue
            indent = len(line) - len(line.lstrip())
            function = enclosing_function(lines[:number], indent)
            names = assigned_names(next(stubs, ""))
            if function:
                task = f"write {function}"
            elif names:
                task = "set " + " and ".join(filter(None, [", ".join(names[:-1]), names[-1]]))
            else:
                task = "write this cell"
            lines[number] = stub_line(indent, task, question)
        cell.source = "\n".join(lines)


def secret_lines(source: nbformat.NotebookNode) -> set[str]:
    """Lines that appear only inside the source's solution and hidden-test regions."""
    everywhere = Counter(line.strip() for cell in source.cells
                         for line in cell.source.splitlines() if line.strip())
    inside = Counter(line.strip() for cell in source.cells
                     for markers in (SOLUTION_MARKERS, HIDDEN_MARKERS)
                     for region in marked_regions(cell.source, markers)
                     for line in region.splitlines() if line.strip())
    return {line for line, count in inside.items() if count == everywhere[line]}


def leaked_lines(source: nbformat.NotebookNode, release: nbformat.NotebookNode) -> list[str]:
    """Lines of ``source`` found only in solution or hidden-test regions that ``release`` shows."""
    shown = {line.strip() for cell in release.cells for line in cell.source.splitlines()}
    return sorted(secret_lines(source) & shown)


def write_bundle(release_dir: Path, bundle: Path) -> Path:
    """Write ``bundle`` (a zip): every file of ``release_dir`` at its path beside the notebook,
    and the student requirements. Students unzip it into the folder they open the notebook from.
    Entries are sorted and time-stamped like the Gradescope zip's: the same release gives the
    same bytes."""
    bundle.parent.mkdir(parents=True, exist_ok=True)
    temporary = bundle.with_suffix(".zip.tmp")
    files = [(path, path.relative_to(release_dir).as_posix()) for path in walk(release_dir)]
    files.append((STUDENT_REQUIREMENTS, STUDENT_REQUIREMENTS.name))
    with zipfile.ZipFile(temporary, "w") as archive:
        for path, arcname in sorted(files, key=lambda file: file[1]):
            add(archive, arcname, path.read_bytes())
    temporary.replace(bundle)
    return bundle


def swap_in(built: Path, target: Path) -> None:
    """Replace ``target`` by ``built``; the old release is kept until the new one is in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.new")
    old = target.with_name(f".{target.name}.old")
    for leftover in (staged, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, staged)
    if target.exists():
        target.rename(old)
    staged.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def undeclared_files(assignment: Assignment, source_dir: Path) -> list[str]:
    """Files in ``source_dir`` that are neither the notebook nor among the manifest's files."""
    declared = {assignment.notebook, *assignment.files}
    return [path.relative_to(source_dir).as_posix() for path in walk(source_dir)
            if not path.name.startswith(".")
            and path.relative_to(source_dir).as_posix() not in declared]


def stage_source(assignment: Assignment, source_dir: Path, stage: Path) -> None:
    """The nbgrader source folder: the notebook and what its manifest places beside it."""
    stage.mkdir(parents=True)
    shutil.copyfile(source_dir / assignment.notebook, stage / assignment.notebook)
    assignment.place_beside_notebook(stage, source_dir)


def release(assignment: Assignment, solutions: Path | None = None,
            assignments: Path | None = None) -> Path:
    """Build the assignment's release folder from its source folder; return the release folder.
    ``solutions`` and ``assignments`` replace the kit's solutions/ and assignments/."""
    name = assignment.name
    source_dir = solutions / name if solutions else assignment.source_dir
    target = assignments / name if assignments else assignment.release_dir
    source_path = source_dir / assignment.notebook
    if not source_path.is_file():
        raise ReleaseError(f"{source_path} does not exist.")
    stray = undeclared_files(assignment, source_dir)
    if stray:
        raise ReleaseError(f"{source_dir / stray[0]} is not in autograder/{name}/{MANIFEST}: "
                           "list it under files (students and the grader then both get it), or "
                           "move it out of the source folder.")
    source = lint_source(source_path, assignment)
    with tempfile.TemporaryDirectory(prefix=f"coursekit-release-{name}-") as tmp:
        course = Path(tmp)
        stage = course / "source" / name
        try:
            stage_source(assignment, source_dir, stage)
        except FileNotFoundError as error:
            raise ReleaseError(str(error)) from None
        generating = start_generate(course, name)
        try:
            execute_source(nbformat.read(stage / assignment.notebook, as_version=4), stage,
                           source_path, assignment.kernel_env)
        except BaseException:
            generating.kill()
            generating.wait()
            raise
        built = finish_generate(generating, course, name)
        generated = nbformat.read(built / assignment.notebook, as_version=4)
        normalize(generated)
        name_stubs(generated, source, assignment)
        nbformat.write(generated, built / assignment.notebook)
        leaks = leaked_lines(source, generated)
        if leaks:
            raise ReleaseError(f"the generated {assignment.notebook} still shows solution or "
                               f"hidden-test lines, e.g. {leaks[0]!r}; check the markers.")
        swap_in(built, target)
    bundle = write_bundle(target, target.parent / "dist" / f"{name}.zip")
    print(f"{name}: released {target} and its student bundle {bundle}")
    return target
