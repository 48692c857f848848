"""Layers shared across the example packages."""

import tensorflow as tf
from tensorflow import keras


class ScaledResidual(keras.layers.Layer):
    """x + scale * normalize(x), with a learned per-feature scale."""

    def __init__(self, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        self.scale = self.add_weight(
            name="scale",
            shape=(input_shape[-1],),
            initializer="ones",
            trainable=True,
        )

    def call(self, inputs):
        mean = tf.reduce_mean(inputs, axis=-1, keepdims=True)
        variance = tf.reduce_mean(tf.square(inputs - mean), axis=-1, keepdims=True)
        normalized = (inputs - mean) / tf.sqrt(variance + self.epsilon)
        return inputs + self.scale * normalized

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon})
        return config
