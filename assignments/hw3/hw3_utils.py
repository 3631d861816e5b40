"""HW3's helpers: the names of FashionMNIST's ten classes, and importing TensorFlow quietly.

Ships beside hw3.ipynb.
"""

import contextlib
import os
import sys

CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot")  # CLASS_NAMES[label] for labels 0 to 9


@contextlib.contextmanager
def process_stderr_silenced():
    """Send what is written straight to the process's stderr (file descriptor 2, where C++ code
    writes) to the null device; Python's own ``sys.stderr`` in a notebook is not affected."""
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def quiet_tensorflow() -> None:
    """Import TensorFlow and Keras without the notes TensorFlow's C++ core writes as it starts
    (oneDNN, CPU instructions, absl), which a notebook shows in red although they are not
    errors, and with its later C++ log lines hidden (``TF_CPP_MIN_LOG_LEVEL=3``, unless it is
    already set). Call it before anything imports TensorFlow; Python's errors and warnings still
    show."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with process_stderr_silenced():
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
