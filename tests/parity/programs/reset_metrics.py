# parity: section=removed_features.reset_metrics
"""train_on_batch/test_on_batch with reset_metrics=False and =True."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)), keras.layers.Dense(1)])
fill_weights(model, seed=21)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse", metrics=["mae"])

rng = np.random.RandomState(11)
x = rng.uniform(-1, 1, (12, 3)).astype("float32")
y = (x[:, :1] - x[:, 1:2]).astype("float32")

accumulated = []
for i in range(3):
    batch = slice(4 * i, 4 * i + 4)
    accumulated.append(model.train_on_batch(x[batch], y[batch], reset_metrics=False))
evaluated = model.test_on_batch(x, y, reset_metrics=True)
model.reset_metrics()
fresh = model.train_on_batch(x[:4], y[:4])
emit(
    {
        "accumulated": accumulated,
        "evaluated": evaluated,
        "fresh": fresh,
        "predictions": model.predict(x, verbose=0),
    }
)
