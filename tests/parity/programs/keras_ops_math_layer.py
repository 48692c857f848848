# parity: section=keras_ops.numpy_ops
"""A custom layer written with tf.* / tf.math.* ops (the guide's NumPy-ops table)."""
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class StatsLayer(tf.keras.layers.Layer):
    def call(self, x):
        a = tf.abs(x)
        batch = tf.shape(x)[0]
        features = [
            tf.reduce_max(a, axis=-1, keepdims=True),
            tf.reduce_min(x, axis=1, keepdims=True),
            tf.reduce_mean(x, axis=-1, keepdims=True),
            tf.math.reduce_std(x, axis=-1, keepdims=True),
            tf.math.reduce_variance(x, axis=-1, keepdims=True),
            tf.reduce_sum(tf.square(x), axis=-1, keepdims=True),
            tf.reduce_prod(tf.clip_by_value(x, -1.0, 1.0) + 2.0, axis=-1, keepdims=True),
            tf.reduce_logsumexp(x, axis=-1, keepdims=True),
            tf.math.pow(a + 1.0, 1.5),
            tf.reverse(x, axis=[-1]),
            tf.gather(x, tf.range(0, 6, 2), axis=1),
            tf.reshape(tf.transpose(tf.reshape(x, [-1, 2, 3]), perm=[0, 2, 1]), [-1, 6]),
            tf.atan2(x, a + 1.0),
            tf.atan(x),
            tf.math.log1p(a),
            tf.sqrt(a + 1.0),
            tf.exp(-a),
            tf.nn.softmax(x, axis=-1),
            tf.nn.sigmoid(x),
            tf.math.tanh(x),
            tf.maximum(x, 0.1) - tf.minimum(x, -0.1),
            tf.where(x > 0, x, tf.zeros_like(x)),
            tf.cumsum(x, axis=1),
            tf.einsum("bi,bi->b", x, x)[:, None],
            tf.matmul(x[:, :3], tf.ones((3, 2))),
            tf.linalg.norm(x, axis=-1, keepdims=True),
            tf.cast(tf.argmax(x, axis=-1), tf.float32)[:, None],
            tf.one_hot(tf.argmin(x, axis=1), depth=6),
            tf.tile(tf.reduce_mean(x, axis=0, keepdims=True), [batch, 1]),
            tf.concat(tf.split(x, 2, axis=1)[::-1], axis=1),
            tf.cast(tf.reduce_any(x > 0.9, axis=-1, keepdims=True), tf.float32),
            tf.cast(tf.reduce_all(x > -0.9, axis=-1, keepdims=True), tf.float32),
            tf.math.floormod(tf.floor(x * 10.0), 3.0),
            tf.math.sign(x) * tf.math.round(a * 4.0),
            tf.cast(tf.math.is_finite(x), tf.float32),
            tf.expand_dims(tf.cast(batch, tf.float32), 0) * tf.ones_like(x[:, :1]),
        ]
        return tf.concat(features, axis=-1)


inputs = tf.keras.Input(shape=(6,))
stats = StatsLayer()(inputs)
outputs = tf.keras.layers.Dense(1)(stats)
model = tf.keras.Model(inputs, outputs)
fill_weights(model, seed=23)
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.001), loss="mse")

rng = np.random.RandomState(13)
x = rng.uniform(-1, 1, (8, 6)).astype("float32")
y = rng.uniform(-1, 1, (8, 1)).astype("float32")
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "stats": StatsLayer()(x),
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, verbose=0),
    }
)
