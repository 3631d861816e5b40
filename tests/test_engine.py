"""The engine's parts on their own: the wire, notebook reading, the kernel's limits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from in_kernel import isolated_kernel

from autograder.engine import probe
from autograder.engine.assignment import AUTOGRADER, ENGINE_FOLDERS, Assignment
from autograder.engine.checks import (
    Check,
    CheckFailed,
    as_array,
    expect_close,
    judge_all,
    once_per_student,
    uses,
)
from autograder.engine.judge import LOAD_PROBE, PROBE_FILE, PROBE_MODULE, redact
from autograder.engine.kernel import MATPLOTLIB_FOLDER, WITHOUT_PACKAGES, font_lists
from autograder.engine.notebook import NotebookError, find_notebook, read_code_cells
from autograder.engine.sandbox import FINDS_KERNEL, RUN_UID_BASE


def test_wire_round_trip_keeps_structure_and_dtypes(tmp_path):
    value = {"weights": [np.arange(6.0).reshape(2, 3), np.float32(1.5)], "n": 3, "none": None,
             "pair": (True, "text"), "rng": probe.Seeded(4), "odd": object()}
    probe.save(tmp_path / "v", value=value)
    back = probe.load(tmp_path / "v")["value"]
    assert np.array_equal(back["weights"][0], value["weights"][0])
    assert back["weights"][1].dtype == np.float32
    assert back["pair"] == (True, "text") and back["n"] == 3 and back["none"] is None
    assert back["rng"].integers(1000) == np.random.default_rng(4).integers(1000)
    assert back["odd"] == probe.Other("object")


def test_wire_reads_dataset_rows_scaled(tmp_path):
    np.save(tmp_path / "images.npy", np.arange(12, dtype=np.uint8).reshape(4, 3))
    rows = probe.unpack(probe.pack(probe.Rows("images", 1, 3, 255.0), {}), {}, tmp_path)
    assert rows.dtype == np.float64 and rows.shape == (2, 3)
    assert np.allclose(rows * 255, [[3, 4, 5], [6, 7, 8]])


def test_wire_refuses_pickled_objects(tmp_path):
    np.savez(tmp_path / "v.npz", a0=np.array([{"code": 1}], dtype=object))
    (tmp_path / "v").write_text(json.dumps({"value": {"t": "array", "key": "a0"}}))
    with pytest.raises(ValueError, match="pickle"):
        probe.load(tmp_path / "v")


def test_answer_call_reports_missing_raised_and_in_place_arguments():
    def grow(a):
        a += 1
        return "done"

    namespace = {"grow": grow, "broken": lambda: 1 / 0, "number": 3}
    assert probe.answer_call(namespace, "nope", [], {}, [])["status"] == "missing"
    assert probe.answer_call(namespace, "number", [], {}, [])["status"] == "not_callable"
    raised = probe.answer_call(namespace, "broken", [], {}, [])
    assert raised["status"] == "raised" and raised["error"]["type"] == "ZeroDivisionError"
    answer = probe.answer_call(namespace, "grow", [np.zeros(2)], {}, [0])
    assert answer["result"] == "done" and np.array_equal(answer["args_after"][0], [1, 1])


def write_notebook(path: Path, cells: list) -> Path:
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


def test_notebook_reading_keeps_code_cells_in_order(tmp_path):
    path = write_notebook(tmp_path / "a.ipynb", [
        {"cell_type": "markdown", "source": "# title"},
        {"cell_type": "code", "source": ["x = 1\n", "y = 2"]},
        {"cell_type": "code", "source": "   "},
        {"cell_type": "code", "source": "print(x)"},
    ])
    cells = read_code_cells(path)
    assert [(c.number, c.source) for c in cells] == [(2, "x = 1\ny = 2"), (4, "print(x)")]
    assert cells[0].label == 'cell 2 ("x = 1")'


def test_malformed_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [\n  {"cell_type": ')
    with pytest.raises(NotebookError, match="line 2"):
        read_code_cells(path)


def test_find_notebook_prefers_the_expected_name_then_the_largest(tmp_path):
    write_notebook(tmp_path / "big.ipynb", [{"cell_type": "code", "source": "x" * 500}])
    write_notebook(tmp_path / "small.ipynb", [])
    assert find_notebook(tmp_path, "hw1.ipynb").name == "big.ipynb"
    write_notebook(tmp_path / "hw1.ipynb", [])
    assert find_notebook(tmp_path, "hw1.ipynb").name == "hw1.ipynb"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NotebookError, match="No notebook"):
        find_notebook(empty, "hw1.ipynb")


def test_checks_must_add_up_to_question_points():
    check = Check("Q1", "Q1 something", 3, lambda student, rng: None)
    with pytest.raises(ValueError, match="add up"):
        Assignment("x", "x.ipynb", {"Q1": 4}, [check])
    with pytest.raises(ValueError, match="must start with"):
        Assignment("x", "x.ipynb", {"Q1": 3}, [Check("Q1", "something", 3, check.run)])


def test_check_messages_say_expected_and_got():
    with pytest.raises(CheckFailed, match=r"expected \(784, 32\), got \(32, 784\)"):
        as_array(np.zeros((32, 784)), "weights[0]", (784, 32))
    with pytest.raises(CheckFailed, match="NaN"):
        expect_close(np.array([np.nan]), np.array([1.0]), "loss", 1e-6)


def test_redaction_hides_quotes_of_hidden_files():
    hidden = next(path for path in sorted(AUTOGRADER.glob("*/checks.py"))
                  if path.parent.name not in ENGINE_FOLDERS)  # any assignment's checks
    quoted = "\n".join(hidden.read_text().splitlines()[:5])
    assert "withheld" in redact(quoted)
    assert redact("name 'np' is not defined") == "name 'np' is not defined"


@pytest.fixture
def kernel():
    with isolated_kernel() as running:
        yield running


def test_kernel_stops_loops_and_survives_errors(kernel):
    assert kernel.execute("x = 41", 10).status == "ok"
    assert kernel.execute("while True:\n    pass", 1).status == "timeout"
    assert kernel.execute("1 / 0", 10).error.startswith("ZeroDivisionError")
    assert kernel.execute("print(x + 1)", 10).output_tail == "42\n"


RUNS_CODE_SENT_AS = """\
def _run_sent_code(stream, idents, message):
    exec(message["content"]["code"], get_ipython().user_ns)
get_ipython().kernel.shell_handlers["test_request"] = _run_sent_code
"""


def test_a_request_waits_and_stops_like_a_cell_but_is_no_cell(kernel):
    assert kernel.execute(RUNS_CODE_SENT_AS, 10).status == "ok"
    cells = "print(get_ipython().execution_count)"
    before = int(kernel.execute(cells, 10).output_tail)
    assert kernel.request("test_request", {"code": "x = 41"}, 10).status == "ok"
    assert kernel.request("test_request", {"code": "print(x + 1)"}, 10).output_tail == "42\n"
    assert kernel.request("test_request", {"code": "while True:\n    pass"}, 1).status == "timeout"
    assert kernel.request("test_request", {"code": "print(x)"}, 10).output_tail == "41\n"
    # IPython counted one cell more, not the four requests
    assert int(kernel.execute(cells, 10).output_tail) == before + 1


def test_a_call_the_probe_cannot_read_comes_back_as_an_error(kernel):
    load = LOAD_PROBE.format(name=PROBE_MODULE, path=str(kernel.control / PROBE_FILE))
    assert kernel.execute(load, 30).status == "ok"
    paths = {"request": str(kernel.control / "no.req"), "response": str(kernel.workdir / "a")}
    outcome = kernel.request(probe.CALL_REQUEST, paths, 10)
    assert outcome.status == "error" and outcome.error.startswith("FileNotFoundError")


def test_kernel_memory_is_capped(kernel):
    outcome = kernel.execute("hog = []\nwhile True:\n    hog.append(bytearray(10**7))", 20)
    assert outcome.status == "error" and "MemoryError" in outcome.error


def test_kernel_death_is_reported(kernel):
    assert kernel.execute("import os\nos._exit(3)", 10).status == "died"
    assert not kernel.alive()


def test_kernel_goes_without_pandas_and_debugpy_but_imports_its_own_modules(kernel):
    for name in WITHOUT_PACKAGES:
        outcome = kernel.execute(f"import {name}", 10)
        assert outcome.error == f"ModuleNotFoundError: No module named '{name}'"
    assert kernel.execute("open('mine.py', 'w').write('X = 42')", 10).status == "ok"
    assert kernel.execute("import mine, numpy\nprint(mine.X)", 30).output_tail == "42\n"


def test_the_kernels_font_list_is_made_once_in_the_graders_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    font_lists.cache_clear()
    try:
        (made,) = font_lists()
        assert json.loads(made.read_text())["ttflist"]  # the fonts matplotlib found
        assert [p.name for p in (tmp_path / "coursekit").iterdir()] == [made.parent.name]
        built = made.stat().st_mtime_ns
        font_lists.cache_clear()
        assert font_lists() == [made] and made.stat().st_mtime_ns == built  # not made again
    finally:
        font_lists.cache_clear()


def test_kernel_finds_matplotlibs_font_list_ready_made(kernel):
    (font_list,) = (kernel.workdir / MATPLOTLIB_FOLDER).glob("fontlist-*.json")
    placed = font_list.stat().st_mtime_ns
    assert kernel.execute("import matplotlib.pyplot as plt\nplt.plot([1, 2])", 60).status == "ok"
    assert font_list.stat().st_mtime_ns == placed  # read, not built again


def test_the_isolation_check_fails_for_a_python_without_the_kernel():
    without_site = subprocess.run([sys.executable, "-S", "-c", FINDS_KERNEL],
                                  capture_output=True, text=True)
    assert without_site.returncode == 1
    assert "cannot find ['ipykernel', 'zmq']" in without_site.stderr
    assert subprocess.run([sys.executable, "-c", FINDS_KERNEL]).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="run user ids are leased only by root")
def test_kernel_runs_as_a_user_id_of_its_own(kernel):
    outcome = kernel.execute("import os\nprint(os.geteuid())", 10)
    uid = int(outcome.output_tail)
    assert uid == kernel.user.uid and uid >= RUN_UID_BASE


def test_a_shared_run_happens_once_per_student_and_so_does_its_failure():
    class Someone:  # a student, as far as the memo is concerned
        pass

    calls = []

    @once_per_student
    def expensive(student):
        calls.append(student)
        if len(calls) == 2:
            raise CheckFailed("the second student's run fails")
        return len(calls)

    first, second = Someone(), Someone()
    assert [expensive(first), expensive(first)] == [1, 1]
    for _ in range(2):
        with pytest.raises(CheckFailed, match="second student"):
            expensive(second)
    assert calls == [first, second]


def test_a_failure_built_on_a_failed_question_says_to_fix_that_one_first():
    def fails(student, rng):
        raise CheckFailed("wrong.")

    def passes(student, rng):
        return None

    train = uses("train", forward="Q1", backward="Q2")
    checks = [Check("Q1", "Q1 forward", 1, fails), Check("Q2", "Q2 backward", 1, passes),
              Check("Q3", "Q3 train", 1, fails, uses=train),
              Check("Q3", "Q3 train again", 1, passes, uses=train)]
    class Someone:  # a student, as far as judging is concerned
        def forget(self):
            pass

    verdicts = judge_all(checks, Someone(), "x")
    assert [v.message for v in verdicts] == [
        "wrong.", "Passed.", "train calls your forward, which fails Q1: fix Q1 first. wrong.",
        "Passed."]
    both = train.note({"Q1", "Q2"})
    assert both == ("train calls your forward (Q1) and your backward (Q2), which fail their "
                    "own checks: fix Q1 and Q2 first. ")
    assert train.note({"Q3"}) == ""
