"""Mutant: train_model always trains for the notebook's EPOCHS, whatever it is asked."""
LOSES = ["Q3"]


def train_model(model, x_train, y_train, x_test, y_test, epochs, batch_size):
    return model.fit(x_train, y_train, epochs=EPOCHS, batch_size=batch_size,
                     validation_data=(x_test, y_test), verbose=2)
