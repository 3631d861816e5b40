"""HW2's helpers: MNIST's 3s and 9s, for a binary classifier.

Ships beside hw2.ipynb (with course_utils, which it uses); the grader selects the same rows.
"""

import numpy as np

from course_utils import load_dataset


def select_3_vs_9(images, labels):
    """The rows of ``images`` that show a 3 or a 9, and their labels as an (n, 1) array of
    booleans, True for a 9."""
    keep = (labels == 3) | (labels == 9)
    return images[keep], (labels[keep] == 9).reshape(-1, 1)


def load_mnist_3_vs_9():
    """MNIST digits 3 and 9 only, for a binary classifier: X_train (12080, 784) float64 in
    [0, 1], y_train (12080, 1) float64 with 0.0 for a 3 and 1.0 for a 9, X_test (2019, 784),
    y_test (2019, 1). In the order of the original files."""
    x_train, y_train, x_test, y_test = load_dataset("mnist")
    pairs = []
    for x, y in ((x_train, y_train), (x_test, y_test)):
        images, nines = select_3_vs_9(x, y)
        pairs += [images, nines.astype(np.float64)]
    return tuple(pairs)
