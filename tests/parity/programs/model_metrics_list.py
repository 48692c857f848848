# parity: section=everyday.metrics
"""`model.metrics` read outside the model (handson-ml2 ch. 12: model.metrics[-1].threshold
of a custom streaming metric), its names and results after fit, and in a callback."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

np.random.seed(0)
tf.random.set_seed(0)


class HuberMetric(keras.metrics.Metric):
    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)
        self.threshold = threshold
        self.total = self.add_weight(name="total", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = y_true - y_pred
        small = tf.abs(error) < self.threshold
        loss = tf.where(small, tf.square(error) / 2, self.threshold * tf.abs(error) - self.threshold ** 2 / 2)
        self.total.assign_add(tf.reduce_sum(loss))
        self.count.assign_add(tf.cast(tf.size(y_true), tf.float32))

    def result(self):
        return self.total / self.count


seen = []


class Log(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        seen.append([float(m.result()) for m in self.model.metrics])


rng = np.random.RandomState(6)
x = rng.uniform(-1, 1, size=(16, 3)).astype("float32")
y = (3 * x[:, :1]).astype("float32")
model = keras.models.Sequential([keras.layers.Dense(2, activation="relu", input_shape=[3]), keras.layers.Dense(1)])
fill_weights(model, seed=2)
model.compile(loss="mse", optimizer="sgd", metrics=[HuberMetric(2.0), "mae"])
model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[Log()])
emit(
    {
        "threshold": model.metrics[-2].threshold,
        "names": [float(m.name == name) for m, name in zip(model.metrics, ["loss", "huber_metric", "mae"])],
        "count": len(model.metrics),
        "results": [float(m.result()) for m in model.metrics],
        "callback": seen,
    }
)
