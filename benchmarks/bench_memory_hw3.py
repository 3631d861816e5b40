"""What holds how much memory while HW3 is graded: the student's kernel stage by stage (Python,
TensorFlow and Keras imported, the full training set as tensors, the model, training), and the
judge. Each side runs in a fresh process through the judge-owned ``hw3_kernel`` functions the
checks use, the kernel's side as the kernel runs: with its environment (one TensorFlow thread) and
without the packages it goes without. Resident sizes in MB; "peak" is the highest resident size
while that stage ran.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

KERNEL_SIDE = """
import os, sys
sys.path.insert(0, {root!r})
def resident():
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return [int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")]
def stage(name):
    now, peak = resident()
    print(f"{{name}}|{{now:.0f}}|{{peak:.0f}}", flush=True)
    open("/proc/self/clear_refs", "w").write("5")  # the next stage's peak starts here
stage("Python and numpy")
import keras, tensorflow
stage("TensorFlow and Keras imported")
from autograder.engine.assignment import load_assignment
from autograder.engine.inline import rows_folder
folder = rows_folder(load_assignment("hw3"))
import runpy
kernel = runpy.run_path(str(folder / "hw3_kernel.py"))
from autograder.hw3 import reference
images, labels = kernel["images"]("train"), kernel["labels"]("train")
test_images, test_labels = kernel["images"]("test", 1000), kernel["labels"]("test", 1000)
stage("training set (60,000) and 1,000 test images as tensors")
model = kernel["seeded_model"](reference.build_model, 0)
stage("model built and compiled")
reference.train_model(model, images, labels, test_images, test_labels, 10, 128)
stage("10 epochs of training")
"""

JUDGE_SIDE = """
import sys
sys.path.insert(0, {root!r})
def resident():
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return [int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")]
import autograder.engine.judge, coursekit.grade
from autograder.hw3 import checks
checks.test_set()
now, peak = resident()
print(f"judge: engine, HW3's checks and the test set|{{now:.0f}}|{{peak:.0f}}")
"""


def run(script: str, env: dict, prelude: str = "") -> list[tuple[str, float, float]]:
    done = subprocess.run([sys.executable, "-c", prelude + script.format(root=str(ROOT))],
                          env=env, capture_output=True, text=True, check=True)
    rows = [line.split("|") for line in done.stdout.splitlines() if line.count("|") == 2]
    return [(name, float(now), float(peak)) for name, now, peak in rows]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from autograder.engine.assignment import load_assignment
    from autograder.engine.kernel import PUTS_PACKAGES_AWAY

    env = {**os.environ, **load_assignment("hw3").kernel_env, "OMP_NUM_THREADS": "1"}
    print(f"{'stage':58s} {'after':>7s} {'peak':>7s}")
    previous = 0.0
    for name, now, peak in run(KERNEL_SIDE, env, PUTS_PACKAGES_AWAY):
        print(f"kernel: {name:50s} {now:6.0f}  {peak:6.0f}   (+{now - previous:.0f} MB)")
        previous = now
    for name, now, peak in run(JUDGE_SIDE, dict(os.environ)):
        print(f"{name:58s} {now:6.0f}  {peak:6.0f}")


if __name__ == "__main__":
    main()
