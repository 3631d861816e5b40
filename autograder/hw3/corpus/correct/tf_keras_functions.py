"""Correct: everything through tf.keras, activations given as functions, and a quiet fit whose
loss objects come from tf.keras.losses."""
import tensorflow as tf


def build_model():
    layers = [tf.keras.layers.Flatten()]
    layers += [tf.keras.layers.Dense(units, activation=tf.keras.activations.relu)
               for units in (256, 128, 64)]
    layers.append(tf.keras.layers.Dense(10, activation=None))
    model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), *layers])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy()])
    return model


def train_model(model, x_train, y_train, x_test, y_test, epochs, batch_size):
    return model.fit(x=x_train, y=y_train, batch_size=batch_size, epochs=epochs, verbose=0,
                     validation_data=(x_test, y_test), shuffle=True)
