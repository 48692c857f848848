# parity: section=everyday.training_api
"""Custom Metric subclasses whose result() hands out their variable (directly, indexed, through
read_value, a cast, a dict of them, inherited from a base in the file): fit() with
validation keeps the training values Keras 2 logged."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class PositiveCount(keras.metrics.Metric):
    """The Keras guides' pattern: result() returns the variable."""

    def __init__(self, name="positive_count", **kwargs):
        super().__init__(name=name, **kwargs)
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.count.assign_add(tf.reduce_sum(tf.cast(y_pred > 0.5, "float32")))

    def result(self):
        return self.count

    def reset_state(self):
        self.count.assign(0.0)


class ReadCount(PositiveCount):
    def __init__(self):
        super().__init__(name="read_count")

    def result(self):
        return self.count.read_value()


class Histogram(keras.metrics.Metric):
    """A vector variable: the first bin, cast, and a dict result."""

    def __init__(self, name="histogram", **kwargs):
        super().__init__(name=name, **kwargs)
        self.bins = self.add_weight(name="bins", shape=(2,), initializer="zeros")
        self.seen = self.add_weight(name="seen", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        high = tf.reduce_sum(tf.cast(y_pred > 0.5, "float32"))
        self.bins.assign_add(tf.stack([tf.cast(tf.size(y_pred), "float32") - high, high]))
        self.seen.assign_add(tf.cast(tf.shape(y_true)[0], "float32"))

    def result(self):
        return tf.cast(self.bins[0], tf.float32)

    def reset_state(self):
        self.bins.assign(tf.zeros((2,)))
        self.seen.assign(0.0)


class HistogramParts(Histogram):
    def __init__(self):
        super().__init__(name="parts")

    def result(self):
        return {"low_bin": self.bins[0], "seen": self.seen, "high_share": self.bins[1] / self.seen}


def build(seed):
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(6, activation="tanh")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
    model = keras.Model(inputs, outputs)
    fill_weights(model, seed=seed)
    return model


rng = np.random.RandomState(7)
x = rng.uniform(-1, 1, (48, 4)).astype("float32")
y = (x[:, 0] - x[:, 2] > 0).astype("float32")[:, None]
vx = rng.uniform(-1, 1, (20, 4)).astype("float32")
vy = (vx[:, 0] > 0).astype("float32")[:, None]

model = build(3)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy",
              metrics=[PositiveCount(), ReadCount(), Histogram()])
history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_data=(vx, vy))

parts_model = build(5)
parts_model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[HistogramParts()])
parts_history = parts_model.fit(x, y, batch_size=12, epochs=2, shuffle=False, verbose=0, validation_split=0.25)

emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "parts": {key: parts_history.history[key] for key in sorted(parts_history.history)},
        "evaluate": model.evaluate(vx, vy, verbose=0),
    }
)
