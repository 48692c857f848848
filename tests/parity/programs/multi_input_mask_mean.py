# parity: section=everyday.multi_input_mask
"""Masked mean of one input weighted by another (keyword `mask` after two inputs, called
from a subclassed model): the padding mask of the first input must arrive in Keras 3."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights


class MaskedWeightedMean(keras.layers.Layer):
    def call(self, values, weights, mask=None):
        w = tf.squeeze(weights, -1)
        if mask is not None:
            w = w * tf.cast(mask, w.dtype)
        total = tf.reduce_sum(values * w[..., None], axis=1)
        return total / (tf.reduce_sum(w, axis=1, keepdims=True) + 1e-6)


class Model(keras.Model):
    def __init__(self):
        super().__init__()
        self.embed = keras.layers.Embedding(30, 4, mask_zero=True)
        self.score = keras.layers.Dense(1, activation="sigmoid")
        self.pool = MaskedWeightedMean()
        self.out = keras.layers.Dense(2)

    def call(self, ids):
        x = self.embed(ids)
        return self.out(self.pool(x, self.score(x)))


model = Model()
ids = np.array([[3, 5, 7, 0, 0], [9, 1, 0, 0, 0], [4, 4, 4, 4, 2], [8, 0, 0, 0, 0]], "int32")
model(ids)
fill_weights(model, seed=11)
emit({"outputs": model(ids), "padded_differently": model(np.array([[3, 5, 7, 0, 0], [9, 1, 0, 0, 0],
                                                                  [4, 4, 4, 4, 2], [8, 0, 0, 0, 0]], "int32"))})
