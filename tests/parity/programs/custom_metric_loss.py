# parity: section=everyday.custom_metric_loss
"""Subclassed Loss (with Reduction) and Metric (add_weight by positional name)."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class WeightedMAE(keras.losses.Loss):
    def __init__(self, weight=2.0, reduction=keras.losses.Reduction.AUTO, name="weighted_mae"):
        super().__init__(reduction=reduction, name=name)
        self.weight = weight

    def call(self, y_true, y_pred):
        return self.weight * tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1)


class RootMeanSquaredError(keras.metrics.Metric):
    def __init__(self, name="my_rmse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_weight("total", initializer="zeros")
        self.count = self.add_weight("count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = tf.square(tf.cast(y_true, tf.float32) - tf.cast(y_pred, tf.float32))
        self.total.assign_add(tf.reduce_sum(error))
        self.count.assign_add(tf.cast(tf.size(error), tf.float32))

    def result(self):
        return tf.sqrt(self.total / self.count)

    def reset_states(self):
        self.total.assign(0.0)
        self.count.assign(0.0)


model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,)), keras.layers.Dense(2)])
fill_weights(model, seed=31)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss=WeightedMAE(),
    metrics=[RootMeanSquaredError(), "mae"],
)
rng = np.random.RandomState(21)
x = rng.uniform(-1, 1, (12, 3)).astype("float32")
y = rng.uniform(-1, 1, (12, 2)).astype("float32")
history = model.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0)

y_true = np.array([[0.0, 1.0], [1.0, 1.0], [0.5, -0.5]], "float32")
y_pred = np.array([[0.1, 0.8], [0.7, 1.2], [0.5, 0.0]], "float32")
metric = RootMeanSquaredError()
metric.update_state(y_true, y_pred)
first_result = metric.result()
metric.reset_states()
metric.update_state(y_true[:1], y_pred[:1])
emit(
    {
        "loss_history": history.history["loss"],
        "rmse_history": history.history["my_rmse"],
        "mae_history": history.history["mae"],
        "metric_result": first_result,
        "metric_after_reset": metric.result(),
        "loss_sum": keras.losses.MeanSquaredError(reduction=keras.losses.Reduction.SUM)(y_true, y_pred),
        "loss_none": keras.losses.MeanSquaredError(reduction=keras.losses.Reduction.NONE)(y_true, y_pred),
        "loss_weighted_auto": WeightedMAE()(y_true, y_pred),
        "loss_weighted_sum_over_batch": WeightedMAE(
            reduction=keras.losses.Reduction.SUM_OVER_BATCH_SIZE
        )(y_true, y_pred),
        "categorical_crossentropy": keras.losses.categorical_crossentropy(
            [[0.0, 1.0, 0.0]], [[0.2, 0.7, 0.1]]
        ),
    }
)
