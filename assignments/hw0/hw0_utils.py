"""HW0's helpers: the small network each student works through by hand, made from their ID.

Ships beside hw0.ipynb; the grader makes the same network from the same ID.
"""

import hashlib

import numpy as np


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
    the output differs from the target. A ValueError, saying so, if ``student_id`` is not a
    non-empty string.
    """
    if not isinstance(student_id, str) or not normalize_student_id(student_id):
        raise ValueError(f"STUDENT_ID should be your student ID as a string, e.g. "
                         f"STUDENT_ID = \"12345678\"; it is {student_id!r}. Set it in the cell "
                         "above this one (Q4).")
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
