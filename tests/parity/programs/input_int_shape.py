# parity: section=everyday.input_int_shape
"""Keras 2 accepted an int Input shape (real NVP's coupling layers): literal, parameter."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights


def coupling(input_shape, hidden=8):
    inputs = keras.layers.Input(shape=input_shape)
    h = layers.Dense(hidden, activation="relu")(inputs)
    return keras.Model(inputs, [layers.Dense(input_shape, activation="tanh")(h), layers.Dense(input_shape)(h)])


block = coupling(2)
features = keras.Input(shape=3)
mixed = layers.Dense(2)(features)
scale, shift = block(mixed)
model = keras.Model(features, mixed * keras.activations.exponential(scale) + shift)
fill_weights(model, seed=4)
x = np.linspace(-1, 1, 18, dtype="float32").reshape(6, 3)
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
history = model.fit(x, x[:, :2], epochs=2, batch_size=3, shuffle=False, verbose=0)
emit({"loss": history.history["loss"], "out": model.predict(x, verbose=0)})
