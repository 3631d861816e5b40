"""The contract every assignment keeps, checked for each one the kit has.

For every folder ``autograder/<name>/`` with a manifest: the reference passes every check; the
blank release gets 0 with every question listed; each correct variant of the corpus gets full
marks and each mutant loses points on the questions it declares and only there, with the words it
declares (``SAYS``) in its results; the committed release is what a fresh release builds, and it
holds no solution or hidden line; the source's solution, graded from the Gradescope zip as
Gradescope runs it, gets full marks; the calibration report covers the corpus and one of its runs
is reproduced. Each corpus entry is graded once, by its own test.
"""

from __future__ import annotations

import csv
import filecmp
import json
import multiprocessing
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest
from conftest import run_like_gradescope
from submissions import blank, corpus, module_constant, solved, with_definitions, write

from autograder.engine.assignment import KIT, assignment_names, load_assignment, walk
from autograder.engine.checks import judge
from autograder.engine.inline import InProcessStudent, rows_folder
from coursekit.calibrate import machine_kind, threshold_rule, train_once
from coursekit.grade import grade_folder
from coursekit.package import SETTINGS_FILE, build_autograder
from coursekit.paths import ASSIGNMENTS, AUTOGRADER, SOLUTIONS
from coursekit.release import STUDENT_REQUIREMENTS, leaked_lines, secret_lines, write_bundle

NAMES = assignment_names()
CALIBRATED = [name for name in NAMES if load_assignment(name).calibration]
MIN_CORRECT = 3  # differently written correct implementations per assignment


def entries(kind: str) -> list:
    return [pytest.param(name, path, id=f"{name}-{path.stem}")
            for name in NAMES for path in corpus(name, kind)]


SNAPSHOT = json.loads((Path(__file__).with_name("corpus_scores.json")).read_text())


def assert_scores_as_recorded(name: str, entry: str, results: dict) -> None:
    """Each check's score for a corpus entry is the one tests/corpus_scores.json records."""
    recorded = SNAPSHOT.get(name, {}).get(entry)
    assert recorded is not None, (f"{name} {entry} is not in tests/corpus_scores.json: run "
                                  "python benchmarks/corpus_scores.py --snapshot "
                                  "tests/corpus_scores.json")
    got = {t["name"]: t["score"] for t in results["tests"]}
    assert got == recorded, {k: (got.get(k), recorded.get(k)) for k in {*got, *recorded}
                             if got.get(k) != recorded.get(k)}


def failures(results: dict) -> list[tuple[str, str]]:
    return [(t["name"], t["output"]) for t in results["tests"] if t["score"] < t["max_score"]]


def full_marks(name: str) -> dict[str, float]:
    return dict(load_assignment(name).questions)


# -- what the manifest and the corpus declare (fast) -------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_manifest_matches_the_checks_and_the_source(name):
    assignment = load_assignment(name)
    assert (SOLUTIONS / name / assignment.notebook).is_file()
    assert list(assignment.questions) == list(dict.fromkeys(c.question for c in assignment.checks))
    for path, beside in assignment.beside_notebook():
        assert path.is_file() and not beside.startswith(("/", ".."))


@pytest.mark.parametrize("name", NAMES)
def test_corpus_declares_a_mutant_for_every_question(name):
    questions = set(load_assignment(name).questions)
    assert len(corpus(name, "correct")) >= MIN_CORRECT
    caught = set()
    for mutant in corpus(name, "mutants"):
        loses = module_constant(mutant, "LOSES")
        assert loses, f"{mutant.name} must say which questions it loses (LOSES)"
        assert set(loses) | set(module_constant(mutant, "MAY_ALSO_LOSE")) <= questions
        caught.update(loses)
    assert caught == questions


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_every_check_in_process(name):
    assignment = load_assignment(name)
    reference = __import__(f"autograder.{name}.reference", fromlist=["*"])
    student = InProcessStudent(dict(vars(reference)), rows_folder(assignment))
    failed = [(c.name, v.message) for c in assignment.checks
              if not (v := judge(c, student, name)).passed]
    assert failed == []


# -- grading through the kernel ----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_blank_release_gets_zero_with_every_question_listed(grade_notebook, name):
    assignment = load_assignment(name)
    results = grade_notebook(blank(name), assignment=assignment)
    assert results["score"] == 0
    assert [t["name"] for t in results["tests"]] == [c.name for c in assignment.checks]
    assert [t["tags"][0] for t in results["tests"]] == [c.question for c in assignment.checks]
    assert {t["tags"][0] for t in results["tests"]} == set(assignment.questions)
    assert all(t["output"] for t in results["tests"])


@pytest.mark.slow
@pytest.mark.parametrize(("name", "variant"), entries("correct"))
def test_correct_variant_gets_full_marks(grade_notebook, name, variant):
    notebook = with_definitions(solved(name), variant.read_text())
    results = grade_notebook(notebook, assignment=load_assignment(name))
    assert failures(results) == []
    assert_scores_as_recorded(name, f"correct/{variant.stem}", results)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "mutant"), entries("mutants"))
def test_mutant_loses_points_on_its_own_question(grade_notebook, name, mutant):
    full = full_marks(name)
    loses = module_constant(mutant, "LOSES")
    may_also = module_constant(mutant, "MAY_ALSO_LOSE")
    notebook = with_definitions(solved(name), mutant.read_text())
    results = grade_notebook(notebook, assignment=load_assignment(name))
    assert_scores_as_recorded(name, f"mutants/{mutant.stem}", results)
    got = {q: 0.0 for q in full}
    for test in results["tests"]:
        got[test["tags"][0]] += test["score"]
    for question in loses:
        assert got[question] < full[question], f"{mutant.stem} kept all of {question}"
    for question in set(full) - set(loses) - set(may_also):
        assert got[question] == full[question], f"{mutant.stem} lost points on {question}"
    said = "\n".join([results["output"], *(test["output"] for test in results["tests"])])
    for words in module_constant(mutant, "SAYS"):  # the messages point at the right place
        assert words in said, f"{mutant.stem}'s results never say {words!r}"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_batch_grading_writes_a_column_per_question_and_loses_no_submission(name, tmp_path):
    folder = tmp_path / "submissions"
    write(blank(name), folder / "blank.ipynb")
    write("{not json", folder / "broken.ipynb")
    table = grade_folder(load_assignment(name), folder, tmp_path / "out", workers=2)
    rows = list(csv.DictReader(table.open()))
    assert list(rows[0]) == ["submission", "score", "max_score", *full_marks(name)]
    assert sorted(r["submission"] for r in rows) == ["blank.ipynb", "broken.ipynb"]
    assert all(r["score"] == "0" for r in rows)


# -- the release -------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_release_is_fresh_and_leak_free(fresh_release, name, tmp_path):
    built = fresh_release(name)
    fresh, committed = built / name, ASSIGNMENTS / name
    assert_same_release(name, fresh, committed)
    bundle = assert_bundle_is_the_release(fresh, built / "dist" / f"{name}.zip", tmp_path)
    for folder in (fresh, committed, bundle):
        assert_no_secret(name, folder)


def assert_bundle_is_the_release(fresh, bundle, tmp_path):
    """The student bundle holds the release's files, byte for byte, and the student
    requirements, nothing else, and the same release gives the same bytes; the folder it
    unzips to."""
    unzipped = tmp_path / "unzipped"
    zipfile.ZipFile(bundle).extractall(unzipped)
    expected = {p.relative_to(fresh).as_posix() for p in walk(fresh)} | {"requirements.txt"}
    assert {p.relative_to(unzipped).as_posix() for p in walk(unzipped)} == expected
    for path in walk(fresh):
        assert filecmp.cmp(path, unzipped / path.relative_to(fresh), shallow=False)
    assert (unzipped / "requirements.txt").read_bytes() == STUDENT_REQUIREMENTS.read_bytes()
    again = write_bundle(fresh, tmp_path / "again" / bundle.name)
    assert again.read_bytes() == bundle.read_bytes()
    return unzipped


def assert_same_release(name: str, fresh, committed) -> None:
    """``fresh`` holds the notebook and what the manifest places beside it, nothing else, and
    the committed release has the same bytes (but the provisioned data, which is not committed)."""
    assignment = load_assignment(name)
    expected = sorted({assignment.notebook, *(beside for _, beside in
                                              assignment.beside_notebook())})
    assert [p.relative_to(fresh).as_posix() for p in walk(fresh)] == expected
    for path in walk(fresh):
        relative = path.relative_to(fresh)
        if relative.parts[0] == "data":
            continue
        assert filecmp.cmp(path, committed / relative, shallow=False), (
            f"assignments/{name}/{relative} is stale: run `coursekit release {name}` and commit")
    committed_files = {p.relative_to(committed).as_posix() for p in walk(committed)
                       if p.relative_to(committed).parts[0] != "data"}
    assert committed_files == {e for e in expected if not e.startswith("data/")}


def assert_no_secret(name: str, folder) -> None:
    """No line of a solution or hidden-test region, and no distinctive line of the hidden
    checks or reference, is in the release ``folder``."""
    assignment = load_assignment(name)
    source = nbformat.read(SOLUTIONS / name / assignment.notebook, as_version=4)
    secrets = secret_lines(source)
    assert secrets, "the source has no solution region"
    helpers = {ln.strip() for path, _ in assignment.beside_notebook()
               if path.suffix == ".py" for ln in path.read_text().splitlines()}
    public = {ln.strip() for c in source.cells for ln in c.source.splitlines()} - secrets
    public_text = "\n".join(public)  # e.g. the protocol `order = rng.permutation(n)`, in prose
    released = nbformat.read(folder / assignment.notebook, as_version=4)
    assert leaked_lines(source, released) == []
    shipped = "\n".join(p.read_text(errors="ignore") for p in walk(folder)
                        if p.suffix in (".ipynb", ".py", ".txt", ".md", ".json", ".toml"))
    for hidden in (AUTOGRADER / name).glob("*.py"):
        lines = [ln.strip() for ln in hidden.read_text().splitlines()
                 if len(ln.strip()) > 25 and ln.strip() not in helpers
                 and ln.strip() not in public_text]
        assert not [ln for ln in lines if ln in shipped], hidden.name


# -- the Gradescope zip ------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_zip_is_reproducible_and_holds_exactly_what_grading_needs(name, tmp_path):
    built = build_autograder(load_assignment(name), tmp_path / "one")
    again = build_autograder(load_assignment(name), tmp_path / "two")
    assert again.read_bytes() == built.read_bytes()
    names = set(zipfile.ZipFile(built).namelist())
    assignment = load_assignment(name)
    assert {"setup.sh", "run_autograder", "requirements.txt", "autograder/engine/judge.py",
            f"autograder/{name}/manifest.toml", f"autograder/{name}/checks.py"} <= names
    settings = zipfile.ZipFile(built).read(SETTINGS_FILE).decode()
    assert f"at least {assignment.gradescope.memory_mb:,} MB" in settings
    beside = {path.relative_to(KIT).as_posix() if path.is_relative_to(KIT) else placed
              for path, placed in assignment.beside_notebook()}
    assert beside <= names
    assert not [n for n in names if n.endswith(".ipynb") or "/corpus/" in n
                or (n.startswith("solutions/") and n not in beside)]
    assert not [n for n in names if n.startswith("autograder/") and n.split("/")[1]
                not in ("engine", "gradescope", name, "__init__.py")]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_solution_gets_full_marks_through_the_zip_end_to_end(name, tmp_path):
    # the solution's one grading: the judge, as Gradescope runs it from the built zip
    built = build_autograder(load_assignment(name), tmp_path / "dist")
    results, _ = run_like_gradescope(built, tmp_path, solved(name))
    assert failures(results) == []
    assert results["score"] == load_assignment(name).max_score
    # what the class report reads: the run's figures, and each threshold check's measurement
    extra = results["extra_data"]
    assert extra["assignment"] == name and extra["limits_hit"] == {} and extra["problems"] == []
    assert extra["kernel_peak_mb"] > 50 and extra["judge_peak_mb"] > 20
    measured = [t["extra_data"]["measured"] for t in results["tests"] if "extra_data" in t]
    if load_assignment(name).calibration:
        assert len(measured) == 1 and measured[0]["name"] == "test accuracy"
        assert measured[0]["value"] >= measured[0]["threshold"] == figures(name)["threshold"]
    else:
        assert measured == []


# -- calibration -------------------------------------------------------------------------------

def figures(name: str) -> dict:
    return json.loads(load_assignment(name).calibration.report.read_text())


@pytest.mark.parametrize("name", CALIBRATED)
def test_calibration_report_covers_every_corpus_entry(name):
    runs = figures(name)["runs"]
    correct = {"reference", "solution notebook", *(p.stem for p in corpus(name, "correct"))}
    assert correct <= set(runs)
    assert all(len(runs[entry]) == figures(name)["seeds"] >= 20 for entry in correct)
    assert {f"mutant {p.stem}" for p in corpus(name, "mutants")} == {
        entry for entry in runs if entry.startswith("mutant ")}


@pytest.mark.parametrize("name", CALIBRATED)
def test_threshold_follows_the_stated_rule(name):
    data = figures(name)
    calibration = load_assignment(name).calibration
    correct = [a for entry, values in data["runs"].items() if not entry.startswith("mutant")
               for a in values]
    assert data["worst_correct"] == min(correct)
    assert (data["margin"], data["floor"]) == (calibration.margin, calibration.floor)
    assert data["threshold"] == threshold_rule(min(correct), calibration.margin,
                                               calibration.floor)


def trained_on(data: dict, entry: str) -> str:
    """The machine kind that trained ``entry``'s runs: the last ``--only-new`` that added it, or
    the full calibration."""
    added = [block["machine"] for block in data.get("added", []) if entry in block["entries"]]
    return (added or [data["machine"]])[-1]


@pytest.mark.slow
@pytest.mark.parametrize("name", CALIBRATED)
def test_worst_committed_run_of_the_reference_is_reproduced(name):
    data = figures(name)
    runs = data["runs"]["reference"]
    seed = runs.index(min(runs))
    # a fresh process, as in calibration: the kernel's environment is set before any import
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        got = pool.submit(train_once, name, "reference", seed).result()
    if trained_on(data, "reference") == machine_kind():
        assert got == runs[seed]
    else:
        # Another processor's numeric libraries round differently, so its run is another sample
        # of the same training: within the spread of the calibrated seeds, above the threshold.
        assert abs(got - runs[seed]) <= max(runs) - min(runs), (got, runs[seed])
        assert got >= data["threshold"]
