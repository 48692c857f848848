# parity: section=removed_features.rnn_constants
"""A custom RNN cell conditioned on a per-sequence context via RNN(cell)(x, constants=c)."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class ConditionedCell(keras.layers.Layer):
    def __init__(self, units, context_dim, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.context_dim = context_dim
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, self.units))
        self.context_kernel = self.add_weight(name="context_kernel", shape=(self.context_dim, self.units))

    def call(self, inputs, states, constants):
        context = constants[0]
        h = tf.tanh(
            tf.matmul(inputs, self.kernel)
            + tf.matmul(states[0], self.recurrent_kernel)
            + tf.matmul(context, self.context_kernel)
        )
        return h, [h]


sequence = keras.Input(shape=(5, 3))
context = keras.Input(shape=(2,))
encoded = keras.layers.RNN(ConditionedCell(4, 2), return_sequences=True)(sequence, constants=context)
outputs = keras.layers.Dense(1)(keras.layers.Flatten()(encoded))
model = keras.Model([sequence, context], outputs)
fill_weights(model, seed=24)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")

rng = np.random.RandomState(14)
x = rng.uniform(-1, 1, (8, 5, 3)).astype("float32")
c = rng.uniform(-1, 1, (8, 2)).astype("float32")
y = (x.sum(axis=(1, 2)) * 0.1 + c[:, 0])[:, None].astype("float32")
initial = model.predict([x, c], verbose=0)
history = model.fit([x, c], y, batch_size=4, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "initial_predictions": initial,
        "loss_history": history.history["loss"],
        "predictions": model.predict([x, c], verbose=0),
    }
)
