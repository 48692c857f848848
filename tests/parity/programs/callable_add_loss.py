# parity: section=everyday.losses
"""Callable losses added to functional models (`model.add_loss(lambda: ...)`, which
Keras 2 evaluated on every step): a weight penalty read through get_layer, one through
a layer held in a variable, next to a symbolic add_loss on the same model."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(31)
x = rng.normal(size=(40, 5)).astype("float32")
y = (x @ rng.normal(size=(5, 2))).astype("float32")

inputs = keras.Input(shape=(5,))
encoder = layers.Dense(4, activation="tanh", name="encoder")
hidden = encoder(inputs)
outputs = layers.Dense(2, name="head")(hidden)
model = keras.Model(inputs, outputs)
fill_weights(model, seed=32)
model.add_loss(lambda: 0.05 * tf.reduce_sum(tf.square(model.get_layer("head").kernel)))
model.add_loss(lambda: 0.01 * tf.reduce_sum(tf.abs(encoder.kernel)))
model.add_loss(0.1 * tf.reduce_mean(tf.square(hidden)))
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit(x, y, batch_size=10, epochs=3, shuffle=False, verbose=0)

single_in = keras.Input(shape=(5,))
single = keras.Model(single_in, layers.Dense(1, name="only")(single_in))
fill_weights(single, seed=33)
single.add_loss(lambda: tf.reduce_mean(tf.square(single.get_layer("only").bias - 1.0)))
single.compile(optimizer="adam", loss="mae")
single_history = single.fit(x, y[:, :1], batch_size=8, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "loss_history": history.history["loss"],
        "evaluate": model.evaluate(x, y, verbose=0),
        "head_kernel": model.get_layer("head").kernel.numpy(),
        "single_history": single_history.history["loss"],
        "single_bias": single.get_layer("only").bias.numpy(),
        "predictions": model.predict(x[:4], verbose=0),
    }
)
