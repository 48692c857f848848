# parity: section=everyday.training_api
"""A model compiled again without metrics (new optimizer, loss weights): Keras 2 dropped the earlier metrics
from fit()'s history and evaluate(); also a first compile without metrics, a recompile keeping them, and
metrics given positionally."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = keras.Input(shape=(4,))
hidden = keras.layers.Dense(6, activation="tanh")(inputs)
reg = keras.layers.Dense(1, name="reg")(hidden)
cls = keras.layers.Dense(3, activation="softmax", name="cls")(hidden)
model = keras.Model(inputs, [reg, cls])
fill_weights(model, seed=4)

rng = np.random.RandomState(1)
x = rng.normal(size=(48, 4)).astype("float32")
y_reg = x[:, :1] * 0.5
y_cls = (x[:, 1] > 0).astype("int32") + (x[:, 2] > 1).astype("int32")

model.compile("adam", {"reg": "mse", "cls": "sparse_categorical_crossentropy"},
              metrics={"reg": "mae", "cls": "accuracy"})
first = model.fit(x, {"reg": y_reg, "cls": y_cls}, batch_size=16, epochs=2, shuffle=False, verbose=0)
model.compile(keras.optimizers.SGD(0.05), ["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 0.3])
second = model.fit(x, [y_reg, y_cls], batch_size=16, epochs=2, shuffle=False, verbose=0)
second_eval = model.evaluate(x, [y_reg, y_cls], batch_size=16, verbose=0)
model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"], metrics=[["mae"], ["accuracy"]])
third = model.fit(x, [y_reg, y_cls], batch_size=16, epochs=1, shuffle=False, verbose=0)

single = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
fill_weights(single, seed=9)
single.compile("sgd", "mse")
plain = single.fit(x, y_reg, batch_size=16, epochs=1, shuffle=False, verbose=0)
single.compile("sgd", "mse", ["mae"])  # positional metrics (Keras 3's third parameter is loss_weights)
positional = single.fit(x, y_reg, batch_size=16, epochs=1, shuffle=False, verbose=0)
single.compile(keras.optimizers.SGD(0.01), "mse")
again = single.fit(x, y_reg, batch_size=16, epochs=1, shuffle=False, verbose=0)
emit(
    {
        "first": {k: first.history[k] for k in sorted(first.history)},
        "second": {k: second.history[k] for k in sorted(second.history)},
        "second_eval": second_eval,
        "third": {k: third.history[k] for k in sorted(third.history)},
        "plain": plain.history,
        "positional": positional.history,
        "again": again.history,
        "single_eval": single.evaluate(x, y_reg, batch_size=16, verbose=0),
    }
)
