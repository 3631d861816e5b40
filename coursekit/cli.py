"""The `coursekit` command: data, release, autograder, grade, feedback, report, similarity,
export, calibrate."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from autograder.engine.assignment import ManifestError, assignment_names, load_assignment

ASSIGNMENTS = assignment_names()


def isolation_or_say_why(command: str):
    """How student content will be isolated (``sandbox.Isolation``), or None after saying why
    it cannot be."""
    from autograder.engine.sandbox import IsolationError, isolation

    try:
        return isolation()
    except IsolationError as error:
        print(f"coursekit {command}: {error}", file=sys.stderr)
        return None


def cmd_data(args: argparse.Namespace) -> int:
    from coursekit.data import DataError, provision

    try:
        provision(from_dir=args.from_dir, names=args.names or None)
    except DataError as error:
        print(f"coursekit data: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from coursekit.release import ReleaseError, release

    for assignment in args.assignments:
        try:
            release(assignment)
        except ReleaseError as error:
            print(f"coursekit release: {error}", file=sys.stderr)
            return 1
    return 0


def cmd_autograder(args: argparse.Namespace) -> int:
    from coursekit.package import SETTINGS_FILE, build_autograder

    for assignment in args.assignments:
        print(f"{assignment.name}: wrote {build_autograder(assignment)}; on Gradescope choose "
              f"{assignment.gradescope.memory_mb:,} MB of memory or more "
              f"(see {SETTINGS_FILE} in the zip)")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from coursekit.grade import RosterError, grade_folder, grade_one, identity_in, read_roster

    try:
        roster = read_roster(args.roster) if args.roster else {}
    except RosterError as error:
        print(f"coursekit grade: {error}", file=sys.stderr)
        return 2
    how = isolation_or_say_why("grade")
    if how is None:
        return 2
    if how.level == "none":
        fix = ("Grade as root (sudo) to isolate it" if shutil.which("bwrap") else
               "Install bubblewrap (`sudo apt-get install bubblewrap`) or grade as root to "
               "isolate it")
        print(f"coursekit grade: warning: {how.summary()} {fix}.", file=sys.stderr)
        if args.require_isolation:
            print("coursekit grade: --require-isolation: refusing to run student code.",
                  file=sys.stderr)
            return 2
    else:
        print(f"coursekit grade: {how.summary()}", file=sys.stderr)
    if args.submission.is_dir():
        table = grade_folder(args.assignment, args.submission, args.out, args.workers, roster)
        print(f"wrote {table}")
    else:
        results = grade_one(args.assignment, args.submission, args.out,
                            identity_in(roster, args.submission))
        print(f"{args.submission.name}: {results['score']:g} points; wrote {args.out}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from coursekit.export import main
    from coursekit.typeset import missing_tools

    missing = missing_tools()
    if missing:
        print(f"coursekit export: {missing}", file=sys.stderr)
        return 2
    if not args.submissions.exists():
        print(f"coursekit export: {args.submissions} does not exist.", file=sys.stderr)
        return 2
    how = isolation_or_say_why("export")
    if how is None:
        return 2
    if how.level == "sandbox":
        print("coursekit export: LaTeX runs in a bubblewrap sandbox.", file=sys.stderr)
    else:
        print("coursekit export: warning: LaTeX runs without a sandbox"
              f"{f' ({how.why})' if how.why else ''}; TeX may still read and write only its own "
              "folder and runs no commands.", file=sys.stderr)
    return main(args.assignment, args.submissions, args.out, args.workers)


def cmd_feedback(args: argparse.Namespace) -> int:
    from coursekit.feedback import NoResults, write_folder_feedback

    try:
        pages = write_folder_feedback(args.folder)
    except NoResults as error:
        print(f"coursekit feedback: {error}", file=sys.stderr)
        return 2
    print(f"wrote {len(pages)} feedback pages under {args.folder}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from coursekit.graded import NoResults
    from coursekit.report import CHECKS_CSV, REPORT, write_report

    calibration = args.assignment.calibration
    try:
        stats = write_report(args.assignment.name, args.folder,
                             calibration.report if calibration else None)
    except NoResults as error:
        print(f"coursekit report: {error}", file=sys.stderr)
        return 2
    for graded in stats.unreadable:
        print(f"coursekit report: {graded.name}: {graded.problem}", file=sys.stderr)
    print(f"{len(stats.graded)} graded submissions, {len(stats.unreadable)} without results; "
          f"wrote {args.folder / REPORT} and {args.folder / CHECKS_CSV}")
    return 0


def cmd_similarity(args: argparse.Namespace) -> int:
    from coursekit.similarity import THRESHOLD, write_similarity

    if not args.submissions.is_dir():
        print(f"coursekit similarity: {args.submissions} is not a folder of submissions.",
              file=sys.stderr)
        return 2
    assignment = args.assignment
    pairs = write_similarity(assignment.name, assignment.notebook, assignment.release_notebook,
                             args.submissions, args.out)
    close = sum(pair.similarity >= THRESHOLD for pair in pairs)
    print(f"{len(pairs)} pairs compared, {close} at {THRESHOLD:.0%} or more; wrote "
          f"{args.out / 'similarity.html'} and {args.out / 'similarity.csv'}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from coursekit.calibrate import calibrate

    for assignment in args.assignments:
        if assignment.calibration or args.named:
            calibrate(assignment, seeds=args.seeds, workers=args.workers,
                      only_new=args.only_new)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="coursekit", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    data = commands.add_parser("data", help="materialize the datasets of data/datasets.json "
                                             "under data/")
    data.add_argument("names", nargs="*", help="only these datasets (default: all)")
    data.add_argument("--from", dest="from_dir", type=Path,
                      help="a folder with the named dataset's idx files, instead of its source")
    data.set_defaults(run=cmd_data)

    rel = commands.add_parser("release", help="build assignments/ from solutions/ with nbgrader")
    rel.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help=", ".join(ASSIGNMENTS))
    rel.set_defaults(run=cmd_release)

    ag = commands.add_parser("autograder", help="build autograder/dist/<assignment>.zip")
    ag.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help=", ".join(ASSIGNMENTS))
    ag.set_defaults(run=cmd_autograder)

    gr = commands.add_parser("grade", help="grade a submission, or a folder of them")
    gr.add_argument("assignment", choices=ASSIGNMENTS)
    gr.add_argument("submission", type=Path, help="a notebook, or a folder of submissions")
    gr.add_argument("--out", type=Path, required=True,
                    help="results.json for one submission; a folder for many")
    gr.add_argument("--workers", type=int, default=None, help="parallel gradings (default: cores)")
    gr.add_argument("--roster", type=Path, default=None,
                    help="CSV with the columns submission and student_id: the student ID of each "
                         "submission, for assignments with per-student questions (HW0)")
    gr.add_argument("--require-isolation", action="store_true",
                    help="refuse to grade when student code cannot be isolated from your user")
    gr.set_defaults(run=cmd_grade)

    ex = commands.add_parser("export", help="written answers as one PDF per submission, for "
                             "Gradescope")
    ex.add_argument("assignment", choices=ASSIGNMENTS)
    ex.add_argument("submissions", type=Path, help="a notebook, or a folder of submissions")
    ex.add_argument("--out", type=Path, required=True,
                    help="folder for template.pdf, submissions/<name>.pdf and export.csv")
    ex.add_argument("--workers", type=int, default=None, help="parallel exports (default: cores)")
    ex.set_defaults(run=cmd_export)

    fb = commands.add_parser("feedback", help="(re)write feedback.html for a folder of results")
    fb.add_argument("folder", type=Path, help="what `coursekit grade ... --out DIR` wrote, or a "
                    "Gradescope export")
    fb.set_defaults(run=cmd_feedback)

    rp = commands.add_parser("report", help="the class at a glance: report.html and checks.csv")
    rp.add_argument("assignment", choices=ASSIGNMENTS)
    rp.add_argument("folder", type=Path, help="what `coursekit grade ... --out DIR` wrote, or a "
                    "Gradescope export")
    rp.set_defaults(run=cmd_report)

    sim = commands.add_parser("similarity", help="pairs of submissions with alike answer code")
    sim.add_argument("assignment", choices=ASSIGNMENTS)
    sim.add_argument("submissions", type=Path, help="a folder of submissions")
    sim.add_argument("--out", type=Path, required=True,
                     help="folder for similarity.html and similarity.csv")
    sim.set_defaults(run=cmd_similarity)

    cal = commands.add_parser("calibrate", help="calibrate accuracy thresholds; write the reports")
    cal.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                     help=f"{', '.join(ASSIGNMENTS)} (default: those with an accuracy threshold)")
    cal.add_argument("--seeds", type=int, default=20)
    cal.add_argument("--workers", type=int, default=None)
    cal.add_argument("--only-new", action="store_true",
                     help="train only the corpus entries the committed report lacks and keep its "
                          "other runs (after adding a variant or mutant, when nothing the runs "
                          "depend on has changed)")
    cal.set_defaults(run=cmd_calibrate)
    return top


def load_named_assignments(args: argparse.Namespace) -> None:
    """Replace the assignment names in ``args`` by the loaded assignments, once for every
    command: ``args.assignment``, and ``args.assignments`` (every assignment when none is
    named; ``args.named`` says whether any was)."""
    if "assignment" in args:
        args.assignment = load_assignment(args.assignment)
    if "assignments" in args:
        args.named = bool(args.assignments)
        args.assignments = [load_assignment(n) for n in args.assignments or ASSIGNMENTS]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        load_named_assignments(args)
        return args.run(args)
    except ManifestError as error:
        print(f"coursekit {args.command}: {error}", file=sys.stderr)
        return 1
