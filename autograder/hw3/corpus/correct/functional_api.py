"""Correct: the functional API, with the loss and optimizer given by name."""
import keras


def build_model():
    inputs = keras.Input(shape=(28, 28))
    x = keras.layers.Flatten()(inputs)
    for units in (256, 128, 64):
        x = keras.layers.Dense(units, activation="relu")(x)
    logits = keras.layers.Dense(10)(x)
    model = keras.Model(inputs, logits)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def train_model(model, x_train, y_train, x_test, y_test, epochs, batch_size):
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                        validation_data=(x_test, y_test), verbose=2)
    return history.history
