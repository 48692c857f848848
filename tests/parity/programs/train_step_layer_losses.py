# parity: section=custom_train_step.optimization
"""Losses a layer adds with add_loss, read through `model.losses` by a custom train_step
inside the GradientTape block and again after it (keras.io's VQ-VAE logs
`sum(self.vqvae.losses)` as its own metric), and by a standalone training loop.

Variants: a vector-quantiser-like layer (commitment + codebook losses, straight-through
estimator) inside a functional sub-model held by a trainer Model; a subclassed model with
an activity-penalty layer reading `self.losses`; a GAN-like trainer with two optimizers
(the eager JAX path); a module-level loop over a tf.data pipeline with tf.GradientTape over
the same sub-model (the batch, a TF tensor, in arithmetic with the model's output).
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


class Quantizer(layers.Layer):
    def __init__(self, codes, dim, beta=0.25, **kwargs):
        super().__init__(**kwargs)
        self.beta = beta
        self.codebook = tf.Variable(
            np.linspace(-1.0, 1.0, codes * dim, dtype="float32").reshape(dim, codes), trainable=True, name="codebook")

    def call(self, x):
        distances = (tf.reduce_sum(x ** 2, axis=1, keepdims=True) + tf.reduce_sum(self.codebook ** 2, axis=0)
                     - 2 * tf.matmul(x, self.codebook))
        indices = tf.argmin(distances, axis=1)
        quantized = tf.matmul(tf.one_hot(indices, self.codebook.shape[1]), self.codebook, transpose_b=True)
        commitment = tf.reduce_mean((tf.stop_gradient(quantized) - x) ** 2)
        codebook = tf.reduce_mean((quantized - tf.stop_gradient(x)) ** 2)
        self.add_loss(self.beta * commitment + codebook)
        return x + tf.stop_gradient(quantized - x)


def autoencoder():
    inputs = keras.Input(shape=(6,))
    latent = layers.Dense(3)(inputs)
    quantized = Quantizer(5, 3)(latent)
    return keras.Model(inputs, layers.Dense(6)(quantized))


class Trainer(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.vqvae = autoencoder()
        self.total = keras.metrics.Mean(name="total")
        self.vq = keras.metrics.Mean(name="vq")

    @property
    def metrics(self):
        return [self.total, self.vq]

    def train_step(self, x):
        with tf.GradientTape() as tape:
            reconstructions = self.vqvae(x)
            loss = tf.reduce_mean((x - reconstructions) ** 2) + sum(self.vqvae.losses)
        grads = tape.gradient(loss, self.vqvae.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.vqvae.trainable_variables))
        self.total.update_state(loss)
        self.vq.update_state(sum(self.vqvae.losses))
        return {"loss": self.total.result(), "vq_loss": self.vq.result()}


class Penalised(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(4, activation="tanh")
        self.out = layers.Dense(1)

    def call(self, x):
        h = self.hidden(x)
        self.add_loss(0.1 * tf.reduce_mean(tf.abs(h)))
        return self.out(h)

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = tf.reduce_mean(tf.square(y - y_pred)) + tf.add_n(self.losses)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss, "penalty": tf.add_n(self.losses)}


class TwoOptimizers(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder = autoencoder()
        self.head = keras.Sequential([keras.Input((6,)), layers.Dense(1)])

    def compile(self, encoder_optimizer, head_optimizer):
        super().compile()
        self.encoder_optimizer = encoder_optimizer
        self.head_optimizer = head_optimizer

    def train_step(self, x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((x - self.encoder(x)) ** 2) + sum(self.encoder.losses)
        grads = tape.gradient(loss, self.encoder.trainable_variables)
        self.encoder_optimizer.apply_gradients(zip(grads, self.encoder.trainable_variables))
        vq = sum(self.encoder.losses)
        with tf.GradientTape() as tape:
            head_loss = tf.reduce_mean(tf.square(self.head(x) - 1.0))
        grads = tape.gradient(head_loss, self.head.trainable_variables)
        self.head_optimizer.apply_gradients(zip(grads, self.head.trainable_variables))
        return {"loss": loss, "vq_loss": vq, "head_loss": head_loss}


rng = np.random.RandomState(5)
x = rng.uniform(-1, 1, (24, 6)).astype("float32")
y = x.sum(axis=1, keepdims=True)

trainer = Trainer()
fill_weights(trainer.vqvae, seed=31)
trainer.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
trained = trainer.fit(x, batch_size=8, epochs=2, shuffle=False, verbose=0)

penalised = Penalised()
penalised(x[:1])
fill_weights(penalised, seed=32)
penalised.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))
penalty = penalised.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)

pair = TwoOptimizers()
fill_weights(pair.encoder, seed=33)
fill_weights(pair.head, seed=34)
pair.compile(keras.optimizers.Adam(learning_rate=0.01), keras.optimizers.SGD(learning_rate=0.05))
two = pair.fit(x, batch_size=8, epochs=2, shuffle=False, verbose=0)

# a standalone loop over the same kind of sub-model
looped = autoencoder()
fill_weights(looped, seed=35)
optimizer = keras.optimizers.Adam(learning_rate=0.01)
loop_losses, loop_vq = [], []
for batch in tf.data.Dataset.from_tensor_slices(x).batch(8):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((batch - looped(batch)) ** 2) + sum(looped.losses)
    grads = tape.gradient(loss, looped.trainable_variables)
    optimizer.apply_gradients(zip(grads, looped.trainable_variables))
    loop_losses.append(float(loss))
    loop_vq.append(float(sum(looped.losses)))

emit({
    "trainer_loss": trained.history["loss"],
    "trainer_vq_loss": trained.history["vq_loss"],
    "trainer_weights": trainer.vqvae.get_weights(),
    "penalised_loss": penalty.history["loss"],
    "penalised_penalty": penalty.history["penalty"],
    "two_loss": two.history["loss"],
    "two_vq_loss": two.history["vq_loss"],
    "two_head_loss": two.history["head_loss"],
    "loop_losses": loop_losses,
    "loop_vq": loop_vq,
    "loop_weights": looped.get_weights(),
})
