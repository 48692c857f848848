# parity: section=custom_train_step.optimization
"""A keras.io-style GAN: compile(d_optimizer, g_optimizer, loss_fn), two tapes in train_step,
loss trackers listed by a `metrics` property (generative/dcgan_overriding_train_step.py).

The migrator keeps the step as written (tapes -> value_and_grad) and adds the
BackendAgnosticSteps mixin; the latent vectors come with the data (no random numbers).
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

latent_dim = 3


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def train_step(self, data):
        real_images, random_latent_vectors = data
        batch_size = tf.shape(real_images)[0]
        generated_images = self.generator(random_latent_vectors)
        combined_images = tf.concat([generated_images, real_images], axis=0)
        labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * tf.ones(tf.shape(labels))

        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        misleading_labels = tf.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(random_latent_vectors))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}


discriminator = keras.Sequential(
    [keras.Input(shape=(6,)), keras.layers.Dense(8), keras.layers.LeakyReLU(alpha=0.2), keras.layers.Dense(1)],
    name="discriminator")
generator = keras.Sequential(
    [keras.Input(shape=(latent_dim,)), keras.layers.Dense(8), keras.layers.LeakyReLU(alpha=0.2),
     keras.layers.Dense(6, activation="tanh")], name="generator")
fill_weights(discriminator, seed=61)
fill_weights(generator, seed=62)

gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
gan.compile(
    d_optimizer=keras.optimizers.SGD(learning_rate=0.05),
    g_optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.5),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)
rng = np.random.RandomState(61)
images = rng.uniform(-1, 1, (16, 6)).astype("float32")
latents = rng.normal(size=(16, latent_dim)).astype("float32")
dataset = tf.data.Dataset.from_tensor_slices((images, latents)).batch(8)
history = gan.fit(dataset, epochs=3, verbose=0)
emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "discriminator": discriminator.get_weights(),
        "generator": generator.get_weights(),
    }
)
