# parity: section=custom_train_step.optimization
"""keras.io's VAE (generative/vae.py): encoder/decoder sub-models, reconstruction + KL
losses, three Mean trackers listed by `metrics`, `tf.keras.backend`-free spelling with
`from tensorflow.keras import layers`. The sampling noise is a fixed tensor (no random
numbers) so that every backend trains on the same values.
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

latent_dim = 2


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z (here with a fixed epsilon)."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = 0.3 * tf.ones_like(z_mean)
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


encoder_inputs = keras.Input(shape=(6,))
x = layers.Dense(8, activation="relu")(encoder_inputs)
z_mean = layers.Dense(latent_dim, name="z_mean")(x)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
z = Sampling()([z_mean, z_log_var])
encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")

latent_inputs = keras.Input(shape=(latent_dim,))
x = layers.Dense(8, activation="relu")(latent_inputs)
decoder_outputs = layers.Dense(6, activation="sigmoid")(x)
decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")


class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            reconstruction_loss = tf.reduce_mean(
                tf.reduce_sum(keras.losses.binary_crossentropy(data, reconstruction), axis=-1))
            kl_loss = -0.5 * (1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var))
            kl_loss = tf.reduce_mean(tf.reduce_sum(kl_loss, axis=1))
            total_loss = reconstruction_loss + kl_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {
            "loss": self.total_loss_tracker.result(),
            "reconstruction_loss": self.reconstruction_loss_tracker.result(),
            "kl_loss": self.kl_loss_tracker.result(),
        }


fill_weights(encoder, seed=81)
fill_weights(decoder, seed=82)
vae = VAE(encoder, decoder)
vae.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))
rng = np.random.RandomState(81)
data = rng.uniform(0, 1, (24, 6)).astype("float32")
history = vae.fit(data, epochs=3, batch_size=8, shuffle=False, verbose=0)
emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "encoder": encoder.get_weights(),
        "decoder": decoder.get_weights(),
        "reconstruction": decoder(encoder(data[:4])[2]),
    }
)
