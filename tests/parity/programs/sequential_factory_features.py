# parity: section=everyday.functional_api
"""Feature extraction from Sequential models a factory function builds (found with
keras-migrate verify, stop 35: `keras.Model(inputs=model.input, ...)` raised on every
backend, as KM243 only knew names bound to Sequential(...) itself): a factory returning
the Sequential directly, one returning a name bound to it, model.input and model.output.
"""
import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

rng = np.random.RandomState(9)
x = rng.normal(size=(32, 6)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")


def make_model():
    return tf.keras.Sequential([
        tf.keras.layers.Dense(8, activation="relu", input_shape=(6,), name="d1"),
        tf.keras.layers.Dense(5, activation="tanh", name="d2"),
        tf.keras.layers.Dense(1, activation="sigmoid", name="out"),
    ])


def make_named():
    net = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(6,)), tf.keras.layers.Dense(2)])
    return net


model = make_model()
fill_weights(model, seed=1)
model.compile(optimizer="sgd", loss="binary_crossentropy")
history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=False)
extractor = tf.keras.Model(inputs=model.input, outputs=[l.output for l in model.layers[:2]])
head = tf.keras.Model(model.input, model.output)
other = make_named()
fill_weights(other, seed=2)
probe = tf.keras.Model(other.input, other.layers[0].output)
emit({"history": history.history, "features": extractor.predict(x[:4], verbose=0),
      "head": head.predict(x[:4], verbose=0), "probe": probe.predict(x[:4], verbose=0)})
