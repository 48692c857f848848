# parity: section=rng_layers
# parity: key=noise_mean atol=0.01 rtol=0 reason=statistic of random noise; Keras 3 RNG streams differ from TF's
# parity: key=dropout_zero_fraction atol=0.01 rtol=0 reason=statistic of a random mask; Keras 3 RNG streams differ from TF's
# parity: key=dropout_kept_mean atol=0.02 rtol=0 reason=statistic of a random mask; Keras 3 RNG streams differ from TF's
# parity: key=noise_train_losses atol=0.005 rtol=0 reason=loss over random noise; Keras 3 RNG streams differ from TF's
# parity: key=dropout_train_losses atol=0.02 rtol=0 reason=loss over a random mask; Keras 3 RNG streams differ from TF's
"""Custom layers drawing from tf.random inside call(), seeded TF/numpy style,
used eagerly and inside compiled training steps (train_on_batch).

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


class RowMean(keras.layers.Layer):
    def call(self, inputs):
        return tf.reduce_mean(inputs, axis=-1, keepdims=True)


def probe(random_layer):
    """A model whose training loss is a statistic of random_layer's output."""
    model = keras.Sequential(
        [
            keras.Input(shape=(500,)),
            random_layer,
            RowMean(),
            keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    return model


big = np.ones((200, 500), "float32")
zeros = np.zeros((200, 1), "float32")
noise_layer = RandomNoiseLayer(0.2)
first = noise_layer(big, training=True)
second = noise_layer(big, training=True)
dropout = MyDropout(0.25)
dropped = dropout(big, training=True)

noise_model = probe(RandomNoiseLayer(0.2))
noise_losses = [noise_model.train_on_batch(big, zeros) for _ in range(2)]
dropout_model = probe(MyDropout(0.25))
dropout_losses = [dropout_model.train_on_batch(big, zeros) for _ in range(2)]

emit(
    {
        "inference_identity": noise_layer(big[:2, :5], training=False),
        "noise_mean": tf.reduce_mean(first - big),
        "noise_in_range": float(np.all((first.numpy() >= 1.0) & (first.numpy() <= 1.2))),
        "calls_differ": float(not np.allclose(first.numpy(), second.numpy())),
        "dropout_zero_fraction": float(np.mean(dropped.numpy() == 0.0)),
        "dropout_kept_mean": tf.reduce_mean(dropped),
        "dropout_inference": dropout(big[:2, :5], training=False),
        "noise_train_losses": noise_losses,
        "noise_train_steps_differ": float(noise_losses[0] != noise_losses[1]),
        "dropout_train_losses": dropout_losses,
        "dropout_train_steps_differ": float(dropout_losses[0] != dropout_losses[1]),
        "noise_predict_is_identity": noise_model.predict(big[:3], verbose=0),
    }
)
