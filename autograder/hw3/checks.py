"""HW3's hidden checks: a FashionMNIST classifier in Keras (Flatten → 256 → 128 → 64 → 10).

The judge never imports TensorFlow and never asks the student's model for a prediction or an
evaluation it then believes. Judge-owned code in :mod:`autograder.hw3.hw3_kernel` runs in the
student's kernel: it seeds and calls ``build_model()`` and ``train_model(...)`` there, keeps the
model behind a handle, and sends back each layer's type, units and activation as plain values and
the weights as arrays. Here the forward pass is rebuilt in numpy from those numbers, and every
loss and accuracy is computed from it.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np

from autograder.engine import keras_model
from autograder.engine.assignment import Calibration
from autograder.engine.checks import (
    Check,
    CheckFailed,
    Measured,
    Student,
    as_array,
    once_per_student,
    seeded_rng,
)
from autograder.engine.keras_model import KNOWN_LAYERS, Model, Reshape, as_model
from autograder.engine.probe import KernelFunction
from autograder.engine.toolkit import judge_functions, reaches_threshold
from course_utils import load_dataset_uint8

KERNEL_MODULE = Path(__file__).with_name("hw3_kernel.py")
KERAS_KERNEL = Path(keras_model.__file__).with_name("keras_kernel.py")  # the engine's, read-only
CALIBRATION_REPORT = Path(__file__).with_name("calibration.json")
UNITS = (256, 128, 64, 10)
IMAGE_SHAPE = (28, 28)
PARAMETERS = 242_762
LOSS_NAME = "sparse_categorical_crossentropy"
PROBABILITY_CLIP = 1e-7  # Keras clips probabilities to [1e-7, 1 - 1e-7] before the log
EPOCH_LIMITS = (1, 20)  # the grader's full run uses the notebook's EPOCHS within these bounds
BATCH_LIMITS = (16, 2048)
TRAIN_SECONDS = 300  # one full training run in the student's kernel, at most
FULL_RUN_TEST_ROWS = 1_000  # what train_model measures after each epoch; the judge uses all
SHORT_RUN = {"epochs": 2, "batch_size": 100, "train_rows": 1_500, "test_rows": 500}


judge_function = judge_functions(KERNEL_MODULE)
keras_function = judge_functions(KERAS_KERNEL)


BUILD_MODEL, TRAIN_MODEL = KernelFunction("build_model"), KernelFunction("train_model")


def fashion(part: int) -> np.ndarray:
    """One of FashionMNIST's arrays, read afresh: 0 training images (60000, 784) uint8, 1 their
    labels (60000,) int64, 2 and 3 the same for the test set. Only the kernel needs the
    training set (from the files ROWS writes), so the judge keeps none of it in memory."""
    return load_dataset_uint8("fashion-mnist")[part]


@functools.cache
def test_set() -> tuple[np.ndarray, np.ndarray]:
    """The test images (10000, 784) uint8 and labels (10000,) int64, kept by the judge."""
    return fashion(2), fashion(3)


def built_model(student: Student, seed: int):
    """A handle to the student's model from ``build_model()`` after seeding with ``seed``."""
    return student.call(judge_function("seeded_model"), BUILD_MODEL, seed, keep=True)


def describe(student: Student, model) -> Model:
    return as_model(student.call(keras_function("describe"), model, IMAGE_SHAPE), IMAGE_SHAPE)


def trained(student: Student, seed: int, epochs: int, batch_size: int,
            train_rows: int | None = None, test_rows: int | None = None,
            timeout: float | None = None) -> tuple[dict, Model]:
    """(history as {key: [per-epoch values]}, the trained model) after ``build_model()`` from
    ``seed`` and ``train_model`` on the first ``train_rows`` training images (all by default)."""
    model = built_model(student, seed)
    returned = student.call(judge_function("train"), TRAIN_MODEL, model, epochs, batch_size,
                            train_rows, test_rows, timeout=timeout, keep=True)
    history = student.call(keras_function("history_numbers"), returned)
    if not isinstance(history, dict):
        raise CheckFailed(f"train_model should return the History that model.fit returns "
                          f"(or its .history dict); it returned a {history}.")
    return history, describe(student, model)


@once_per_student
def short_run(student: Student) -> tuple[dict, Model]:
    """A two-epoch run on 1,500 training and 500 test images from a grader seed, shared by the
    checks of Q3."""
    return trained(student, int(seeded_rng("hw3", "short run").integers(2**31)), **SHORT_RUN)


def outputs(model: Model, x: np.ndarray) -> np.ndarray:
    """The confirmed model's scores (n, 10) for images ``x``, or CheckFailed."""
    out = model.confirmed().forward(x)
    if out.shape != (len(x), UNITS[-1]):
        raise CheckFailed(f"Your model should give {UNITS[-1]} scores per image, an output of "
                          f"shape ({len(x)}, {UNITS[-1]}) for {len(x)} images; it gives "
                          f"{out.shape}. Flatten the images first. Your model: "
                          f"{model.layout()}.")
    return out


def cross_entropy(model: Model, x: np.ndarray, y: np.ndarray) -> float:
    """The mean loss ``model`` declares (sparse cross-entropy, from logits or probabilities)
    of images ``x`` with integer labels ``y``, computed by the judge."""
    out = outputs(model, x)
    # Keras reads a softmax output as probabilities even when told from_logits=True (Q2 marks
    # that as a bug); the loss in history is computed that way, so it is here too.
    if model.loss.get("from_logits") and model.dense[-1].activation != "softmax":
        shifted = out - out.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    else:
        log_p = np.log(np.clip(out, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP))
    return float(-log_p[np.arange(len(y)), y].mean())


def accuracy(model: Model, x: np.ndarray, y: np.ndarray, chunk: int = 2_000) -> float:
    """The fraction of images ``x`` whose largest output is their label ``y``."""
    hits = sum(int(np.sum(outputs(model, x[i:i + chunk] / 255.0).argmax(axis=1)
                          == y[i:i + chunk])) for i in range(0, len(x), chunk))
    return hits / len(x)


# -- Q1: the architecture ----------------------------------------------------------------------

@once_per_student
def fresh_model(student: Student) -> Model:
    """The untrained model from ``build_model()``, shared by the checks of Q1 and Q2."""
    return describe(student, built_model(student, int(seeded_rng("hw3", "fresh").integers(2**31))))


EXPECTED_LAYOUT = "Flatten → Dense 256 relu → Dense 128 relu → Dense 64 relu → Dense 10"


def q1_layers(student: Student, rng: np.random.Generator) -> None:
    model = fresh_model(student)
    units = tuple(layer.kernel.shape[1] for layer in model.dense)
    first = model.layers[0] if model.layers else None
    flattened = isinstance(first, Reshape) and first.flattens(int(np.prod(IMAGE_SHAPE)))
    if model.unknown():
        raise CheckFailed(f"Expected only the layers {EXPECTED_LAYOUT}; the grader cannot "
                          f"rebuild {', '.join(model.unknown())} (it knows {KNOWN_LAYERS}). "
                          f"Your model: {model.layout()}.")
    if units != UNITS or not flattened:
        raise CheckFailed(f"Expected the layers {EXPECTED_LAYOUT} (Flatten may be a Reshape to "
                          f"784 values, the output layer may add a softmax), but your model is: "
                          f"{model.layout() or 'empty'}. Look at the layers and their sizes in "
                          "build_model.")


def q1_activations(student: Student, rng: np.random.Generator) -> None:
    model = fresh_model(student)
    hidden = [layer.activation for layer in model.dense[:-1]]
    output = model.dense[-1].activation if model.dense else "none"
    if any(a != "relu" for a in hidden) or output not in ("linear", "softmax"):
        raise CheckFailed(f"Expected ReLU after every hidden Dense layer and a linear (logits) or "
                          f"softmax output, but your model is: {model.layout()}. Set "
                          "activation='relu' on the hidden layers.")
    model.confirmed()


def q1_parameters(student: Student, rng: np.random.Generator) -> None:
    model = fresh_model(student)
    shapes = [(layer.kernel.shape, layer.bias.shape) for layer in model.dense]
    sizes = (784, *UNITS)
    expected = [((n_in, n_out), (n_out,)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    if model.parameters != PARAMETERS or shapes != expected:
        raise CheckFailed(f"Expected {PARAMETERS:,} parameters, kernels of shapes "
                          f"{[k for k, _ in expected]} and a bias per layer; your model has "
                          f"{model.parameters:,}, kernels {[k for k, _ in shapes]}. "
                          "model.summary() lists them.")


# -- Q2: the output and its loss ---------------------------------------------------------------

def training_loss(student: Student) -> dict:
    """The loss the model is trained with: as compiled after ``train_model`` has run (the
    short run of Q3), or as ``build_model`` compiled it when training never ran."""
    try:
        return short_run(student)[1].loss
    except CheckFailed:
        return fresh_model(student).loss


def q2_loss(student: Student, rng: np.random.Generator) -> None:
    model = fresh_model(student)
    loss, output = training_loss(student), model.dense[-1].activation if model.dense else "none"
    if loss.get("name") is None:
        raise CheckFailed("Your model has no loss, neither from build_model nor after "
                          "train_model: compile it in build_model (or in train_model, before "
                          "fit) with loss=keras.losses.SparseCategoricalCrossentropy(...).")
    if loss["name"] != LOSS_NAME:
        raise CheckFailed(f"The labels are class numbers 0-9, so the loss should be sparse "
                          f"categorical cross-entropy; your model uses {loss['name']!r}.")
    if output == "softmax" and loss["from_logits"]:
        raise CheckFailed("Your output layer applies a softmax, but the loss is told "
                          "from_logits=True: it receives probabilities and is told they are "
                          "logits (Keras warns; code that trusts the flag applies a second "
                          "softmax). Output logits (no activation) with from_logits=True, or "
                          "keep the softmax with from_logits=False.")
    if output == "linear" and not loss["from_logits"]:
        raise CheckFailed("Your output layer gives logits (no activation), but the loss expects "
                          "probabilities (from_logits=False). Pass from_logits=True, or add a "
                          "softmax to the output layer.")
    if output not in ("linear", "softmax"):
        raise CheckFailed(f"The output layer should give logits or softmax probabilities; "
                          f"yours applies {output!r}.")


# -- Q3: train_model and its history -----------------------------------------------------------

def per_epoch(history: dict, key: str, epochs: int) -> np.ndarray:
    """history[key] as ``epochs`` finite numbers, or CheckFailed."""
    if key not in history:
        raise CheckFailed(f"history should hold {key!r} (one value per epoch); it holds "
                          f"{sorted(history)}. Pass validation_data=(x_test, y_test) to "
                          "model.fit for the test loss.")
    values = as_array(history[key], f"history[{key!r}]")
    if values.shape != (epochs,):
        raise CheckFailed(f"history[{key!r}] should hold {epochs} values, one per epoch, after "
                          f"train_model(..., epochs={epochs}, ...); it holds {values.size}.")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        listed = ", ".join(f"epoch {i + 1}: {values[i]}" for i in bad)
        raise CheckFailed(f"history[{key!r}] should hold {epochs} finite values, but some are "
                          f"not finite ({listed}): training diverged. Look at the optimizer's "
                          "learning rate and at the loss in train_model.")
    return values


def q3_history(student: Student, rng: np.random.Generator) -> None:
    history, _ = short_run(student)
    for key in ("loss", "val_loss"):
        per_epoch(history, key, SHORT_RUN["epochs"])


def q3_steps(student: Student, rng: np.random.Generator) -> None:
    _, model = short_run(student)
    run = SHORT_RUN
    expected = run["epochs"] * math.ceil(run["train_rows"] / run["batch_size"])
    if model.steps != expected:
        raise CheckFailed(f"With epochs={run['epochs']} and batch_size={run['batch_size']} on "
                          f"{run['train_rows']:,} training images the optimizer should take "
                          f"{expected} steps; it took {model.steps}. Pass epochs and "
                          "batch_size on to model.fit, and train on x_train and y_train.")


def q3_test_loss(student: Student, rng: np.random.Generator) -> None:
    history, model = short_run(student)
    got = per_epoch(history, "val_loss", SHORT_RUN["epochs"])[-1]
    x_test, y_test = test_set()
    rows = SHORT_RUN["test_rows"]
    expected = cross_entropy(model, x_test[:rows] / 255.0, y_test[:rows])
    if abs(got - expected) > 1e-3 * max(1.0, expected):
        raise CheckFailed(f"The last test loss in history is {got:.4f}, but the trained "
                          f"weights give {expected:.4f} on the {rows} test images train_model "
                          "received. history['val_loss'] should come from "
                          "model.fit(..., validation_data=(x_test, y_test)).")


# -- Q4: the full run, judged by the grader's own forward pass ---------------------------------

def settings(student: Student) -> tuple[int, int]:
    """The notebook's (EPOCHS, BATCH_SIZE), within the bounds the grader allows."""
    out = []
    for name, (low, high) in (("EPOCHS", EPOCH_LIMITS), ("BATCH_SIZE", BATCH_LIMITS)):
        value = student.value(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise CheckFailed(f"{name} should be a whole number from {low} to {high}; "
                              f"your notebook has {value!r}.")
        out.append(value)
    return out[0], out[1]


def full_run(student: Student, seed: int) -> float:
    """Test accuracy on all 10,000 test images, computed here, of the model ``build_model()``
    gives from ``seed`` after ``train_model`` on all 60,000 training images with the notebook's
    EPOCHS and BATCH_SIZE (``train_model`` measures the first 1,000 test images as it goes,
    which keeps the kernel's memory and time down)."""
    epochs, batch_size = settings(student)
    _, model = trained(student, seed, epochs, batch_size, test_rows=FULL_RUN_TEST_ROWS,
                       timeout=TRAIN_SECONDS)
    x_test, y_test = test_set()
    return accuracy(model, x_test, y_test)


def q4_accuracy(student: Student, rng: np.random.Generator) -> Measured:
    accuracy = full_run(student, int(rng.integers(2**31)))
    return reaches_threshold(accuracy, CALIBRATION_REPORT, lambda got, needed: (
        f"After build_model and train_model on all 60,000 training images (your EPOCHS and "
        f"BATCH_SIZE, the grader's seed), the grader's own forward pass through your model's "
        f"weights classifies {got:.1%} of the 10,000 test images correctly; at least "
        f"{needed:.1%} is expected (the reference reaches about 88%)."))


CHECKS = [
    Check("Q1", "Q1 build_model: Flatten, then Dense layers of 256, 128, 64 and 10 units", 10,
          q1_layers),
    Check("Q1", "Q1 build_model: ReLU hidden layers, logits or softmax at the output", 10,
          q1_activations),
    Check("Q1", "Q1 build_model: 242,762 parameters in kernels and biases of the right shapes",
          10, q1_parameters),
    Check("Q2", "Q2 output and loss agree: logits with from_logits=True, or softmax without", 10,
          q2_loss),
    Check("Q3", "Q3 train_model: history holds the training and test loss of every epoch", 6,
          q3_history),
    Check("Q3", "Q3 train_model: trains for epochs, in batches of batch_size", 7, q3_steps),
    Check("Q3", "Q3 train_model: the test loss in history is that of the trained weights", 7,
          q3_test_loss),
    Check("Q4", "Q4 the full run reaches the calibrated test accuracy", 40, q4_accuracy),
]
ROWS = {
    "fashion_train_images": lambda: fashion(0),
    "fashion_train_labels": lambda: fashion(1),
    "fashion_test_images": lambda: test_set()[0],
    "fashion_test_labels": lambda: test_set()[1],
}
KERNEL_MODULES = (KERNEL_MODULE, KERAS_KERNEL)
CALIBRATION = Calibration(train=full_run, report=CALIBRATION_REPORT, floor=0.84, margin=0.01)
