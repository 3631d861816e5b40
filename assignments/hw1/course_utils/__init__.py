"""course_utils: what every assignment uses: ``rel_error`` and loading a dataset by name.

A package of its own, standalone (numpy and the standard library only). Each release ships a copy
beside its notebook, the grader puts the same copy beside the student's notebook, and the hidden
checks import it too, so students and the grader load data the same way. What only one
assignment needs ships beside that assignment's notebook instead (e.g. ``hw0_utils.py``, from
``solutions/hw0/``).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

IDX_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
SUBSET_VARIABLE = "COURSEKIT_GRADING_SUBSET"


def rel_error(x, y) -> float:
    """Relative error between two arrays of the same shape: |x - y| / (|x| + |y|), with |.| the
    Euclidean norm over all entries (0 when both are zero, inf when x or y is not finite).

    Around 1e-9 means two computations agree (an analytic gradient and a finite-difference one,
    say); above 1e-6 points to a bug.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return float("inf")
    denominator = np.linalg.norm(x) + np.linalg.norm(y)
    return 0.0 if denominator == 0 else float(np.linalg.norm(x - y) / denominator)


def find_data_dir(name: str) -> Path:
    """The folder holding the four idx files of dataset ``name`` ("mnist" or "fashion-mnist").

    Looks in ``$COURSEKIT_DATA/<name>``, then in ``data/<name>`` beside this file and beside each
    of its parent folders.
    """
    here = Path(__file__).absolute().parent
    places = [Path(os.environ["COURSEKIT_DATA"]) / name] if os.environ.get("COURSEKIT_DATA") else []
    places += [folder / "data" / name for folder in (here, *here.parents)]
    for place in places:
        if all((place / file).is_file() for file in IDX_FILES.values()):
            return place
    looked = "\n  ".join(str(p) for p in places[:4])
    raise FileNotFoundError(
        f"The {name} data files were not found. Looked in:\n  {looked}\n  ...\n"
        f"The data comes in the assignment's zip, as the folder data/{name}: unzip that zip "
        "into the notebook's folder again, or ask your course staff for it. (Course staff: "
        "`coursekit data` provisions it inside the course kit.)")


def read_idx(path: Path) -> np.ndarray:
    """The uint8 array in an idx file (gzipped or not): images (n, rows, cols), labels (n,)."""
    path = Path(path)
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08 or raw[3] not in (1, 3):
        raise ValueError(f"{path} is not a uint8 idx file (bad magic number).")
    dims = raw[3]
    header = 4 + 4 * dims
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    if len(raw) != header + int(np.prod(shape)):
        raise ValueError(f"{path} is damaged: its header promises {shape} values, but it holds "
                         f"{len(raw) - header}.")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def subset_size() -> int | None:
    """How many rows the autograder asks notebooks to load, or None for all of them."""
    value = os.environ.get(SUBSET_VARIABLE)
    return int(value) if value else None


def load_dataset_uint8(name: str):
    """``(x_train, y_train, x_test, y_test)``: images uint8 of shape (n, 784), labels int64 (n,)."""
    folder = find_data_dir(name)
    arrays = [read_idx(folder / IDX_FILES[key]) for key in IDX_FILES]
    x_train, y_train, x_test, y_test = arrays
    return (x_train.reshape(len(x_train), -1), y_train.astype(np.int64),
            x_test.reshape(len(x_test), -1), y_test.astype(np.int64))


def load_dataset(name: str):
    """Dataset ``name`` ("mnist", "fashion-mnist", ...) as ``(X_train, y_train, X_test, y_test)``:
    images float64 in [0, 1] of shape (n, 784), labels int64 (n,). For MNIST, X_train is
    (60000, 784) and X_test (10000, 784).

    When the autograder re-runs your notebook it loads only the first rows (it trains your
    functions on the full data itself), so derive sizes from the arrays, not from constants.
    """
    x_train, y_train, x_test, y_test = load_dataset_uint8(name)
    rows = subset_size()
    if rows is not None:
        x_train, y_train, x_test, y_test = (a[:rows] for a in (x_train, y_train, x_test, y_test))
    return (np.divide(x_train, 255.0, dtype=np.float64), y_train,
            np.divide(x_test, 255.0, dtype=np.float64), y_test)
