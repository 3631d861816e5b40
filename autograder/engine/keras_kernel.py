"""Judge-owned code that turns a Keras model in the student's kernel into numbers (a read-only
copy beside the assignment's own kernel module; numpy and the standard library at import).

:func:`describe` sends each layer's type, units and activation as plain values, the weights as
arrays, the loss, the optimizer's step count and the model's own output on probe inputs;
:func:`history_numbers` sends a training history as lists of floats. The judge rebuilds the
forward pass from these in numpy (:mod:`autograder.engine.keras_model`).
"""

from __future__ import annotations

import numpy as np

PROBE_ROWS = 20  # inputs on which the model's own output is compared with its layers


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


def built(model, input_shape: tuple[int, ...]):
    """``model`` with its weights created (a subclassed model creates them on its first call,
    here on one input of ``input_shape``)."""
    import tensorflow as tf

    if not model.built or not model.weights:
        model(tf.zeros((1, *input_shape)))
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


def describe(model, input_shape: tuple[int, ...], probe_seed: int = 0) -> dict:
    """What the judge needs from ``model`` of inputs ``input_shape`` (e.g. (28, 28)), as numbers
    only:

    - layers: :func:`describe_layer` for each layer, in order
    - weights: for each layer, its weight arrays (a Dense layer: kernel (n_in, units), bias)
    - parameters: the total count Keras reports
    - loss: :func:`loss_of`; steps: how many optimizer steps were taken (0 if not compiled)
    - probe: PROBE_ROWS uniform inputs in [0, 1] (seeded by ``probe_seed``) and the model's
      output on them
    """
    built(model, input_shape)
    optimizer = getattr(model, "optimizer", None)
    probe = np.random.default_rng(probe_seed).uniform(0, 1, (PROBE_ROWS, *input_shape))
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
