"""Batch grading never loses a submission: dead or hung workers are replaced, then explained."""

from __future__ import annotations

import json
import sys

from toy import TOY

from coursekit.grade import Job, run_batch

# A stand-in worker: argv is [out, tries]; it counts its tries, then behaves as told.
WORKER = """\
import json, os, signal, sys, time
out, tries, plan = sys.argv[1], sys.argv[2], sys.argv[3]
attempt = len(open(tries).read()) + 1 if os.path.exists(tries) else 1
open(tries, 'a').write('x')
if plan == 'dies-once' and attempt == 1:
    os.kill(os.getpid(), signal.SIGKILL)
if plan == 'always-exits':
    sys.exit(3)
if plan == 'hangs':
    time.sleep(60)
os.makedirs(os.path.dirname(out), exist_ok=True)
json.dump({'score': 7, 'tests': [], 'attempt': attempt}, open(out, 'w'))
"""


def job(tmp_path, plan: str) -> Job:
    out = tmp_path / plan / "results.json"
    return Job([sys.executable, "-c", WORKER, str(out), str(tmp_path / f"{plan}.tries"), plan],
               out, plan)


def test_dead_and_hung_workers_are_replaced_then_explained(tmp_path):
    plans = ["fine", "dies-once", "always-exits", "hangs"]
    jobs = [job(tmp_path, plan) for plan in plans]
    results = run_batch(TOY, jobs, workers=2, time_limit=3)
    assert results[0]["attempt"] == 1 and results[0]["score"] == 7
    assert results[1]["attempt"] == 2 and results[1]["score"] == 7
    assert "grader_restarts" not in results[0].get("extra_data", {})
    assert results[1]["extra_data"]["grader_restarts"] == ["killed by signal 9"]
    assert (tmp_path / "dies-once" / "feedback.html").exists()
    for failed, why in ((results[2], "exit code 3, exit code 3"),
                        (results[3], "still running after 3 s, still running after 3 s")):
        assert failed["score"] == 0 and why in failed["output"]
        assert [t["name"] for t in failed["tests"]] == [c.name for c in TOY.checks]
        assert len(failed["extra_data"]["grader_restarts"]) == 2
    for one in jobs:
        assert json.loads(one.out.read_text())["score"] in (0, 7)
    assert [one.attempts for one in jobs] == [1, 2, 2, 2]
