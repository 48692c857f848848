# parity: section=keras_ops.other_ops
"""TF functions as default arguments, stored on layers and handed to Lambda with arguments=."""
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


def mlp(x, sizes, activation=tf.tanh, output_activation=None):
    # the keras-io ppo_cartpole spelling
    for size in sizes[:-1]:
        x = tf.keras.layers.Dense(units=size, activation=activation)(x)
    return tf.keras.layers.Dense(units=sizes[-1], activation=output_activation)(x)


class Gated(tf.keras.layers.Layer):
    def __init__(self, units, gate=tf.sigmoid, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.gate = gate
        self.act = tf.nn.silu
        self.proj = tf.keras.layers.Dense(units * 2)

    def call(self, inputs):
        a, b = tf.split(self.proj(inputs), 2, axis=-1)
        return self.act(a) * self.gate(b)


inputs = tf.keras.Input(shape=(5,))
h = mlp(inputs, [8, 8], activation=tf.nn.softplus)
h = mlp(h, [6, 6])
h = Gated(4)(h)
h = Gated(4, gate=tf.math.softsign)(h)
pooled = tf.keras.layers.Lambda(tf.reduce_mean, arguments={"axis": 1, "keepdims": True})(h)
outputs = tf.keras.layers.Concatenate()([h, pooled])
outputs = tf.keras.layers.Dense(1, activation=tf.math.sigmoid)(outputs)
model = tf.keras.Model(inputs, outputs)
fill_weights(model, seed=8)
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.2), loss="binary_crossentropy")

rng = np.random.RandomState(11)
x = rng.uniform(-1, 1, (12, 5)).astype("float32")
y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, verbose=0),
    }
)
