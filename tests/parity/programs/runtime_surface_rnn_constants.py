# parity: section=removed_features.rnn_constants
"""What code touches on an RNN given `constants`, besides its numbers.

`rnn.cell` is the user's cell (its attributes are read back), the RNN layer is
found by name, its weights are set from a list in Keras 2's order, its
get_config() records the constants, and a training cell (dropout-free
`training` argument) sees the flag Keras 2 gave it.
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


class AttentiveCell(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, self.units))
        self.memory_kernel = self.add_weight(name="memory_kernel", shape=(3, self.units))

    def call(self, inputs, states, constants, training=None):
        memory, scale = constants
        h, total = states
        attention = tf.reduce_mean(tf.matmul(memory, self.memory_kernel), axis=1)
        h = tf.tanh(tf.matmul(inputs, self.kernel) + tf.matmul(h, self.recurrent_kernel) + attention * scale)
        if training:
            h = h * 0.5
        return h, [h, total + h]


cell = AttentiveCell(4, name="attentive_cell")
rnn = layers.RNN(cell, return_sequences=True, return_state=True, name="conditioned_rnn")
sequence = keras.Input(shape=(5, 2))
memory = keras.Input(shape=(7, 3))
scale = keras.Input(shape=(1,))
outputs, last_h, total = rnn(sequence, constants=[memory, scale])
head = layers.Dense(1, name="head")(layers.Concatenate()([last_h, total]))
model = keras.Model([sequence, memory, scale], [head, outputs])
model.set_weights([seeded_array(w.shape, seed=100 + i) for i, w in enumerate(model.get_weights())])

found = model.get_layer("conditioned_rnn")
config = found.get_config()
rng = np.random.RandomState(13)
x = rng.uniform(-1, 1, (4, 5, 2)).astype("float32")
m = rng.uniform(-1, 1, (4, 7, 3)).astype("float32")
s = rng.uniform(0.5, 1.5, (4, 1)).astype("float32")
inference_head, inference_sequences = model([x, m, s], training=False)
training_head, _ = model([x, m, s], training=True)
emit(
    {
        "cell_is_users": [float(found.cell is cell), float(found.cell.units), float(found.cell.name == "attentive_cell")],
        "output_shape": [[-1 if d is None else d for d in shape] for shape in found.output_shape],
        "config": [float(config.get("num_constants", 0)), float(config["return_state"])],
        "rnn_weight_names": [float(w.name.split("/")[-1].split(":")[0] == n)
                             for w, n in zip(found.weights, ["kernel", "recurrent_kernel", "memory_kernel"])],
        "weight_shapes": [list(w.shape) for w in model.get_weights()],
        "inference_head": inference_head,
        "inference_sequences": inference_sequences,
        "training_head": training_head,
    }
)
