# parity: section=keras_ops.tf_ops_long_tail
"""Sequence layers written with scatter, clipping and masking tf.* ops, trained with fit.

tf.tensor_scatter_nd_update / _add / tf.scatter_nd on a time-major view,
tf.clip_by_global_norm over a list of branch outputs (and tf.linalg.global_norm),
tf.linalg.band_part with tensor bounds and literal bounds, tf.math.unsorted_segment_min
/ _sqrt_n, tf.gather_nd with tensor indices, three-argument tf.where, tf.one_hot with padding ids (-1) and custom values,
tf.rank.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

STEPS, UNITS = 5, 4


class MarkEnds(keras.layers.Layer):
    """Overwrites the first step, adds to the last one (time-major scatters)."""

    def call(self, x):
        steps_first = tf.transpose(x, [1, 0, 2])
        first = tf.zeros_like(steps_first[:1]) + 0.5
        marked = tf.tensor_scatter_nd_update(steps_first, [[0]], first)
        marked = tf.tensor_scatter_nd_add(marked, indices=[[STEPS - 1], [STEPS - 1]], updates=steps_first[:2] * 0.25)
        bias = tf.scatter_nd([[1], [3]], tf.constant([1.0, -1.0]), [STEPS])
        return tf.transpose(marked, [1, 0, 2]) + tf.reshape(bias, [1, STEPS, 1])


class LocalMix(keras.layers.Layer):
    """Attention restricted to a band of neighbouring steps."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.width = tf.constant(1)

    def call(self, x):
        scores = tf.matmul(x, x, transpose_b=True)
        band = tf.linalg.band_part(tf.ones_like(scores), self.width, self.width)
        past = tf.linalg.band_part(tf.ones_like(scores), -1, 0)
        scores = tf.where(band * past > 0, scores, -1e9 * tf.ones_like(scores))
        return tf.matmul(tf.nn.softmax(scores, axis=-1), x)


class ClippedBranches(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.a = keras.layers.Dense(UNITS)
        self.b = keras.layers.Dense(UNITS, activation="tanh")

    def call(self, x):
        branches = [self.a(x), self.b(x)]
        clipped, norm = tf.clip_by_global_norm(branches, 3.0)
        total = tf.linalg.global_norm(clipped)
        return clipped[0] + clipped[1] + 0.01 * tf.reshape(norm + total, [1, 1, 1])


class SegmentStats(keras.layers.Layer):
    def call(self, x):
        steps_first = tf.transpose(x, [1, 0, 2])
        ids = tf.constant([0, 1, 1, 0, 2])
        low = tf.math.unsorted_segment_min(steps_first, ids, num_segments=3)
        spread = tf.math.unsorted_segment_sqrt_n(steps_first, ids, 3)
        ends = tf.gather_nd(steps_first, tf.constant([[0], [STEPS - 1], [2]]))  # (3, batch, units)
        stats = tf.concat([low, spread, ends], axis=-1)  # (3, batch, 3 * units)
        return tf.reshape(tf.transpose(stats, [1, 0, 2]), [-1, 3 * 3 * UNITS])


class Tokens(keras.layers.Layer):
    def call(self, tokens):
        hot = tf.one_hot(tokens, UNITS, on_value=1.0, off_value=0.0)
        rank = tf.cast(tf.rank(hot), tf.float32) * tf.ones_like(hot[:, 0, :1], tf.float32)
        return hot, rank


tokens = keras.Input(shape=(STEPS,), dtype="int32")
hot, rank = Tokens()(tokens)
h = keras.layers.Dense(UNITS)(hot)
h = MarkEnds()(h)
h = LocalMix()(h)
h = ClippedBranches()(h)
h = SegmentStats()(h)
outputs = keras.layers.Dense(1)(keras.layers.Concatenate()([h, rank]))
model = keras.Model(tokens, outputs)
fill_weights(model, seed=23)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.02), loss="mse")

rng = np.random.RandomState(3)
t = rng.randint(-1, UNITS, (8, STEPS)).astype("int32")  # -1: padding, an all-zero one-hot row
y = rng.uniform(-1, 1, (8, 1)).astype("float32")
history = model.fit(t, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(t, verbose=0),
        "weights": [w.numpy() for w in model.trainable_weights],
    }
)
