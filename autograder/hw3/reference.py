"""HW3 reference solution: a FashionMNIST classifier in Keras.

Flatten → Dense 256 ReLU → Dense 128 ReLU → Dense 64 ReLU → Dense 10 logits (242,762
parameters), sparse categorical cross-entropy from logits, Adam with step size 1e-3, batches of
128 for 10 epochs. Images arrive as float32 in [0, 1] of shape (n, 28, 28), labels as integers
0-9 of shape (n,), as NumPy arrays or tensors.
"""

from __future__ import annotations

import keras

EPOCHS = 10
BATCH_SIZE = 128


def build_model():
    """The compiled, untrained model: input (n, 28, 28) -> logits (n, 10)."""
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def train_model(model, x_train, y_train, x_test, y_test, epochs, batch_size):
    """Train ``model`` for ``epochs`` epochs in batches of ``batch_size``, measuring the test
    loss and accuracy after each epoch; returns the History (history.history["loss"],
    ["val_loss"], ["accuracy"], ["val_accuracy"]: one value per epoch)."""
    return model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                     validation_data=(x_test, y_test), verbose=2)
