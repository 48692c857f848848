# parity: section=everyday.training_api
"""tf.Variables handed to plain functions that use TensorFlow's variable methods on
their parameter (read_value(), scatter_nd_update(), assign(..., read_value=False)),
next to a Keras model trained with the counts they keep."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

seen = tf.Variable(0.0)
per_class = tf.Variable(tf.zeros([3]))
lr_scale = tf.Variable(1.0)


def record(counter, batch):
    counter.assign_add(tf.cast(tf.shape(batch)[0], tf.float32))
    return counter.read_value()


def mark(table, cls, value):
    table.scatter_nd_update([[cls]], [value])
    return table.read_value()


def decay(scale, factor):
    scale.assign(scale * factor, read_value=False)


rng = np.random.RandomState(61)
x = rng.normal(size=(30, 3)).astype("float32")
y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,)), keras.layers.Dense(1)])
fill_weights(model, seed=62)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")

snapshots, tables = [], []
for epoch in range(3):
    model.fit(x, y, batch_size=10, epochs=1, shuffle=False, verbose=0)
    snapshots.append(float(record(seen, x)))
    tables.append(mark(per_class, epoch, float(epoch + 1) * 0.5).numpy())
    decay(lr_scale, 0.5)

emit(
    {
        "snapshots": snapshots,
        "tables": tables,
        "scale": float(lr_scale.numpy()),
        "weights": model.get_weights(),
    }
)
