# parity: section=everyday.layers
"""TimeDistributed fed sequences whose length is not static, as handson-ml2's
chapter 15/16 models are (windowed tf.data pipelines): more samples than steps, fewer
samples than steps, a masked sequence, and a convolution per step. Keras 3.15 on
TensorFlow mapped over range(batch size) instead of the steps: it raised or dropped
steps."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.layers import Conv1D, Dense, Embedding, GRU, TimeDistributed

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(8)


def unknown_length(x, y, batch):
    """Batches whose time dimension is None in the dataset's element_spec."""
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)
    return data.map(lambda a, b: (tf.ensure_shape(tf.reshape(a, tf.concat([[-1, tf.shape(a)[1]], tf.shape(a)[2:]], 0)),
                                                   [None, None, *x.shape[2:]]), b))


results = {}
for name, (samples, steps, batch) in {"wide": (16, 5, 8), "long": (8, 9, 4)}.items():
    x = rng.normal(size=(samples, steps, 3)).astype("float32")
    y = rng.normal(size=(samples, steps, 2)).astype("float32")
    model = keras.models.Sequential([
        GRU(4, return_sequences=True, input_shape=[None, 3]),
        TimeDistributed(Dense(2)),
    ])
    fill_weights(model, seed=1)
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.1))
    history = model.fit(unknown_length(x, y, batch), epochs=2, verbose=0)
    results[name + "_history"] = history.history["loss"]
    results[name + "_predictions"] = model.predict(unknown_length(x, y, batch), verbose=0)

tokens = rng.randint(0, 7, size=(6, 10))
tokens[:, 7:] = 0
targets = rng.normal(size=(6, 10, 1)).astype("float32")
masked = keras.models.Sequential([
    Embedding(7, 3, mask_zero=True, input_shape=[None]),
    TimeDistributed(Dense(1)),
])
fill_weights(masked, seed=2)
masked.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.1))
data = tf.data.Dataset.from_tensor_slices((tokens, targets)).batch(3).map(
    lambda a, b: (tf.ensure_shape(tf.reshape(a, [3, -1]), [None, None]), b))
results["masked_history"] = masked.fit(data, epochs=2, verbose=0).history["loss"]

frames = rng.normal(size=(4, 6, 8, 2)).astype("float32")
labels = rng.normal(size=(4, 6, 7, 3)).astype("float32")
inputs = keras.Input(shape=(None, 8, 2))
outputs = TimeDistributed(Conv1D(3, 2))(inputs)
conv = keras.Model(inputs, outputs)
fill_weights(conv, seed=3)
conv.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.05))
results["conv_history"] = conv.fit(unknown_length(frames, labels, 2), epochs=2, verbose=0).history["loss"]
results["conv_weights"] = conv.get_weights()

emit(results)
