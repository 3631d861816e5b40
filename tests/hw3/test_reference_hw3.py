"""HW3's judge side: the numpy forward pass rebuilt from a model's layers and weights computes
what Keras computes, for every way of writing the model; the kernel side sends numbers only and
trains the same way twice from one seed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from submissions import corpus

from autograder.engine.checks import CheckFailed
from autograder.engine.keras_model import as_model
from autograder.hw3 import checks
from autograder.hw3 import reference as ref
from autograder.hw3.checks import IMAGE_SHAPE
from course_utils import rel_error

KERNEL_MODULE = Path(checks.__file__).with_name("hw3_kernel.py")


def kernel_side() -> dict:
    """HW3's kernel module's functions, with the engine's ``describe`` for this input shape."""
    import runpy

    functions = runpy.run_path(str(KERNEL_MODULE))
    keras_kernel = runpy.run_path(str(checks.KERAS_KERNEL))
    return {**functions, "describe": lambda model: keras_kernel["describe"](model, IMAGE_SHAPE)}


def namespace(variant: Path | None) -> dict:
    """The reference's functions, with those of a corpus file in their place."""
    space = dict(vars(ref))
    if variant is not None:
        exec(compile(variant.read_text(), str(variant), "exec"), space)  # noqa: S102
    return space


VARIANTS = [None, *corpus("hw3", "correct"), *corpus("hw3", "mutants")]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.stem if v else "reference")
def test_the_judges_forward_pass_is_what_keras_computes(variant):
    kernel = kernel_side()
    model = kernel["seeded_model"](namespace(variant)["build_model"], 3)
    described = kernel["describe"](model)
    rebuilt = as_model(described, IMAGE_SHAPE)
    images = np.random.default_rng(0).uniform(0, 1, (50, 28, 28)).astype(np.float32)
    keras_out = np.asarray(model(images, training=False), dtype=np.float64)
    assert rel_error(rebuilt.forward(images), keras_out) < 1e-5
    assert rel_error(rebuilt.forward(rebuilt.probe), rebuilt.probe_output) < 1e-5


def test_the_judges_loss_is_what_keras_computes_from_logits_and_from_probabilities():
    kernel = kernel_side()
    x_test, y_test = checks.test_set()
    images, labels = x_test[:300] / 255.0, y_test[:300]
    softmax = next(p for p in corpus("hw3", "correct") if p.stem == "softmax_output")
    for variant in (None, softmax):
        model = kernel["seeded_model"](namespace(variant)["build_model"], 5)
        rebuilt = as_model(kernel["describe"](model), IMAGE_SHAPE)
        keras_loss = model.evaluate(images.reshape(-1, 28, 28).astype(np.float32), labels,
                                    verbose=0, return_dict=True)["loss"]
        assert abs(checks.cross_entropy(rebuilt, images, labels) - keras_loss) < 1e-4


def test_what_the_kernel_sends_is_plain_numbers():
    kernel = kernel_side()
    described = kernel["describe"](kernel["seeded_model"](ref.build_model, 1))
    assert [layer["type"] for layer in described["layers"]] == ["Flatten", *["Dense"] * 4]
    assert [layer.get("units") for layer in described["layers"][1:]] == [256, 128, 64, 10]
    assert described["parameters"] == checks.PARAMETERS
    assert described["loss"] == {"name": "sparse_categorical_crossentropy", "from_logits": True}
    assert all(isinstance(w, np.ndarray) for layer in described["weights"] for w in layer)


def test_a_layer_the_judge_cannot_rebuild_is_named_and_only_its_output_decides():
    probe = np.random.default_rng(0).uniform(0, 1, (4, 28, 28))
    kernel = np.random.default_rng(1).normal(0, 0.1, (784, 10))

    def described(layers: list, weights: list, output: np.ndarray) -> dict:
        return {"layers": layers, "weights": weights, "parameters": 7850, "loss": {},
                "steps": 0, "probe": probe, "probe_output": output}

    flat = {"type": "Flatten", "name": "flatten"}
    dense = {"type": "Dense", "name": "dense", "activation": "linear"}
    noise = {"type": "GaussianNoise", "name": "noise"}
    gelu = {**dense, "activation": "gelu"}
    logits = probe.reshape(4, -1) @ kernel
    weights = [[], [kernel, np.zeros(10)]]
    # a layer that changes nothing at test time: unknown, yet the forward pass is confirmed
    model = as_model(described([flat, noise, dense], [[], [], *weights[1:]], logits), IMAGE_SHAPE)
    assert model.unknown() == ["'noise' (GaussianNoise)"]
    assert model.confirmed() is model
    # an unknown layer or activation that changes the output: named, and nothing is computed
    for layers, layer_weights in (([flat, noise, dense], [[], [], *weights[1:]]),
                                  ([flat, gelu], weights)):
        model = as_model(described(layers, layer_weights, 2 * logits), IMAGE_SHAPE)
        with pytest.raises(CheckFailed, match="cannot rebuild ('noise'|the activation 'gelu')"):
            checks.accuracy(model, probe.reshape(4, -1) * 255, np.zeros(4, dtype=int))
    # a reshape to a flat vector is understood
    reshape = {"type": "Reshape", "name": "reshape", "target_shape": [784]}
    model = as_model(described([reshape, dense], weights, logits), IMAGE_SHAPE)
    assert model.confirmed().unknown() == []


DETERMINISM = """
import os, sys
sys.path.insert(0, {kit!r})
from autograder.engine.assignment import load_assignment
from autograder.engine.inline import rows_folder
assignment = load_assignment("hw3")
os.environ.update(assignment.kernel_env)
import runpy
kernel = runpy.run_path(str(rows_folder(assignment) / "hw3_kernel.py"))
keras_kernel = runpy.run_path(str(rows_folder(assignment) / "keras_kernel.py"))
from autograder.hw3 import reference as ref
runs = []
for _ in range(2):
    model = kernel["seeded_model"](ref.build_model, 11)
    kernel["train"](ref.train_model, model, 1, 128, 3000, 200)
    runs.append(keras_kernel["describe"](model, (28, 28))["weights"])
print(all((a == b).all() for x, y in zip(*runs) for a, b in zip(x, y)))
"""


@pytest.mark.slow
def test_one_thread_trains_the_same_weights_twice_from_one_seed():
    kit = str(Path(checks.__file__).parents[2])
    done = subprocess.run([sys.executable, "-c", DETERMINISM.format(kit=kit)],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "True"
