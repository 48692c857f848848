# parity: section=everyday.backend_functions
"""Shapes built with K.concatenate from K.shape slices and numbers (handson-ml2's
multi-head attention splits and merges heads this way) and a K.shape held in a
variable named `shape` and only indexed, inside a custom layer of a
functional model with an unknown time dimension, trained briefly."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)
K = keras.backend


class SplitMerge(layers.Layer):
    def __init__(self, heads, **kwargs):
        super().__init__(**kwargs)
        self.heads = heads

    def split(self, x):
        shape = K.concatenate([K.shape(x)[:-1], [self.heads, -1]])
        return K.permute_dimensions(K.reshape(x, shape), [0, 2, 1, 3])

    def call(self, inputs):
        split = self.split(inputs)
        weights = K.softmax(K.sum(split, axis=-1, keepdims=True), axis=2)
        merged = K.permute_dimensions(split * weights, [0, 2, 1, 3])
        merged = K.reshape(merged, K.concatenate([K.shape(inputs)[:2], [self.heads * 2]], axis=0))
        shape = K.shape(inputs)
        return K.reshape(merged, [shape[0], shape[1], self.heads * 2])


inputs = keras.Input(shape=(None, 6))
z = layers.Dense(6)(inputs)
z = SplitMerge(3)(z)
outputs = layers.Dense(1)(z)
model = keras.Model(inputs, outputs)
fill_weights(model, seed=91)

rng = np.random.RandomState(92)
x = rng.normal(size=(8, 4, 6)).astype("float32")
y = rng.normal(size=(8, 4, 1)).astype("float32")
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "history": history.history["loss"],
        "predictions": model.predict(rng.normal(size=(2, 7, 6)).astype("float32"), verbose=0),
        "weights": model.get_weights(),
    }
)
