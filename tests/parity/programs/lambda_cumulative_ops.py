# parity: section=keras_ops.tf_ops_long_tail
"""Exclusive and reverse cumulative sums/products inside Lambda layers of a trained
functional model (found with keras-migrate verify, stop 35: `tf.math.cumsum(t,
exclusive=True, reverse=True)` was left as TF code and crashed on JAX without a word):
exclusive, reverse, both, a cumprod, and defaults spelled out.
"""
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

from parity_io import emit, fill_weights

rng = np.random.RandomState(14)
x = rng.uniform(-1, 1, size=(48, 6)).astype("float32")
y = rng.uniform(-1, 1, size=(48, 2)).astype("float32")

inputs = tf.keras.Input(shape=(6,))
h = layers.Dense(6, activation="tanh")(inputs)
a = layers.Lambda(lambda t: tf.math.cumsum(t, axis=1, exclusive=True))(h)
b = layers.Lambda(lambda t: tf.math.cumsum(t, axis=-1, reverse=True))(h)
c = layers.Lambda(lambda t: tf.cumsum(t, 1, True, True))(h)
d = layers.Lambda(lambda t: tf.math.cumprod(1.0 + 0.1 * t, axis=1, exclusive=True, reverse=True))(h)
e = layers.Lambda(lambda t: tf.math.cumsum(t, axis=1, exclusive=False, reverse=False))(h)
outputs = layers.Dense(2)(layers.concatenate([a, b, c, d, e]))
model = tf.keras.Model(inputs, outputs)
fill_weights(model, seed=5)
model.compile(optimizer=tf.keras.optimizers.SGD(0.05), loss="mse")
history = model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
probe = tf.keras.Model(inputs, [a, b, c, d, e])
emit({"history": history.history, "parts": probe.predict(x[:3], verbose=0)})
