"""Mutant: plain SGD with a step size of 1e6, so the weights and the loss blow up to NaN."""
import keras

LOSES = ["Q3", "Q4"]
MAY_ALSO_LOSE = []
SAYS = ["are not finite (epoch 1: nan", "outputs are NaN or inf"]


def build_model():
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e6),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model
