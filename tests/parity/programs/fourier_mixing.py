# parity: section=keras_ops.tf_ops_long_tail
"""Fourier token mixing and causal masks as keras.io's FNet text generator and its
Transformer decoders write them: `tf.math.real(tf.signal.fft2d(tf.cast(x, tf.complex64)))`
inside an encoder layer, and a causal mask tiled over the batch with multiples built by
`tf.concat([tf.expand_dims(batch_size, -1), tf.constant([1, 1])], axis=0)`.

Variants: the FNet encoder trained with fit (2-D FFT over sequence x features); a 1-D
`tf.signal.fft` over the last axis whose real and imaginary parts are both used
(`tf.math.imag`, `tf.abs` of the complex result); an inverse `tf.signal.ifft2d` round
trip; the causal mask with multiples from tf.concat, from tf.stack and from a tuple local.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class FNetEncoder(layers.Layer):
    def __init__(self, embed_dim, dense_dim, **kwargs):
        super().__init__(**kwargs)
        self.dense_proj = keras.Sequential([layers.Dense(dense_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm_1 = layers.LayerNormalization()
        self.layernorm_2 = layers.LayerNormalization()

    def call(self, inputs):
        inp_complex = tf.cast(inputs, tf.complex64)
        fft = tf.math.real(tf.signal.fft2d(inp_complex))
        proj_input = self.layernorm_1(inputs + fft)
        return self.layernorm_2(proj_input + self.dense_proj(proj_input))


class SpectrumFeatures(layers.Layer):
    """Magnitude and phase-ish parts of a 1-D FFT over the features."""

    def call(self, x):
        spectrum = tf.signal.fft(tf.cast(x, tf.complex64))
        return tf.concat([tf.math.real(spectrum), tf.math.imag(spectrum), tf.abs(spectrum)], axis=-1)


class RoundTrip(layers.Layer):
    def call(self, x):
        z = tf.signal.fft2d(tf.cast(x, tf.complex64))
        return tf.math.real(tf.signal.ifft2d(z * 2.0))


class CausalMask(layers.Layer):
    def __init__(self, style, **kwargs):
        super().__init__(**kwargs)
        self.style = style

    def call(self, inputs):
        input_shape = tf.shape(inputs)
        batch_size, sequence_length = input_shape[0], input_shape[1]
        i = tf.range(sequence_length)[:, tf.newaxis]
        j = tf.range(sequence_length)
        mask = tf.cast(i >= j, dtype="int32")
        mask = tf.reshape(mask, (1, input_shape[1], input_shape[1]))
        if self.style == "concat":
            mult = tf.concat([tf.expand_dims(batch_size, -1), tf.constant([1, 1], dtype=tf.int32)], axis=0)
            return tf.tile(mask, mult)
        if self.style == "stack":
            reps = tf.stack([batch_size, 1, 1], axis=0)
            return tf.tile(mask, reps)
        repeats = (2, 1, 1)
        return tf.tile(mask, repeats)


rng = np.random.RandomState(0)
x = rng.normal(size=(32, 6, 8)).astype("float32")
y = rng.randint(0, 3, size=(32,)).astype("int32")

inputs = keras.Input(shape=(6, 8))
h = FNetEncoder(8, 16)(inputs)
h = layers.GlobalAveragePooling1D()(h)
model = keras.Model(inputs, layers.Dense(3, activation="softmax")(h))
fill_weights(model, seed=21)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)

spectrum_in = keras.Input(shape=(4, 5))
spectrum_model = keras.Model(spectrum_in, layers.Dense(2)(SpectrumFeatures()(spectrum_in)))
fill_weights(spectrum_model, seed=22)
spectrum_model.compile(optimizer="sgd", loss="mse")
spectrum_history = spectrum_model.fit(x[:, :4, :5], x[:, :4, :2], batch_size=8, epochs=2, shuffle=False, verbose=0)

emit({
    "fnet_loss": history.history["loss"],
    "fnet_predictions": model.predict(x[:4], verbose=0),
    "spectrum_loss": spectrum_history.history["loss"],
    "spectrum": SpectrumFeatures()(x[:2, :3, :4]),
    "round_trip": RoundTrip()(x[:2]),
    "mask_concat": CausalMask("concat")(x[:3]),
    "mask_stack": CausalMask("stack")(x[:3]),
    "mask_tuple": CausalMask("tuple")(x[:2]),
})
