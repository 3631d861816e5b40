"""Mutant: a softmax output compiled in train_model with from_logits=True (the softmax is
applied twice), which build_model's uncompiled model cannot show."""
import keras

LOSES = ["Q2"]
MAY_ALSO_LOSE = ["Q4"]


def build_model():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def train_model(model, x_train, y_train, x_test, y_test, epochs, batch_size):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                     validation_data=(x_test, y_test), verbose=2)
