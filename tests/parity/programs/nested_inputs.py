# parity: section=deeply_nested_functional_inputs
"""A functional model whose inputs are a dict nested two levels deep."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = {
    "foo": keras.Input(shape=(1,), name="foo"),
    "bar": {
        "baz": keras.Input(shape=(1,), name="baz"),
        "qux": keras.Input(shape=(2,), name="qux"),
    },
}
merged = layers.Concatenate()([inputs["foo"], inputs["bar"]["baz"], inputs["bar"]["qux"]])
hidden = layers.Dense(4, activation="relu")(merged)
outputs = layers.Dense(1)(hidden) + inputs["foo"]
model = keras.Model(inputs, outputs)
fill_weights(model, seed=5)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")

rng = np.random.RandomState(1)
data = {
    "foo": rng.uniform(-1, 1, (12, 1)).astype("float32"),
    "bar": {
        "baz": rng.uniform(-1, 1, (12, 1)).astype("float32"),
        "qux": rng.uniform(-1, 1, (12, 2)).astype("float32"),
    },
}
target = (data["foo"] - 2 * data["bar"]["baz"] + data["bar"]["qux"][:, :1]).astype("float32")

history = model.fit(data, target, batch_size=12, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(data, verbose=0),
    }
)
