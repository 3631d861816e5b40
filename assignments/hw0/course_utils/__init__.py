"""course_utils: the helpers every course notebook may import (data loading, ``rel_error``).

A package of its own, standalone (numpy and the standard library only). Each release ships a copy
beside its notebook, the grader puts the same copy beside the student's notebook, and the hidden
checks import it too, so students and the grader load data the same way.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np

IDX_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
CLASS_NAMES_FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                       "Sneaker", "Bag", "Ankle boot")
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
        "Put the data folder from your course beside this notebook (as data/" + name + "), or, "
        "inside the course kit, run `coursekit data`.")


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


def load_scaled(name: str):
    """``(X_train, y_train, X_test, y_test)`` with pixels as float64 in [0, 1].

    When the autograder re-runs your notebook it loads only the first rows (it trains your
    functions on the full data itself), so derive sizes from the arrays, not from constants.
    """
    x_train, y_train, x_test, y_test = load_dataset_uint8(name)
    rows = subset_size()
    if rows is not None:
        x_train, y_train, x_test, y_test = (a[:rows] for a in (x_train, y_train, x_test, y_test))
    return (np.divide(x_train, 255.0, dtype=np.float64), y_train,
            np.divide(x_test, 255.0, dtype=np.float64), y_test)


def load_mnist():
    """MNIST: X_train (60000, 784) float64 in [0, 1], y_train (60000,) int64, X_test (10000, 784),
    y_test (10000,)."""
    return load_scaled("mnist")


def load_fashion_mnist():
    """FashionMNIST, with the same shapes and types as :func:`load_mnist`."""
    return load_scaled("fashion-mnist")


def select_3_vs_9(images, labels):
    """The rows of ``images`` that show a 3 or a 9, and their labels as an (n, 1) array of
    booleans, True for a 9."""
    keep = (labels == 3) | (labels == 9)
    return images[keep], (labels[keep] == 9).reshape(-1, 1)


def load_mnist_3_vs_9():
    """MNIST digits 3 and 9 only, for a binary classifier: X_train (12080, 784) float64 in
    [0, 1], y_train (12080, 1) float64 with 0.0 for a 3 and 1.0 for a 9, X_test (2019, 784),
    y_test (2019, 1). In the order of the original files."""
    x_train, y_train, x_test, y_test = load_scaled("mnist")
    pairs = []
    for x, y in ((x_train, y_train), (x_test, y_test)):
        images, nines = select_3_vs_9(x, y)
        pairs += [images, nines.astype(np.float64)]
    return tuple(pairs)


def normalize_student_id(student_id) -> str:
    """A student ID as one comparable string: surrounding spaces dropped, letters lower-cased
    (so ``" A123 "`` and ``"a123"`` name the same student)."""
    return str(student_id).strip().lower()


def hand_network(student_id) -> dict:
    """HW0's 1-4-1 ReLU network for one student, derived from their ID (the same ID gives the
    same network, in the notebook and in the grader).

    Returns a dict of small integers:
    - "W1": shape (1, 4) and "b1": shape (4,), the hidden layer (ReLU)
    - "W2": shape (4, 1) and "b2": shape (1,), the linear output
    - "x": the input, 2.0, and "y": the target of the loss (y_hat - y) ** 2 / 2

    At x = 2 no hidden unit sits on its kink, at least one is off and at least two are on, and
    the output differs from the target.
    """
    key = normalize_student_id(student_id).encode()
    seed = int.from_bytes(hashlib.sha256(b"hw0-hand-network/" + key).digest()[:8], "little")
    rng = np.random.default_rng(seed)
    nonzero = np.array([-3, -2, -1, 1, 2, 3])
    while True:
        W1 = rng.choice(nonzero, size=(1, 4)).astype(np.float64)
        b1 = rng.integers(-4, 5, size=4).astype(np.float64)
        W2 = rng.choice(nonzero, size=(4, 1)).astype(np.float64)
        b2 = rng.integers(-3, 4, size=1).astype(np.float64)
        y = float(rng.integers(-5, 6))
        z = 2.0 * W1[0] + b1
        y_hat = float(np.maximum(z, 0.0) @ W2[:, 0] + b2[0])
        if np.all(z != 0) and np.sum(z < 0) >= 1 and np.sum(z > 0) >= 2 and y_hat != y:
            return {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "x": 2.0, "y": y}
