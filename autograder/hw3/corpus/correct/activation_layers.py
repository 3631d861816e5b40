"""Correct: activations as layers of their own (ReLU and Activation), Dropout at train time."""
import keras


def build_model():
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(256),
        keras.layers.ReLU(),
        keras.layers.Dense(128),
        keras.layers.Activation("relu"),
        keras.layers.Dropout(0.1),
        keras.layers.Dense(64),
        keras.layers.ReLU(),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model
