# parity: section=multi_output_evaluate
"""Notebook style: one name, `model`, bound to a two-output model, then to a
one-output model, then to a two-output model again, each compiled with a flat metrics
list and evaluated positionally (item 11.3n)."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(0)
x = rng.uniform(size=[16, 6]).astype("float32")
y_score = rng.uniform(size=[16, 2]).astype("float32")
y_offset = rng.uniform(size=[16, 3]).astype("float32")

inputs = keras.Input(shape=(6,))
hidden = layers.Dense(8, activation="relu")(inputs)
score = layers.Dense(2, name="score")(hidden)
offset = layers.Dense(3, name="offset")(hidden)

# 1: two outputs, metrics for both
model = keras.Model(inputs, [score, offset])
fill_weights(model, seed=3)
model.compile(optimizer="sgd", loss="mse", metrics=["mse", "mae"])
first = model.evaluate(x, [y_score, y_offset], verbose=0)
history_1 = model.fit(x, [y_score, y_offset], batch_size=8, epochs=2, shuffle=False, verbose=0)

# 2: the same name, one output
model = keras.Model(inputs, score)
model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
loss_2, mae_2 = model.evaluate(x, y_score, verbose=0)

# 3: two outputs again, in the other order
model = keras.Model(inputs, [offset, score])
model.compile(optimizer="sgd", loss="mae", metrics=["mse"])
third = model.evaluate(x, [y_offset, y_score], verbose=0)

emit(
    {
        "first": first,
        "fit_1": history_1.history["loss"],
        "fit_1_score_mae": history_1.history["score_mae"],
        "second": [loss_2, mae_2],
        "third": third,
    }
)
