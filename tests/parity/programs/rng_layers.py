# parity: section=rng_layers
# parity: key=noise_mean atol=0.01 rtol=0 reason=statistic of random noise; Keras 3 RNG streams differ from TF's
# parity: key=dropout_zero_fraction atol=0.01 rtol=0 reason=statistic of a random mask; Keras 3 RNG streams differ from TF's
# parity: key=dropout_kept_mean atol=0.02 rtol=0 reason=statistic of a random mask; Keras 3 RNG streams differ from TF's
"""Custom layers drawing from tf.random inside call(), seeded TF/numpy style.

Random values differ between Keras 2 and Keras 3 by design, so the program
emits only deterministic results and statistics of large random samples.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit

random.seed(1337)
np.random.seed(1337)
tf.random.set_seed(1337)


class RandomNoiseLayer(keras.layers.Layer):
    def __init__(self, noise_rate, **kwargs):
        super().__init__(**kwargs)
        self.noise_rate = noise_rate

    def call(self, inputs, training=None):
        if training:
            noise = tf.random.uniform(
                tf.shape(inputs), minval=0, maxval=self.noise_rate, seed=1337
            )
            return inputs + noise
        return inputs


class MyDropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs, training=None):
        if not training:
            return inputs
        keep = tf.cast(tf.random.uniform(tf.shape(inputs)) >= self.rate, inputs.dtype)
        return inputs * keep / (1.0 - self.rate)


big = np.ones((200, 500), "float32")
noise_layer = RandomNoiseLayer(0.2)
first = noise_layer(big, training=True)
second = noise_layer(big, training=True)
dropout = MyDropout(0.25)
dropped = dropout(big, training=True)

emit(
    {
        "inference_identity": noise_layer(big[:2, :5], training=False),
        "noise_mean": tf.reduce_mean(first - big),
        "noise_in_range": float(np.all((first.numpy() >= 1.0) & (first.numpy() <= 1.2))),
        "calls_differ": float(not np.allclose(first.numpy(), second.numpy())),
        "dropout_zero_fraction": float(np.mean(dropped.numpy() == 0.0)),
        "dropout_kept_mean": tf.reduce_mean(dropped),
        "dropout_inference": dropout(big[:2, :5], training=False),
    }
)
