# parity: section=everyday.multi_input_mask
"""A transformer-style decoder layer with two inputs and a `mask` argument, fed by an
Embedding(mask_zero=True): Keras 2 passed the first input's padding mask as `mask`."""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights


class Decoder(layers.Layer):
    def __init__(self, dim, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.MultiHeadAttention(num_heads=2, key_dim=dim)
        self.dense = layers.Dense(dim)
        self.supports_masking = True

    def call(self, inputs, encoder_outputs, mask=None):
        padding = None
        if mask is not None:
            padding = tf.cast(mask[:, tf.newaxis, :], dtype="int32")
        attended = self.attention(query=inputs, value=encoder_outputs, key=encoder_outputs,
                                  attention_mask=padding)
        return self.dense(inputs + attended)


tokens = keras.Input(shape=(6,), dtype="int32")
context = keras.Input(shape=(6, 8))
embedded = layers.Embedding(20, 8, mask_zero=True)(tokens)
decoded = Decoder(8)(embedded, context)
pooled = layers.GlobalAveragePooling1D()(decoded)
model = keras.Model([tokens, context], layers.Dense(1)(pooled))
fill_weights(model, seed=3)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")

rng = np.random.RandomState(2)
ids = rng.randint(1, 20, (16, 6)).astype("int32")
ids[:, 4:] = 0  # padding the mask must hide
ctx = rng.uniform(-1, 1, (16, 6, 8)).astype("float32")
target = rng.uniform(-1, 1, (16, 1)).astype("float32")
before = model.predict([ids, ctx], verbose=0)
history = model.fit([ids, ctx], target, batch_size=8, epochs=2, shuffle=False, verbose=0)
emit({"before": before, "loss": history.history["loss"], "after": model.predict([ids, ctx], verbose=0)})
