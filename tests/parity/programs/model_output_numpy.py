# parity: section=everyday.inference
"""A model's output handed straight to NumPy, as handson-ml2's char-RNN does:
np.argmax(model(X_new), axis=-1) and np.argmax(model(X)[0, -1]) used as dict keys and
set members, np.round / np.array of a call. On JAX NumPy returned jax Arrays (unhashable),
on PyTorch tensors that require grad."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

vocabulary = {i: chr(ord("a") + i) for i in range(6)}
model = keras.models.Sequential([
    keras.layers.Embedding(6, 4, input_length=5),
    keras.layers.GRU(8, return_sequences=True),
    keras.layers.Dense(6, activation="softmax"),
])
fill_weights(model, seed=3)

X_new = np.array([[0, 1, 2, 3, 4], [5, 4, 3, 2, 1]])
Y_pred = np.argmax(model(X_new), axis=-1)
texts = ["".join(vocabulary[i] for i in row) for row in Y_pred]
last = np.argmax(model(X_new)[0, -1])
seen = {int(last)} | set(np.unique(np.argmax(model(X_new, training=False), axis=-1)))
rounded = np.round(model(X_new), 3)
as_array = np.array(model(X_new))

emit(
    {
        "texts": [float(sum(ord(c) * (k + 1) for k, c in enumerate(t))) for t in texts],
        "last": float(vocabulary[last] == vocabulary[int(last)]),
        "seen": sorted(float(v) for v in seen),
        "rounded": rounded,
        "as_array": as_array,
        "kind": float(isinstance(as_array, np.ndarray)),
    }
)
