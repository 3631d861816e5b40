"""Mutant: a GaussianNoise layer the notebook does not ask for (the grader cannot rebuild it;
it adds nothing at test time, so the later questions are still graded)."""
import keras

LOSES = ["Q1"]
MAY_ALSO_LOSE = ["Q4"]
SAYS = ["the grader cannot rebuild 'gaussian_noise", "(GaussianNoise)"]  # Keras may number the name


def build_model():
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.GaussianNoise(0.05),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model
