# parity: section=everyday.regularizers
"""L1 / L1L2 regularizers on weights that start at zero (default biases, BatchNormalization's beta, zeros
initializers, add_weight in a custom layer): the first steps see TensorFlow's gradient of |x| at 0."""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, regularizers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Shift(layers.Layer):
    def build(self, input_shape):
        self.shift = self.add_weight(name="shift", shape=(input_shape[-1],), initializer="zeros", regularizer="l1")
        self.tilt = self.add_weight(name="tilt", shape=(input_shape[-1],), initializer="zeros",
                                    regularizer=regularizers.l1_l2(l1=1e-3, l2=1e-3))

    def call(self, inputs):
        return inputs + self.shift + 0.5 * self.tilt


def build():
    inputs = tf.keras.Input(shape=(6, 3))
    x = layers.Conv1D(4, 3, activation="tanh", bias_regularizer=regularizers.L1L2(l1=1e-3, l2=1e-4))(inputs)
    x = layers.BatchNormalization(beta_regularizer=regularizers.l1(1e-3))(x)
    x = layers.Flatten()(x)
    x = layers.Dense(8, activation="relu", bias_regularizer=regularizers.L1(1e-3),
                     kernel_regularizer=regularizers.l1(1e-4))(x)
    x = Shift()(x)
    x = layers.Dense(5, kernel_initializer="zeros", kernel_regularizer=regularizers.l1_l2(l1=1e-3, l2=1e-3),
                     bias_regularizer="l1")(x)
    outputs = layers.Dense(1)(x)
    model = tf.keras.Model(inputs, outputs)
    fill_weights(model, seed=21)
    # fill_weights draws every weight: the zero-initialised ones start at zero again
    for layer in model.layers:
        for weight in layer.weights:
            name = weight.name.split("/")[-1].split(":")[0]
            if name in ("bias", "beta", "shift", "tilt", "moving_mean") or (
                    layer is model.layers[-2] and name == "kernel"):
                weight.assign(tf.zeros(weight.shape))
    return model


rng = np.random.RandomState(3)
x = rng.normal(size=(64, 6, 3)).astype("float32")
y = (x[:, :, 0].sum(axis=1, keepdims=True) * 0.3).astype("float32")
model = build()
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss="mse")
history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "loss": history.history["loss"],
        "penalties": float(tf.add_n(model.losses)),
        "weights": [w.tolist() for w in model.get_weights()],
        "predict": model.predict(x[:4], verbose=0).tolist(),
    }
)
