# parity: section=everyday.layers
"""Attention and AdditiveAttention made causal in the constructor (Keras 2's deprecated
`causal=True`, which tf_keras 2.21 still honoured on every call): inline in a functional
model, held by a custom layer that passes its own flag, and causal=False, trained briefly."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class SelfAttention(layers.Layer):
    def __init__(self, causal=False, **kwargs):
        super().__init__(**kwargs)
        self.causal = causal
        self.attention = layers.Attention(causal=self.causal, use_scale=True)

    def call(self, x):
        return self.attention([x, x])


tokens = keras.Input((6, 4))
memory = keras.Input((6, 4))
z = layers.Dense(4)(tokens)
a = layers.Attention(use_scale=True, causal=True)([z, memory])
b = layers.AdditiveAttention(causal=True)([z, memory, memory])
c = layers.Attention(causal=False)([z, memory])
d = SelfAttention(causal=True)(z)
outputs = layers.Dense(1)(layers.Concatenate()([a, b, c, d]))
model = keras.Model([tokens, memory], outputs)
fill_weights(model, seed=71)

rng = np.random.RandomState(72)
x1 = rng.normal(size=(16, 6, 4)).astype("float32")
x2 = rng.normal(size=(16, 6, 4)).astype("float32")
y = rng.normal(size=(16, 6, 1)).astype("float32")
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit([x1, x2], y, batch_size=8, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "history": history.history["loss"],
        "predictions": model.predict([x1[:3], x2[:3]], verbose=0),
        "weights": model.get_weights(),
    }
)
