# parity: section=custom_train_step.optimization
"""A GAN-ADA-shaped model (keras.io generative/gan_ada.py): no call() of its own, and its
__init__ makes its sub-models itself: functional generator and discriminator, an EMA
copy (clone_model), and an adaptive augmenter that is the program's own Model subclass
without build() (a probability Variable and a Sequential that starts with an Input).
Keras 2 trains it as is; Keras 3 on JAX and PyTorch first tries to build it by calling
it. Two optimizers passed to a custom compile(), one persistent tape for both losses,
the augmentation probability updated from the discriminator's logits, metric trackers,
a test_step and the EMA weights.

Variants: fit with validation data (test_step over the EMA generator), the augmenter
called by itself after training; the training flag passed positionally to the functional
models, the Sequential and the augmenter (`self.generator(noise, training)`).
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

noise_size, size = 4, 6


class AdaptiveAugmenter(keras.Model):
    def __init__(self):
        super().__init__()
        self.probability = tf.Variable(0.0)
        self.augmenter = keras.Sequential(
            [layers.InputLayer(input_shape=(size,)), layers.Rescaling(scale=0.5, offset=0.25)], name="adaptive")

    def call(self, images, training):
        if training:
            augmented = self.augmenter(images, training)  # the flag passed positionally, as keras.io does
            return self.probability * augmented + (1.0 - self.probability) * images
        return images

    def update(self, real_logits):
        accuracy = tf.reduce_mean(tf.cast(real_logits > 0.0, tf.float32))
        self.probability.assign(tf.clip_by_value(self.probability + 0.1 * (accuracy - 0.5), 0.0, 1.0))


def get_generator():
    noise = keras.Input(shape=(noise_size,))
    return keras.Model(noise, layers.Dense(size, activation="tanh")(layers.Dense(8, activation="relu")(noise)))


def get_discriminator():
    images = keras.Input(shape=(size,))
    return keras.Model(images, layers.Dense(1)(layers.Dense(8, activation="relu")(images)))


class GAN_ADA(keras.Model):
    def __init__(self):
        super().__init__()
        self.augmenter = AdaptiveAugmenter()
        self.generator = get_generator()
        self.ema_generator = keras.models.clone_model(self.generator)
        self.discriminator = get_discriminator()
        fill_weights(self.generator, seed=41)
        fill_weights(self.discriminator, seed=42)
        self.ema_generator.set_weights(self.generator.get_weights())

    def compile(self, generator_optimizer, discriminator_optimizer, **kwargs):
        super().compile(**kwargs)
        self.generator_optimizer = generator_optimizer
        self.discriminator_optimizer = discriminator_optimizer
        self.generator_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.discriminator_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.real_accuracy = keras.metrics.BinaryAccuracy(name="real_acc")
        self.augmentation_probability_tracker = keras.metrics.Mean(name="aug_p")

    @property
    def metrics(self):
        return [self.generator_loss_tracker, self.discriminator_loss_tracker, self.real_accuracy,
                self.augmentation_probability_tracker]

    def generate(self, noise, training):
        # use ema_generator during inference
        if training:
            return self.generator(noise, training)
        return self.ema_generator(noise, training)

    def adversarial_loss(self, real_logits, generated_logits):
        real_labels = tf.ones(shape=(tf.shape(real_logits)[0], 1))
        generated_labels = tf.zeros(shape=(tf.shape(generated_logits)[0], 1))
        generator_loss = keras.losses.binary_crossentropy(real_labels, generated_logits, from_logits=True)
        discriminator_loss = keras.losses.binary_crossentropy(
            tf.concat([real_labels, generated_labels], axis=0),
            tf.concat([real_logits, generated_logits], axis=0), from_logits=True)
        return tf.reduce_mean(generator_loss), tf.reduce_mean(discriminator_loss)

    def train_step(self, data):
        real_images, noise = data
        real_images = self.augmenter(real_images, training=True)
        with tf.GradientTape(persistent=True) as tape:
            generated_images = self.generate(noise, True)
            generated_images = self.augmenter(generated_images, training=True)
            real_logits = self.discriminator(real_images, training=True)
            generated_logits = self.discriminator(generated_images, training=True)
            generator_loss, discriminator_loss = self.adversarial_loss(real_logits, generated_logits)
        generator_gradients = tape.gradient(generator_loss, self.generator.trainable_weights)
        discriminator_gradients = tape.gradient(discriminator_loss, self.discriminator.trainable_weights)
        self.generator_optimizer.apply_gradients(zip(generator_gradients, self.generator.trainable_weights))
        self.discriminator_optimizer.apply_gradients(
            zip(discriminator_gradients, self.discriminator.trainable_weights))
        self.augmenter.update(real_logits)
        self.generator_loss_tracker.update_state(generator_loss)
        self.discriminator_loss_tracker.update_state(discriminator_loss)
        self.real_accuracy.update_state(1.0, tf.sigmoid(real_logits))
        self.augmentation_probability_tracker.update_state(self.augmenter.probability)
        for weight, ema_weight in zip(self.generator.weights, self.ema_generator.weights):
            ema_weight.assign(0.9 * ema_weight + 0.1 * weight)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        real_images, noise = data
        generated_logits = self.discriminator(self.generate(noise, False), False)
        real_logits = self.discriminator(real_images, training=False)
        generator_loss, discriminator_loss = self.adversarial_loss(real_logits, generated_logits)
        self.generator_loss_tracker.update_state(generator_loss)
        self.discriminator_loss_tracker.update_state(discriminator_loss)
        return {"g_loss": self.generator_loss_tracker.result(), "d_loss": self.discriminator_loss_tracker.result()}


rng = np.random.RandomState(7)
images = np.tanh(rng.normal(size=(32, size))).astype("float32")
noise = rng.normal(size=(32, noise_size)).astype("float32")

model = GAN_ADA()
model.compile(generator_optimizer=keras.optimizers.Adam(learning_rate=0.01, beta_1=0.5),
              discriminator_optimizer=keras.optimizers.Adam(learning_rate=0.01, beta_1=0.5))
train = tf.data.Dataset.from_tensor_slices((images, noise)).batch(8)
validation = tf.data.Dataset.from_tensor_slices((images[:16], noise[:16])).batch(8)
history = model.fit(train, epochs=2, verbose=0, validation_data=validation)

emit({
    "history": {key: history.history[key] for key in sorted(history.history)},
    "probability": model.augmenter.probability,
    "augmented": model.augmenter(images[:3], training=True),
    "generator": model.generator.get_weights(),
    "ema_generator": model.ema_generator.get_weights(),
    "discriminator": model.discriminator.get_weights(),
})
