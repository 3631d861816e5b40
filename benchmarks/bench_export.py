"""`coursekit export` of a class of 200 HW2 submissions: wall time, CPU time and peak memory.

Each submission is the HW2 solution with its two plot cells holding a PNG (the misclassified
images, the loss curves; five variants drawn once with matplotlib) and text varied per student
(a sentence with some math added to every written answer). The command runs as an instructor
runs it, one PDF per worker at a time (default: one worker per core), measured with
``measure.py`` over every process it starts. Target: the class in under 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
from measure import measure  # noqa: E402
from submissions import solved, write  # noqa: E402

from autograder.engine.sandbox import isolation  # noqa: E402

TARGET_S = 15 * 60
WORDS = ("gradient step loss saturates ReLU sigmoid overflow cache weights batch digit loop "
         "slanted thin stroke noise spikes diverges clipped").split()


def png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plots(seed: int) -> dict[str, str]:
    """One variant of HW2's two plots, at the sizes the notebook draws them."""
    rng = np.random.default_rng(seed)
    gallery, axes = plt.subplots(3, 8, figsize=(10, 4))
    for ax in axes.flat:
        ax.imshow(rng.random((28, 28)), cmap="gray_r")
        ax.set_title("pred 9, true 3", fontsize=7)
        ax.axis("off")
    curves, axes = plt.subplots(1, 2, figsize=(11, 3.5), sharey=True)
    for ax in axes:
        ax.plot(np.abs(rng.normal(size=600)).cumsum()[::-1] / 300, alpha=0.5)
        ax.set(xlabel="step", ylabel="mean loss", yscale="log")
    return {"mistakes": png(gallery), "step-size-run": png(curves)}


def class_of(count: int, folder: Path) -> None:
    """``count`` submissions in ``folder``, student000.ipynb and so on."""
    base = solved("hw2")
    variants = [plots(seed) for seed in range(5)]
    rng = random.Random(0)
    for number in range(count):
        notebook = nbformat.from_dict(base)
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if grade_id in variants[0]:
                cell.outputs = [nbformat.v4.new_output("display_data", data={
                    "image/png": variants[number % 5][grade_id], "text/plain": "<Figure>"})]
            elif grade_id.startswith("written-") and not grade_id.endswith("-question"):
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 40)))
                cell.source += f"\n\nAlso, {words}, with $\\eta = {rng.randint(1, 20)}$."
        write(notebook, folder / f"student{number:03d}.ipynb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(f"isolation: {isolation().summary()} (LaTeX runs there too)")
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "class", Path(tmp) / "out"
        class_of(args.submissions, folder)
        run = measure([sys.executable, "-m", "coursekit", "export", "hw2", str(folder),
                       "--out", str(out), "--workers", str(args.workers)],
                      stderr=subprocess.DEVNULL)
        with (out / "export.csv").open(newline="") as handle:
            rows = list(csv.DictReader(handle))[1:]
    troubled = sum(1 for row in rows if row["problems"])
    pages = {row["pages"] for row in rows}
    print(f"\n{len(rows)} HW2 submissions (4 written questions, 2 plots each), "
          f"{args.workers} workers, {os.cpu_count()} cores")
    print(f"wall time:                {run.wall:6.1f} s   (target < {TARGET_S} s)")
    print(f"per submission:           {run.wall / len(rows):6.2f} s wall, "
          f"{run.cpu / len(rows):.2f} s CPU")
    print(f"CPU time (all processes): {run.cpu:6.1f} s")
    print(f"peak resident memory:     {run.peak_rss / 1e6:6.0f} MB (sum over processes)")
    print(f"pages per PDF:            {', '.join(sorted(pages))}; "
          f"submissions with problems: {troubled}")


if __name__ == "__main__":
    main()
