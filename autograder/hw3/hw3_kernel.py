"""Judge-owned code that HW3's checks run inside the student's kernel (a read-only copy).

The student's model never leaves the kernel: the checks keep it behind a handle, and the
functions here turn it into numbers only (layer descriptions as plain values, weights as
arrays). Nothing here is trusted either: the judge rebuilds the forward pass from those numbers
in numpy and computes every accuracy and loss itself.

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
PROBE_ROWS = 20  # grader inputs on which the model's own output is compared with its layers


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
    default) with the first ``test_rows`` test images; returns the history as numbers:
    {key: [one float per epoch]}, or a description of what came instead."""
    tidy()
    history = train_model(model, images("train", train_rows), labels("train", train_rows),
                          images("test", test_rows), labels("test", test_rows), epochs,
                          batch_size)
    return history_numbers(history)


def history_numbers(history):
    """A Keras ``History`` or a dict of per-epoch values as {key: [float, ...]}; anything else
    as its type name."""
    values = getattr(history, "history", history)
    if not isinstance(values, dict):
        return type(history).__name__
    out = {}
    for key, series in values.items():
        try:
            out[str(key)] = [float(v) for v in series]
        except (TypeError, ValueError):
            out[str(key)] = type(series).__name__
    return out


def built(model):
    """``model`` with its weights created (a subclassed model creates them on its first call)."""
    tf, _ = keras_modules()
    if not model.built or not model.weights:
        model(tf.zeros((1, *IMAGE_SHAPE)))
    return model


def activation_name(function) -> str:
    """The name of a Keras activation function (``"linear"`` when there is none)."""
    if function is None:
        return "linear"
    return str(getattr(function, "__name__", type(function).__name__))


def describe_layer(layer) -> dict:
    """One layer as plain values: type, units, activation, whether it has a bias, and the
    target shape of a Reshape."""
    kind = type(layer).__name__
    description = {"type": kind, "name": str(layer.name)}
    if hasattr(layer, "target_shape"):
        description["target_shape"] = [int(d) for d in layer.target_shape]
    if hasattr(layer, "units"):
        description["units"] = int(layer.units)
        description["use_bias"] = bool(getattr(layer, "use_bias", True))
    if hasattr(layer, "activation"):
        description["activation"] = activation_name(layer.activation)
    if kind == "ReLU":
        description["activation"] = "relu"
    if kind == "Softmax":
        description["activation"] = "softmax"
    return description


def loss_of(model) -> dict:
    """The loss ``model`` was compiled with: its name and whether it reads logits."""
    loss = getattr(model, "loss", None)
    if loss is None:
        return {"name": None, "from_logits": False}
    if isinstance(loss, str):
        return {"name": loss, "from_logits": False}
    config = loss.get_config() if hasattr(loss, "get_config") else {}
    name = getattr(loss, "fn", loss)
    return {"name": str(getattr(name, "__name__", type(loss).__name__)),
            "from_logits": bool(config.get("from_logits", False))}


def describe(model, probe_seed: int = 0) -> dict:
    """What the judge needs from ``model``, as numbers only:

    - layers: :func:`describe_layer` for each layer, in order
    - weights: for each layer, its weight arrays (a Dense layer: kernel (n_in, units), bias)
    - parameters: the total count Keras reports
    - loss: :func:`loss_of`; steps: how many optimizer steps were taken (0 if not compiled)
    - probe: PROBE_ROWS uniform images (seeded by ``probe_seed``) and the model's output on them
    """
    built(model)
    optimizer = getattr(model, "optimizer", None)
    probe = np.random.default_rng(probe_seed).uniform(0, 1, (PROBE_ROWS, *IMAGE_SHAPE))
    probe = probe.astype(np.float32)
    return {
        "layers": [describe_layer(layer) for layer in model.layers],
        "weights": [[np.asarray(w) for w in layer.get_weights()] for layer in model.layers],
        "parameters": int(model.count_params()),
        "loss": loss_of(model),
        "steps": int(optimizer.iterations.numpy()) if optimizer is not None else 0,
        "probe": probe,
        "probe_output": np.asarray(model(probe, training=False)),
    }
