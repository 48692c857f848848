# parity: section=state_building
"""A subclassed model built from a shape, then given weights with set_weights().

Keras 2's Model.build(input_shape) ran call() on placeholders, so every weight
existed before the first call: those of a block whose second Dense only sees
a transformed input, and those of a head created lazily inside call().
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


class ResidualBlock(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(units, activation="relu")
        self.outer = layers.Dense(units)

    def call(self, inputs):
        return inputs + self.outer(tf.nn.relu(self.inner(inputs)))


class LazyHead(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.proj = None

    def call(self, inputs):
        if self.proj is None:
            self.proj = layers.Dense(self.units)
        return self.proj(inputs)


class Regressor(keras.Model):
    def __init__(self):
        super().__init__()
        self.block = ResidualBlock(4)
        self.head = LazyHead(2)

    def call(self, inputs):
        return self.head(self.block(inputs))


model = Regressor()
model.build((None, 4))
shapes = [tuple(w.shape) for w in model.get_weights()]
model.set_weights([seeded_array(shape, seed=30 + i) for i, shape in enumerate(shapes)])

rng = np.random.RandomState(3)
x = rng.uniform(-1, 1, (6, 4)).astype("float32")
y = rng.uniform(-1, 1, (6, 2)).astype("float32")
before = model.predict(x, verbose=0)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
history = model.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "weight_shapes": [list(s) for s in shapes],
        "count_params": model.count_params(),
        "predictions_before_fit": before,
        "loss_history": history.history["loss"],
        "predictions_after_fit": model.predict(x, verbose=0),
    }
)
