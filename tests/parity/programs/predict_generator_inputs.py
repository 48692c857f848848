# parity: section=everyday.training_api
"""predict() of Python generators yielding bare inputs (found with keras-migrate verify,
stop 35: Keras 3 requires tuples and raised on every backend): a bare array, the same
generator bound to a name first, a dict of arrays for a two-input model, and a
generator of (x,) tuples left as it is.
"""
import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

rng = np.random.RandomState(4)
x = rng.randn(30, 5).astype("float32")
z = rng.randn(30, 2).astype("float32")


def inputs_only(data, n):
    while True:
        for i in range(0, len(data), n):
            yield data[i:i + n]


def two_inputs(a, b, n):
    for i in range(0, len(a), n):
        yield {"left": a[i:i + n], "right": b[i:i + n]}


def as_tuples(data, n):
    for i in range(0, len(data), n):
        yield (data[i:i + n],)


model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="relu", input_shape=(5,)), tf.keras.layers.Dense(1)])
fill_weights(model, seed=1)
left = tf.keras.Input((5,), name="left")
right = tf.keras.Input((2,), name="right")
joined = tf.keras.Model([left, right], tf.keras.layers.Dense(1)(tf.keras.layers.concatenate([left, right])))
fill_weights(joined, seed=2)
stream = inputs_only(x, 10)
emit({"direct": model.predict(inputs_only(x, 10), steps=3, verbose=0),
      "bound": model.predict(stream, steps=2, verbose=0),
      "two_inputs": joined.predict(two_inputs(x, z, 15), verbose=0),
      "tuples": model.predict(as_tuples(x, 6), verbose=0)})
