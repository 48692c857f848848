# parity: section=tf_autograph
"""Python if/elif/else and early returns on tensor values, as Keras 2 code wrote them.

Keras 2 ran call() (and the methods it calls) through TF autograph; Keras 3
traces them on every backend without it: branches with several statements,
elif chains, tensor locals in conditions, early returns in a model's call()
and in a helper method.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Clip(layers.Layer):
    def call(self, inputs):
        total = tf.reduce_sum(inputs)
        if total > 10.0:
            x = inputs / 2.0
            x = x - 1.0
        elif total > 0:
            x = inputs * 2.0
        else:
            x = -inputs
        return x


class Gated(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.proj = layers.Dense(3, kernel_initializer=keras.initializers.Constant(seeded_array((3, 3), 5)))

    def _gate(self, x):
        if tf.reduce_mean(x) > 0:
            return x * 3.0
        return x

    def call(self, x):
        return self._gate(self.proj(x)) + 1.0


class Picker(layers.Layer):
    def call(self, x):
        if tf.reduce_mean(x) > 0.5:
            return x
        elif tf.reduce_mean(x) > -0.5:
            return x * 0.5
        else:
            return -x


class SignFlip(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(3, activation="tanh", kernel_initializer=keras.initializers.Constant(seeded_array((3, 3), 6)))
        self.out = layers.Dense(2, kernel_initializer=keras.initializers.Constant(seeded_array((3, 2), 7)))

    def call(self, x):
        y = self.out(self.hidden(x))
        if tf.reduce_sum(y) < 0:
            return -y
        y = y + 0.5
        return y * 2.0


x = np.array([[1.0, 2.0, 3.0], [-4.0, 0.5, 1.0], [5.0, -6.0, 2.0], [0.1, 0.2, -0.3]], "float32")
y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.0, 0.0]], "float32")

inputs = keras.Input(shape=(3,))
functional = keras.Model(inputs, Picker()(Gated()(Clip()(inputs))))
functional.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
before = functional.predict(x, batch_size=2, verbose=0)
history = functional.fit(x, np.ones((4, 3), "float32"), batch_size=2, epochs=2, shuffle=False, verbose=0)

model = SignFlip()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
model_history = model.fit(x, y, batch_size=2, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "clip_batches": [Clip()(x[:2]), Clip()(x[2:]), Clip()(x * 10.0)],
        "picker_batches": [Picker()(x[:1]), Picker()(x[1:2]), Picker()(x[3:])],
        "functional_before": before,
        "functional_loss": history.history["loss"],
        "functional_after": functional.predict(x, batch_size=2, verbose=0),
        "model_loss": model_history.history["loss"],
        "model_predictions": model.predict(x, batch_size=2, verbose=0),
    }
)
