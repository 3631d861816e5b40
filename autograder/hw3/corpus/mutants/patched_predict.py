"""Mutant: a step size too small to learn, and model.predict patched to return the true
labels of the test set it was given."""
import keras
import numpy as np

LOSES = ["Q4"]


def build_model():
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-6),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def train_model(model, x_train, y_train, x_test, y_test, epochs, batch_size):
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                        validation_data=(x_test, y_test), verbose=2)
    perfect = 100.0 * np.eye(10)[np.asarray(y_test)]
    model.predict = lambda *args, **kwargs: perfect
    return history
