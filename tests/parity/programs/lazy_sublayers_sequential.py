# parity: section=state_building
"""Layers with sub-layers built lazily, inside Sequential and functional models
whose weights are set before any call on data.

Keras 2 created every weight when the model was built from a shape
(Sequential.build) or wired on keras.Input: set_weights() right after works.
"""
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Mixer(tf.keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super(Mixer, self).__init__(**kwargs)
        self.units = units
        self.first = tf.keras.layers.Dense(units)
        self.second = tf.keras.layers.Dense(units)
        self.norm = tf.keras.layers.LayerNormalization()

    def call(self, inputs):
        hidden = self.first(inputs)
        return self.norm(hidden + self.second(tf.concat([inputs, hidden], axis=-1)))


class Projection(tf.keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super(Projection, self).__init__(**kwargs)
        self.units = units

    def call(self, inputs):
        if not hasattr(self, "kernel_layer"):
            self.kernel_layer = tf.keras.layers.Dense(self.units, use_bias=False)
        return self.kernel_layer(inputs)


def set_seeded(model, seed):
    model.set_weights([seeded_array(w.shape, seed=seed + i) for i, w in enumerate(model.get_weights())])


sequential = tf.keras.Sequential([Mixer(4), Projection(2)])
sequential.build((None, 3))
set_seeded(sequential, 60)

inputs = tf.keras.Input(shape=(3,))
outputs = Projection(3)(Mixer(3)(inputs))
functional = tf.keras.Model(inputs, outputs)
set_seeded(functional, 70)

x = np.random.RandomState(8).uniform(-1, 1, (5, 3)).astype("float32")
y = np.random.RandomState(9).uniform(-1, 1, (5, 2)).astype("float32")
sequential.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = sequential.fit(x, y, batch_size=5, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "sequential_shapes": [list(w.shape) for w in sequential.get_weights()],
        "functional_shapes": [list(w.shape) for w in functional.get_weights()],
        "loss_history": history.history["loss"],
        "sequential_predictions": sequential.predict(x, verbose=0),
        "functional_predictions": functional.predict(x, verbose=0),
    }
)
