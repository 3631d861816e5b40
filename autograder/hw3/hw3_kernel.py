"""Judge-owned code that HW3's checks run inside the student's kernel (a read-only copy).

The student's model never leaves the kernel: the checks keep it behind a handle, and the
engine's ``keras_kernel`` (shipped beside this module) turns it into numbers only. Nothing here
is trusted either: the judge rebuilds the forward pass from those numbers in numpy and computes
every accuracy and loss itself.

The datasets are the ``fashion_*.npy`` files (uint8) the judge writes beside this module. They
are handed to ``train_model`` as float32 tensors built in place, without a second copy, so the
full training set fits the kernel's memory cap next to TensorFlow.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
IMAGE_SHAPE = (28, 28)
CHUNK_ROWS = 5_000  # rows converted at a time; the float32 copy is built in place
ALIGNMENT = 64  # bytes: TensorFlow adopts a buffer without copying only when it is aligned


def keras_modules():
    """(tensorflow, keras), imported here so the module can be read without them."""
    import keras
    import tensorflow as tf
    return tf, keras


def aligned_float32(shape: tuple[int, ...]) -> np.ndarray:
    """An uninitialised float32 array of ``shape`` whose data starts on an ALIGNMENT boundary."""
    size = int(np.prod(shape)) * 4
    buffer = np.empty(size + ALIGNMENT, dtype=np.uint8)
    offset = (-buffer.ctypes.data) % ALIGNMENT
    return buffer[offset:offset + size].view(np.float32).reshape(shape)


def images(part: str, rows: int | None = None):
    """Images ``part`` ("train" or "test") as a float32 tensor of shape (n, 28, 28) in [0, 1],
    sharing memory with one aligned numpy buffer."""
    tf, _ = keras_modules()
    with open(HERE / f"fashion_{part}_images.npy", "rb") as file:
        np.lib.format.read_magic(file)
        shape, _, _ = np.lib.format.read_array_header_1_0(file)
        n = shape[0] if rows is None else min(rows, shape[0])
        out = aligned_float32((n, *IMAGE_SHAPE))
        block = np.empty((CHUNK_ROWS, shape[1]), dtype=np.uint8)  # read a chunk at a time
        for start in range(0, n, CHUNK_ROWS):
            count = min(CHUNK_ROWS, n - start)
            file.readinto(memoryview(block)[:count])
            out[start:start + count] = block[:count].reshape(-1, *IMAGE_SHAPE) / np.float32(255)
    return tf.experimental.dlpack.from_dlpack(out.__dlpack__())


def labels(part: str, rows: int | None = None):
    """Labels ``part`` as an int64 tensor of shape (n,)."""
    tf, _ = keras_modules()
    raw = np.load(HERE / f"fashion_{part}_labels.npy", mmap_mode="r")[:rows]
    return tf.constant(np.asarray(raw, dtype=np.int64))


def tidy() -> None:
    """Give back the memory of what the notebook and earlier checks left unreachable (old
    Keras graphs and freed buffers), so that the full training set fits under the cap."""
    import ctypes
    import gc

    _, keras = keras_modules()
    keras.backend.clear_session()
    gc.collect()
    ctypes.CDLL(None).malloc_trim(0)


def seeded_model(build_model, seed: int):
    """The student's ``build_model()`` after seeding Python, numpy and TensorFlow with ``seed``.

    The kernel runs TensorFlow on one thread, which makes training deterministic by itself. Op
    determinism (which the notebook may have turned on) is turned off: with it, ``model.fit``
    keeps a second copy of the training images, 188 MB more than the memory cap allows for.
    """
    _, keras = keras_modules()
    from tensorflow.python.framework import config

    config.disable_op_determinism()
    keras.utils.set_random_seed(seed)
    return build_model()


def train(train_model, model, epochs: int, batch_size: int, train_rows: int | None = None,
          test_rows: int | None = None):
    """The student's ``train_model`` on the first ``train_rows`` training images (all by
    default) with the first ``test_rows`` test images; returns what it returns (the judge keeps
    it in the kernel and asks ``keras_kernel.history_numbers`` for its numbers)."""
    tidy()
    return train_model(model, images("train", train_rows), labels("train", train_rows),
                       images("test", test_rows), labels("test", test_rows), epochs, batch_size)
