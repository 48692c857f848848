# parity: section=custom_train_step.optimization
"""Persistent tapes: one forward pass, several tape.gradient calls (keras.io's gan_ada and
cyclegan write their GAN steps this way), then `del tape`.

(A bias before BatchNorm gets a gradient of rounding noise only, which Adam scales up to
full steps: the discriminator's first Dense has none, as GANs write it.)

Variants: a train_step with two optimizers and losses returned as a tuple (BatchNorm in
the discriminator, Adam with momentum state on both); a custom loop taking two gradients
of two losses over the same variables and summing them; persistent=False spelled out.
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


class AdversarialModel(keras.Model):
    def __init__(self, generator, discriminator):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")

    def compile(self, generator_optimizer, discriminator_optimizer):
        super().compile()
        self.generator_optimizer = generator_optimizer
        self.discriminator_optimizer = discriminator_optimizer

    @property
    def metrics(self):
        return [self.g_loss_tracker, self.d_loss_tracker]

    def adversarial_loss(self, real_logits, generated_logits):
        real_labels = tf.ones_like(real_logits)
        generated_labels = tf.zeros_like(generated_logits)
        generator_loss = keras.losses.binary_crossentropy(real_labels, generated_logits, from_logits=True)
        discriminator_loss = keras.losses.binary_crossentropy(
            tf.concat([real_labels, generated_labels], axis=0),
            tf.concat([real_logits, generated_logits], axis=0), from_logits=True)
        return tf.reduce_mean(generator_loss), tf.reduce_mean(discriminator_loss)

    def train_step(self, data):
        real_images, latents = data
        # persistent: both gradients come from this one forward pass
        with tf.GradientTape(persistent=True) as tape:
            generated_images = self.generator(latents, training=True)
            real_logits = self.discriminator(real_images, training=True)
            generated_logits = self.discriminator(generated_images, training=True)
            generator_loss, discriminator_loss = self.adversarial_loss(real_logits, generated_logits)

        generator_gradients = tape.gradient(generator_loss, self.generator.trainable_weights)
        discriminator_gradients = tape.gradient(discriminator_loss, self.discriminator.trainable_weights)
        del tape
        self.generator_optimizer.apply_gradients(zip(generator_gradients, self.generator.trainable_weights))
        self.discriminator_optimizer.apply_gradients(
            zip(discriminator_gradients, self.discriminator.trainable_weights))

        self.g_loss_tracker.update_state(generator_loss)
        self.d_loss_tracker.update_state(discriminator_loss)
        return {m.name: m.result() for m in self.metrics}


generator = keras.Sequential(
    [keras.Input(shape=(latent_dim,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(6, activation="tanh")],
    name="generator")
discriminator = keras.Sequential(
    [keras.Input(shape=(6,)), keras.layers.Dense(8, use_bias=False), keras.layers.BatchNormalization(), keras.layers.LeakyReLU(alpha=0.2),
     keras.layers.Dense(1)], name="discriminator")
fill_weights(generator, seed=71)
fill_weights(discriminator, seed=72)

model = AdversarialModel(generator, discriminator)
model.compile(keras.optimizers.Adam(learning_rate=0.01), keras.optimizers.Adam(learning_rate=0.02, beta_1=0.5))
rng = np.random.RandomState(71)
images = rng.uniform(-1, 1, (16, 6)).astype("float32")
latents = rng.normal(size=(16, latent_dim)).astype("float32")
dataset = tf.data.Dataset.from_tensor_slices((images, latents)).batch(8)
history = model.fit(dataset, epochs=3, verbose=0)

# A custom loop: two losses over the same variables, gradients summed.
regressor = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
fill_weights(regressor, seed=73)
optimizer = keras.optimizers.SGD(learning_rate=0.1)
targets = rng.uniform(-1, 1, (16, 1)).astype("float32")
loop_losses = []
for step in range(3):
    for start in range(0, 16, 8):
        x, y = images[start:start + 8], tf.constant(targets[start:start + 8])
        with tf.GradientTape(persistent=True) as tape:
            prediction = regressor(x, training=True)
            fit_loss = tf.reduce_mean(tf.square(prediction - y))
            smooth_loss = 0.1 * tf.reduce_mean(tf.abs(prediction))
        fit_grads = tape.gradient(fit_loss, regressor.trainable_variables)
        smooth_grads = tape.gradient(smooth_loss, regressor.trainable_variables)
        del tape
        optimizer.apply_gradients(
            zip([a + b for a, b in zip(fit_grads, smooth_grads)], regressor.trainable_variables))
        loop_losses.append(float(fit_loss))

# persistent=False written out: an ordinary tape.
with tf.GradientTape(persistent=False) as tape:
    last = tf.reduce_sum(regressor(images))
last_grads = tape.gradient(last, regressor.trainable_variables)

emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "generator": generator.get_weights(),
        "discriminator": discriminator.get_weights(),
        "loop_losses": loop_losses,
        "regressor": regressor.get_weights(),
        "last_grads": last_grads,
    }
)
