# parity: section=custom_train_step.optimization
"""The TensorFlow DCGAN tutorial's loop: `with tf.GradientTape() as gen_tape,
tf.GradientTape() as disc_tape:` in an @tf.function train_step(images, noise), BatchNorm in
the generator, two optimizers, `from tensorflow.keras import layers` spelling.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


def make_generator_model():
    model = tf.keras.Sequential()
    model.add(layers.Dense(8, use_bias=False, input_shape=(4,)))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Dense(6, activation="tanh"))
    return model


def make_discriminator_model():
    model = tf.keras.Sequential()
    model.add(layers.Dense(8, input_shape=(6,)))
    model.add(layers.LeakyReLU())
    model.add(layers.Dense(1))
    return model


cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_output, fake_output):
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    return real_loss + fake_loss


def generator_loss(fake_output):
    return cross_entropy(tf.ones_like(fake_output), fake_output)


generator = make_generator_model()
discriminator = make_discriminator_model()
fill_weights(generator, seed=71)
fill_weights(discriminator, seed=72)
generator_optimizer = tf.keras.optimizers.SGD(1e-1)
discriminator_optimizer = tf.keras.optimizers.SGD(5e-2, momentum=0.9)


@tf.function
def train_step(images, noise):
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        generated_images = generator(noise, training=True)

        real_output = discriminator(images, training=True)
        fake_output = discriminator(generated_images, training=True)

        gen_loss = generator_loss(fake_output)
        disc_loss = discriminator_loss(real_output, fake_output)

    gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
    gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)

    generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))
    return gen_loss, disc_loss


rng = np.random.RandomState(71)
images = rng.uniform(-1, 1, (24, 6)).astype("float32")
noises = rng.normal(size=(24, 4)).astype("float32")
losses = []
for epoch in range(3):
    for start in range(0, 24, 8):
        gen_loss, disc_loss = train_step(images[start:start + 8], noises[start:start + 8])
        losses.append([float(gen_loss), float(disc_loss)])
emit(
    {
        "losses": losses,
        "generator": generator.get_weights(),
        "discriminator": discriminator.get_weights(),
        "generated": generator(noises[:4], training=False),
    }
)
