# parity: section=everyday.training_api
"""Loss and metric names Keras 2 resolved and Keras 3 does not: "logcosh" and
"kullback_leibler_divergence" as losses (positional, keyword, per-output dict,
losses.get) and as metrics (history keys kept), next to names both resolve."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(13)
x = rng.normal(size=(24, 4)).astype("float32")
y = np.abs(rng.normal(size=(24, 3))).astype("float32")
p = keras.utils.to_categorical(rng.randint(0, 3, size=(24,)), 3)
results = {}

model = keras.Sequential([keras.layers.Dense(5, activation="tanh", input_shape=(4,)), keras.layers.Dense(3)])
fill_weights(model, seed=1)
model.compile("sgd", "logcosh", metrics=["logcosh", "mae", "kullback_leibler_divergence"])
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
results["positional"] = {key: history.history[key] for key in sorted(history.history)}

inputs = keras.Input((4,))
hidden = keras.layers.Dense(6, activation="relu")(inputs)
a = keras.layers.Dense(3, activation="softmax", name="a")(hidden)
b = keras.layers.Dense(3, name="b")(hidden)
two = keras.Model(inputs, [a, b])
fill_weights(two, seed=2)
two.compile(optimizer=keras.optimizers.Adam(0.01), loss={"a": "kullback_leibler_divergence", "b": "logcosh"},
            metrics={"a": ["log_cosh"], "b": ["mse"]})
history = two.fit(x, [p, y], batch_size=6, epochs=2, shuffle=False, verbose=0)
results["dict"] = {key: history.history[key] for key in sorted(history.history)}
results["dict_evaluate"] = two.evaluate(x, [p, y], verbose=0, return_dict=True)

loss_fn = keras.losses.get("logcosh")
results["get"] = loss_fn(y, model.predict(x, verbose=0))
emit(results)
