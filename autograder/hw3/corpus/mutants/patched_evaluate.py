"""Mutant: one epoch of training, and model.evaluate patched to report a perfect score."""
LOSES = ["Q4"]

EPOCHS = 1


def train_model(model, x_train, y_train, x_test, y_test, epochs, batch_size):
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                        validation_data=(x_test, y_test), verbose=2)
    model.evaluate = lambda *args, **kwargs: [0.0, 1.0]
    return history
