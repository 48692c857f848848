# parity: section=state_building
"""Layers whose state is first created when call() runs.

PositionalEmbedding is the guide's example (sub-layer never built before
call); LazyHead creates its Dense sub-layer inside call().
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class PositionalEmbedding(layers.Layer):
    def __init__(self, sequence_length, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.position_embeddings = layers.Embedding(
            input_dim=sequence_length, output_dim=output_dim
        )
        self.sequence_length = sequence_length
        self.output_dim = output_dim

    def call(self, inputs):
        inputs = tf.cast(inputs, self.compute_dtype)
        length = tf.shape(inputs)[1]
        positions = tf.range(start=0, limit=length, delta=1)
        embedded_positions = self.position_embeddings(positions)
        return inputs + embedded_positions


class LazyHead(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.proj = None

    def call(self, inputs):
        if self.proj is None:
            self.proj = layers.Dense(self.units)
        return self.proj(tf.reduce_mean(inputs, axis=1))


inputs = keras.Input(shape=(5, 4))
x = PositionalEmbedding(sequence_length=5, output_dim=4)(inputs)
outputs = LazyHead(2)(x)
model = keras.Model(inputs, outputs)
fill_weights(model, seed=12)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")

rng = np.random.RandomState(4)
data = rng.uniform(-1, 1, (8, 5, 4)).astype("float32")
target = rng.uniform(-1, 1, (8, 2)).astype("float32")
history = model.fit(data, target, batch_size=4, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(data, verbose=0),
    }
)
