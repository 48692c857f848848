# parity: section=removed_features.reset_metrics
"""reset_states() on metrics, on a Metric subclass that overrides it, and on a stateful model."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class SmoothedMean(keras.metrics.Metric):
    """Keras 2 style: overrides reset_states (fit() calls it through reset_state)."""

    def __init__(self, name="smoothed", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_weight(name="total", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.total.assign_add(tf.reduce_sum(tf.abs(y_true - y_pred)))
        self.count.assign_add(tf.cast(tf.size(y_true), tf.float32))

    def result(self):
        return self.total / self.count

    def reset_states(self):
        # only the total restarts: the count keeps running across epochs
        self.total.assign(0.0)


class ResetEachEpoch(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.model.reset_states()
        self.model.reset_metrics()


model = keras.Sequential([keras.layers.LSTM(4, input_shape=(3, 2)), keras.layers.Dense(1)])
fill_weights(model, seed=4)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse", metrics=[SmoothedMean()])
rng = np.random.RandomState(8)
x = rng.uniform(-1, 1, (6, 3, 2)).astype("float32")
y = rng.uniform(-1, 1, (6, 1)).astype("float32")
history = model.fit(x, y, batch_size=2, epochs=3, shuffle=False, verbose=0, callbacks=[ResetEachEpoch()])

# A stateful model (inference only): the state carries over between calls until reset.
inputs = keras.Input(shape=(3, 2), batch_size=2)
stateful = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.LSTM(4, stateful=True)(inputs)))
fill_weights(stateful, seed=5)
# (called directly: Keras 3's predict() on JAX does not carry RNN states between calls)
first = stateful(x[:2])
carried = stateful(x[:2])
stateful.reset_states()
after_reset = stateful(x[:2])

tracker = keras.metrics.Mean(name="tracker")
tracker.update_state([1.0, 2.0, 3.0])
before = tracker.result()
tracker.reset_states()
tracker.update_state([10.0])
smoothed = SmoothedMean()
smoothed.update_state(np.ones((2, 1), "float32"), np.zeros((2, 1), "float32"))
smoothed.reset_states()
smoothed.update_state(np.full((1, 1), 3.0, "float32"), np.zeros((1, 1), "float32"))
emit(
    {
        "loss_history": history.history["loss"],
        "smoothed_history": history.history["smoothed"],
        "first": first,
        "carried": carried,
        "after_reset": after_reset,
        "tracker": [before, tracker.result()],
        "smoothed_after_reset": smoothed.result(),
    }
)
