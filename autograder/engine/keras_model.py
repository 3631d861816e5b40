"""A Keras model as numbers, and its forward pass in numpy.

A judge-owned kernel module describes the student's model in their kernel (each layer's type,
units and activation as plain values, the weights as arrays, the loss, the step count, and the
model's own output on probe inputs). :func:`as_model` turns that description into a
:class:`Model` whose :meth:`Model.forward` recomputes the outputs here, so the judge never
imports TensorFlow and never believes a number the model computed about itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.engine.checks import CheckFailed, as_array, as_number
from course_utils import rel_error

ACTIVATIONS = {
    "linear": lambda s: s,
    "relu": lambda s: np.maximum(s, 0.0),
    "sigmoid": lambda s: 0.5 * (1.0 + np.tanh(0.5 * s)),
    "tanh": np.tanh,
    "softmax": lambda s: softmax(s),
}
PASS_THROUGH = ("InputLayer", "Dropout")  # no weights, nothing to do at test time
ACTIVATION_LAYERS = ("Activation", "ReLU", "Softmax")
KNOWN_LAYERS = ("Flatten, Reshape, Dense, Activation, ReLU, Softmax and Dropout layers, with "
                f"the activations {', '.join(ACTIVATIONS)}")


def softmax(s: np.ndarray) -> np.ndarray:
    """Softmax of ``s`` (n, ..., k) over its last axis."""
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class Dense:
    """One Dense layer as the judge rebuilds it: kernel (n_in, units), bias (units,), and the
    activations applied after it, in order (its own, then any activation layers)."""

    kernel: np.ndarray
    bias: np.ndarray
    activations: list[str]

    @property
    def activation(self) -> str:
        """The net activation: "linear" when none, else the last one that is not linear."""
        real = [a for a in self.activations if a != "linear"]
        return "+".join(real) if real else "linear"

    def unknown(self) -> list[str]:
        return [f"the activation {a!r}" for a in self.activations if a not in ACTIVATIONS]

    def __str__(self) -> str:
        return f"Dense {self.kernel.shape[1]} {self.activation}"

    def apply(self, out: np.ndarray, layout: str) -> np.ndarray:
        """The layer on ``out`` (n, ..., n_in): (n, ..., units)."""
        if out.shape[-1] != self.kernel.shape[0]:
            raise CheckFailed(f"The layers cannot be chained: a Dense layer with a kernel of "
                              f"shape {self.kernel.shape} receives {out.shape[-1]} inputs. "
                              f"Your model: {layout}.")
        out = out @ self.kernel + self.bias
        for name in self.activations:
            out = ACTIVATIONS[name](out) if name in ACTIVATIONS else out
        return out


@dataclass
class Reshape:
    """A layer that only rearranges each image's values: Flatten, or Reshape(target)."""

    kind: str
    target: tuple[int, ...]  # (-1,) for Flatten

    def flattens(self, values: int) -> bool:
        """True if it turns each input into one vector of ``values`` entries."""
        return self.target in ((-1,), (values,))

    def unknown(self) -> list[str]:
        return []

    def __str__(self) -> str:
        return "Flatten" if self.kind == "Flatten" else f"Reshape {self.target}"

    def apply(self, out: np.ndarray, layout: str) -> np.ndarray:
        try:
            return out.reshape(len(out), *self.target)
        except ValueError:
            raise CheckFailed(f"{self} cannot hold {int(np.prod(out.shape[1:]))} values per "
                              f"image. Your model: {layout}.") from None


@dataclass
class Unknown:
    """A layer the judge cannot rebuild: its forward pass leaves the values as they are, and
    the model's own output on the probe images shows whether that was right."""

    kind: str
    name: str

    def unknown(self) -> list[str]:
        return [f"{self.name!r} ({self.kind})"]

    def __str__(self) -> str:
        return f"{self.kind} (not rebuilt)"

    def apply(self, out: np.ndarray, layout: str) -> np.ndarray:
        return out


@dataclass
class Model:
    """What the kernel reported about the student's model (see ``hw3_kernel.describe``)."""

    layers: list[Dense | Reshape | Unknown]  # what the forward pass applies, in order
    parameters: int
    loss: dict
    steps: int
    probe: np.ndarray
    probe_output: np.ndarray
    input_shape: tuple[int, ...]  # one input as the model takes it, e.g. (28, 28)

    @property
    def dense(self) -> list[Dense]:
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    def unknown(self) -> list[str]:
        """What the grader cannot rebuild, e.g. ["'gaussian_noise' (GaussianNoise)"]."""
        return [part for layer in self.layers for part in layer.unknown()]

    def layout(self) -> str:
        """The model as a student reads it, e.g. "Flatten → Dense 256 relu → Dense 10"."""
        return " → ".join(str(layer) for layer in self.layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """The model's output on inputs ``x`` (n, *input_shape), or flattened (n, prod), in
        float64."""
        out = np.asarray(x, dtype=np.float64).reshape(len(x), *self.input_shape)
        for layer in self.layers:
            out = layer.apply(out, self.layout())
        return out

    def confirmed(self) -> Model:
        """This model, once its forward pass here gives the model's own output on the probe
        images; else CheckFailed naming what the grader could not rebuild."""
        mine = self.forward(self.probe)
        if not (np.all(np.isfinite(mine)) and np.all(np.isfinite(self.probe_output))):
            raise CheckFailed("Your model's outputs are NaN or inf: its weights blew up during "
                              "training, so it classifies nothing. Look at the optimizer's "
                              "learning rate and at the loss in build_model and train_model.")
        if mine.shape == self.probe_output.shape and rel_error(mine, self.probe_output) <= 1e-4:
            return self
        if self.unknown():
            raise CheckFailed(f"The grader rebuilds your model in numpy from {KNOWN_LAYERS}; "
                              f"it cannot rebuild {', '.join(self.unknown())}, so it cannot "
                              "compute your model's outputs. Use the layers above.")
        raise CheckFailed("Your model's output on 20 grader images is not what its layers "
                          "compute: the grader rebuilds the model from its layers alone, so put "
                          "every activation in a layer (activation='relu'), not in call().")


def as_layer(layer: dict, weights: list):
    """One described layer as a :class:`Dense`, :class:`Reshape` or :class:`Unknown`, or
    None for a layer that does nothing at test time (an activation layer is added to the
    Dense layer before it by :func:`as_model`)."""
    kind, name = str(layer.get("type")), layer.get("name")
    if kind == "Dense":
        if len(weights) != 2:
            raise CheckFailed(f"Dense layer {name!r} should have a kernel and a bias "
                              f"(use_bias=True); it has {len(weights)} weight arrays.")
        return Dense(as_array(weights[0], f"the kernel of {name!r}"),
                     as_array(weights[1], f"the bias of {name!r}"),
                     [str(layer.get("activation", "linear"))])
    if kind == "Flatten":
        return Reshape(kind, (-1,))
    if kind == "Reshape" and not weights:
        return Reshape(kind, tuple(int(d) for d in layer.get("target_shape", ())))
    if kind in PASS_THROUGH:
        return None
    return Unknown(kind, str(name))


def as_model(answer, input_shape: tuple[int, ...]) -> Model:
    """A :class:`Model` of inputs ``input_shape`` from what the kernel's ``describe`` sent, or
    CheckFailed saying why not."""
    if not isinstance(answer, dict) or not {"layers", "weights"} <= set(answer):
        raise CheckFailed("build_model should return a Keras model (keras.Model or "
                          "keras.Sequential), ready to train.")
    layers: list[Dense | Reshape | Unknown] = []
    for layer, weights in zip(answer["layers"], answer["weights"], strict=True):
        if str(layer.get("type")) in ACTIVATION_LAYERS and layers \
                and isinstance(layers[-1], Dense):
            layers[-1].activations.append(str(layer.get("activation", "linear")))
        elif (rebuilt := as_layer(layer, weights)) is not None:
            layers.append(rebuilt)
    return Model(layers, int(as_number(answer["parameters"], "the parameter count")),
                 dict(answer["loss"]), int(as_number(answer["steps"], "the step count")),
                 as_array(answer["probe"], "probe"), as_array(answer["probe_output"], "output"),
                 tuple(input_shape))
