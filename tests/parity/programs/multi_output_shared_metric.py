# parity: section=multi_output_evaluate
"""A flat metrics list from a variable, and a metric instance, on a three-output model.

Keras 2 gives every output a copy of each metric (the instance itself is never
updated) and names them "<output>_<metric>"; Keras 3 would read a three-element list
as one metric per output. tf.keras.* spellings.
"""
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

METRICS = [tf.keras.metrics.MeanAbsoluteError(name="abs_err"), "mse", tf.keras.metrics.RootMeanSquaredError()]
rmse = tf.keras.metrics.RootMeanSquaredError(name="rmse")

inputs = tf.keras.Input(shape=(3,))
hidden = tf.keras.layers.Dense(5, activation="tanh")(inputs)
first = tf.keras.layers.Dense(1, name="first")(hidden)
second = tf.keras.layers.Dense(2, name="second")(hidden)
third = tf.keras.layers.Dense(1, name="third")(inputs)
model = tf.keras.Model(inputs, [first, second, third])
fill_weights(model, seed=63)
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=METRICS)

twin = tf.keras.Model(inputs, [first, third])
twin.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), loss="mae", metrics=[rmse, "mae"])

rng = np.random.RandomState(63)
x = rng.uniform(-1, 1, (12, 3)).astype("float32")
targets = [x[:, :1] * 2.0, x[:, 1:] - x[:, :1], x.sum(axis=1, keepdims=True)]
history = model.fit(x, targets, batch_size=6, epochs=2, shuffle=False, verbose=0)
evaluation = model.evaluate(x, targets, batch_size=12, verbose=0, return_dict=True)
twin_history = twin.fit(x, [targets[0], targets[2]], batch_size=6, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "evaluation": {key: evaluation[key] for key in sorted(evaluation)},
        "twin_history": {key: twin_history.history[key] for key in sorted(twin_history.history)},
        "unused_instance": [rmse.result(), METRICS[0].result()],
    }
)
