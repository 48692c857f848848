# parity: section=custom_train_step.optimization
"""tape.watch: gradients with respect to tensors. A WGAN-GP step (keras.io's wgan_gp,
wgan-graphs and molecule_generation write it this way): a gradient_penalty method whose
tape watches the interpolated inputs, called inside the discriminator's tape (a second-
order gradient), with several discriminator steps and two optimizers. Variants: one
watched tensor given bare (not in a list), two watched inputs of a two-input critic, and
a saliency map at module level.

The interpolation weights come with the data (no random numbers to match). The critic
trains with momentum SGD: keras.io's Adam(beta_1=0.5) turns a second-order gradient's
last-bit rounding (PyTorch sums in another order) into 0.6% of a bias after 4 steps.
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

latent_dim = 3


class WGAN(keras.Model):
    def __init__(self, discriminator, generator, discriminator_extra_steps=2, gp_weight=10.0):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.d_steps = discriminator_extra_steps
        self.gp_weight = gp_weight

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    def gradient_penalty(self, alpha, real_images, fake_images):
        diff = fake_images - real_images
        interpolated = real_images + alpha * diff
        with tf.GradientTape() as gp_tape:
            gp_tape.watch(interpolated)
            pred = self.discriminator(interpolated, training=True)
        grads = gp_tape.gradient(pred, [interpolated])[0]
        norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1]))
        return tf.reduce_mean((norm - 1.0) ** 2)

    def train_step(self, data):
        real_images, latents, alpha = data
        for i in range(self.d_steps):
            with tf.GradientTape() as tape:
                fake_images = self.generator(latents, training=True)
                fake_logits = self.discriminator(fake_images, training=True)
                real_logits = self.discriminator(real_images, training=True)
                d_cost = tf.reduce_mean(fake_logits) - tf.reduce_mean(real_logits)
                gp = self.gradient_penalty(alpha, real_images, fake_images)
                d_loss = d_cost + gp * self.gp_weight
            d_gradient = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(d_gradient, self.discriminator.trainable_variables))

        with tf.GradientTape() as tape:
            generated_images = self.generator(latents, training=True)
            gen_img_logits = self.discriminator(generated_images, training=True)
            g_loss = -tf.reduce_mean(gen_img_logits)
        gen_gradient = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(gen_gradient, self.generator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss, "gp": gp}


discriminator = keras.Sequential(
    [keras.Input(shape=(6,)), layers.Dense(8), layers.LeakyReLU(alpha=0.2), layers.Dense(1)], name="critic")
generator = keras.Sequential(
    [keras.Input(shape=(latent_dim,)), layers.Dense(8, activation="relu"), layers.Dense(6, activation="tanh")],
    name="generator")
fill_weights(discriminator, seed=81)
fill_weights(generator, seed=82)
wgan = WGAN(discriminator, generator)
wgan.compile(d_optimizer=keras.optimizers.SGD(learning_rate=0.002, momentum=0.5),
             g_optimizer=keras.optimizers.SGD(learning_rate=0.01))
rng = np.random.RandomState(81)
images = rng.uniform(-1, 1, (16, 6)).astype("float32")
latents = rng.normal(size=(16, latent_dim)).astype("float32")
alphas = rng.uniform(0, 1, (16, 1)).astype("float32")
dataset = tf.data.Dataset.from_tensor_slices((images, latents, alphas)).batch(8)
history = wgan.fit(dataset, epochs=2, verbose=0)


# Two watched inputs of a two-input critic, one bare watched tensor.
a_in, b_in = keras.Input(shape=(4,)), keras.Input(shape=(2,))
critic2 = keras.Model([a_in, b_in], layers.Dense(1)(layers.Concatenate()([layers.Dense(3, activation="tanh")(a_in), b_in])))
fill_weights(critic2, seed=83)


def penalty_two_inputs(a, b):
    with tf.GradientTape() as tape:
        tape.watch(a)
        tape.watch(b)
        logits = critic2([a, b], training=True)
    grads = tape.gradient(logits, [a, b])
    return tf.reduce_mean((1 - tf.norm(grads[0], axis=1)) ** 2) + tf.reduce_mean((1 - tf.norm(grads[1], axis=1)) ** 2)


def penalty_bare(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = critic2([x, x[:, :2]])
    g = tape.gradient(y, x)
    return tf.reduce_sum(g * g)


a = tf.constant(rng.uniform(-1, 1, (5, 4)).astype("float32"))
b = tf.constant(rng.uniform(-1, 1, (5, 2)).astype("float32"))
optimizer = keras.optimizers.SGD(learning_rate=0.05)
penalties = []
for step in range(3):
    with tf.GradientTape() as tape:
        penalty = penalty_two_inputs(a, b) + 0.1 * penalty_bare(a)
    grads = tape.gradient(penalty, critic2.trainable_variables)
    optimizer.apply_gradients(zip(grads, critic2.trainable_variables))
    penalties.append(float(penalty))

# A saliency map at module level: d(score of class 0) / d(input).
with tf.GradientTape() as tape:
    tape.watch(a)
    score = critic2([a, b])[:, 0]
saliency = tape.gradient(score, a)

emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "discriminator": discriminator.get_weights(),
        "generator": generator.get_weights(),
        "penalties": penalties,
        "critic2": critic2.get_weights(),
        "saliency": saliency,
    }
)
