# parity: section=keras_ops.attention_block
"""A causal self-attention block written with tf.* ops, Keras 2 style.

Exercises the tf.* -> keras.ops rewrites together (shape arithmetic, head
reshapes, matmul(transpose_b=True), band_part masks, 3-argument where, dtype
constants), tf.Variable outside layers, `.numpy()` and a @tf.function helper.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class CausalSelfAttention(keras.layers.Layer):
    def __init__(self, num_heads, key_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.qkv = keras.layers.Dense(3 * num_heads * key_dim, use_bias=False)
        self.out = keras.layers.Dense(num_heads * key_dim)

    def _heads(self, x, batch, length):
        x = tf.reshape(x, [batch, length, self.num_heads, self.key_dim])
        return tf.transpose(x, perm=[0, 2, 1, 3])

    def call(self, inputs):
        batch, length = tf.shape(inputs)[0], tf.shape(inputs)[1]
        q, k, v = tf.split(self.qkv(inputs), 3, axis=-1)
        q, k, v = (self._heads(t, batch, length) for t in (q, k, v))
        scores = tf.matmul(q, k, transpose_b=True) / tf.math.sqrt(tf.cast(self.key_dim, tf.float32))
        causal = tf.linalg.band_part(tf.ones((length, length)), -1, 0)
        scores = tf.where(causal > 0, scores, tf.fill(tf.shape(scores), -1e9))
        weights = tf.nn.softmax(scores, axis=-1)
        context = tf.transpose(tf.matmul(weights, v), perm=[0, 2, 1, 3])
        context = tf.reshape(context, [batch, length, self.num_heads * self.key_dim])
        return self.out(context)


class Block(keras.layers.Layer):
    def __init__(self, dim, **kwargs):
        super().__init__(**kwargs)
        self.attention = CausalSelfAttention(2, dim // 2)
        self.norm = keras.layers.LayerNormalization(epsilon=1e-6)
        self.ffn = keras.layers.Dense(dim)

    def call(self, x):
        h = self.norm(x + self.attention(x))
        gate = tf.nn.sigmoid(tf.reduce_mean(h, axis=-1, keepdims=True))
        return h + gate * tf.nn.gelu(self.ffn(h))


@tf.function
def pooled_norm(values):
    return tf.norm(tf.reduce_mean(values, axis=1), axis=-1)


inputs = keras.Input(shape=(5, 8))
hidden = Block(8)(inputs)
outputs = keras.layers.Dense(1)(tf.reduce_max(hidden, axis=1))
model = keras.Model(inputs, outputs)
fill_weights(model, seed=31)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")

rng = np.random.RandomState(21)
x = rng.uniform(-1, 1, (6, 5, 8)).astype("float32")
y = rng.uniform(-1, 1, (6, 1)).astype("float32")
steps = tf.Variable(0, dtype=tf.int32, trainable=False)
history = model.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0)
steps.assign_add(len(history.history["loss"]))
block_output = model.layers[1](x)
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, verbose=0),
        "block_output": block_output.numpy(),
        "pooled_norm": pooled_norm(block_output),
        "is_float32": float(block_output.dtype == tf.float32),
        "steps": steps.numpy(),
    }
)
