# parity: section=everyday.transformer_block
"""Layers that add (or multiply by) a slice of a constant table to their input, sized by
tf.shape(inputs) (handson-ml2's PositionalEncoding), in functional models whose time
dimension is unknown: the book's layer, the table first in the sum, a scaling table
sliced on one axis; trained briefly and fed sequences of two lengths."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class PositionalEncoding(layers.Layer):
    def __init__(self, max_steps, max_dims, dtype=tf.float32, **kwargs):
        super().__init__(dtype=dtype, **kwargs)
        if max_dims % 2 == 1:
            max_dims += 1
        p, i = np.meshgrid(np.arange(max_steps), np.arange(max_dims // 2))
        pos_emb = np.empty((1, max_steps, max_dims))
        pos_emb[0, :, ::2] = np.sin(p / 10000 ** (2 * i / max_dims)).T
        pos_emb[0, :, 1::2] = np.cos(p / 10000 ** (2 * i / max_dims)).T
        self.positional_embedding = tf.constant(pos_emb.astype(self.dtype))

    def call(self, inputs):
        shape = tf.shape(inputs)
        return inputs + self.positional_embedding[:, : shape[-2], : shape[-1]]


class LearnedOffsets(layers.Layer):
    def __init__(self, max_steps, dims, **kwargs):
        super().__init__(**kwargs)
        self.table = tf.constant(np.linspace(-0.5, 0.5, max_steps * dims, dtype="float32").reshape(1, max_steps, dims))

    def call(self, x):
        steps = tf.shape(x)[1]
        return self.table[:, :steps] + x


class StepScale(layers.Layer):
    def __init__(self, max_steps, **kwargs):
        super().__init__(**kwargs)
        self.scale = tf.constant(np.linspace(1.0, 2.0, max_steps, dtype="float32").reshape(1, max_steps, 1))

    def call(self, x):
        return x * self.scale[:, : tf.shape(x)[1]]


inputs = keras.Input(shape=[None, 6])
z = layers.Dense(6)(inputs)
z = PositionalEncoding(20, 6)(z)
z = LearnedOffsets(20, 6)(z)
z = StepScale(20)(z)
outputs = layers.Dense(1)(z)
model = keras.Model(inputs, outputs)
fill_weights(model, seed=81)

rng = np.random.RandomState(82)
x = rng.normal(size=(12, 5, 6)).astype("float32")
y = rng.normal(size=(12, 5, 1)).astype("float32")
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
longer = rng.normal(size=(2, 9, 6)).astype("float32")

emit(
    {
        "history": history.history["loss"],
        "short": model.predict(x[:2], verbose=0),
        "long": model.predict(longer, verbose=0),
        "weights": model.get_weights(),
    }
)
