# parity: section=tf_autograph
"""@tf.function on layer code whose control flow the migrator converts.

A decorated call() with a tensor `if` (several statements) and a `for` over
tf.range, a decorated helper function and a decorated model method: none
needs the decorator once the control flow is keras.ops, so the program runs
on every backend.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Accumulate(keras.layers.Layer):
    @tf.function
    def call(self, inputs, training=None):
        if tf.reduce_mean(inputs) > 0:
            inputs = inputs * 2.0
            inputs = inputs - 0.5
        total = tf.zeros_like(inputs)
        for i in tf.range(3):
            total += inputs * tf.cast(i + 1, inputs.dtype)
        return total


class Scorer(keras.Model):
    def __init__(self):
        super().__init__()
        self.accumulate = Accumulate()
        self.head = keras.layers.Dense(2, kernel_initializer=keras.initializers.Constant(seeded_array((3, 2), 10)))

    def call(self, x):
        return self.head(self.accumulate(x))

    @tf.function
    def score(self, x):
        return tf.reduce_sum(self(x), axis=-1)


model = Scorer()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.005), loss="mse")


@tf.function
def predict_fn(batch):
    return model(batch, training=False)


x = np.array([[1.0, 2.0, 3.0], [-4.0, 0.5, 1.0], [5.0, -6.0, 2.0], [0.1, 0.2, -0.3]], "float32")
y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.0, 0.0]], "float32")
before = predict_fn(x)
history = model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "before": before,
        "loss_history": history.history["loss"],
        "scores": model.score(x),
        "after": predict_fn(x),
    }
)
