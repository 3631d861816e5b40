"""The from-scratch lecture demo: every training image is used every epoch, the gradients are
right, and the notebook runs top to bottom to about 97% test accuracy."""

from __future__ import annotations

import re
import sys

import nbformat
import numpy as np
import pytest

from course_utils import rel_error
from coursekit.paths import ROOT
from coursekit.release import execute_source

LECTURES = ROOT / "lectures"
sys.path.insert(0, str(LECTURES))

from from_scratch import Network, batches  # noqa: E402


def original_batches(n: int, batch_size: int) -> list[np.ndarray]:
    """The course's original loop, kept here to show what it misses."""
    order, out = np.arange(n), []
    for begin in range(0, n, batch_size):
        end = min(begin + batch_size, n - 1)
        out.append(order[begin:end])
    return out


@pytest.mark.parametrize("n", [1_000, 1_024, 60_000])
def test_every_training_image_is_in_exactly_one_batch_of_an_epoch(n):
    seen = np.concatenate(batches(n, 128, np.random.default_rng(0)))
    assert np.array_equal(np.sort(seen), np.arange(n))
    assert max(len(b) for b in batches(n, 128, np.random.default_rng(1))) == 128


def test_the_original_loop_drops_the_last_image_and_ours_does_not():
    n = 1_000
    assert n - 1 not in np.concatenate(original_batches(n, 128))
    assert n - 1 in np.concatenate(batches(n, 128, np.random.default_rng(0)))


def test_gradients_match_central_differences():
    rng = np.random.default_rng(3)
    network = Network((6, 5, 3), rng=rng)
    X, y = rng.uniform(size=(7, 6)), rng.integers(0, 3, 7)
    analytic = network.gradients(X, y)
    for name, param in network.params.items():
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + 1e-6
            plus = network.loss(X, y)
            param[index] = saved - 1e-6
            minus = network.loss(X, y)
            param[index] = saved
            numeric[index] = (plus - minus) / 2e-6
        assert rel_error(analytic[name], numeric) < 1e-6, name


@pytest.mark.slow
def test_the_demo_notebook_runs_and_reaches_about_97_percent():
    path = LECTURES / "from_scratch_demo.ipynb"
    notebook = nbformat.read(path, as_version=4)
    execute_source(notebook, LECTURES, path, {})
    printed = "".join(o.get("text", "") for o in notebook.cells[2].outputs)
    final = re.findall(r"epoch 10: test loss [\d.]+, test accuracy ([\d.]+)%", printed)
    assert final and float(final[0]) >= 96.5, printed
