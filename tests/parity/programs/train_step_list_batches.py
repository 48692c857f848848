# parity: section=custom_train_step.optimization
"""Custom train steps fed a list of arrays (keras.io molecule_generation and WGAN-graphs,
`model.fit([adjacency, features, qed])`), written from their description. Variants:

- a VAE-style model whose call() takes two of the batch's three arrays, whose property
  head (a Dense) is made when the step first calls it, with no test_step: Keras 2 built
  it inside its first step (Keras 3 would call it on the whole batch first); its loss has
  keras.losses.binary_crossentropy of (batch,) labels against (batch, 1) predictions;
- a WGAN with its own compile(optimizer_generator, optimizer_discriminator) whose step
  checks `isinstance(inputs[0], tuple)` (Keras 2 gave tuples, Keras 3's JAX and PyTorch
  trainers give the lists fit() got), sizes the step with tf.shape and reports
  `{m.name: m.result() for m in self.metrics}` (Keras 3 adds its "loss" tracker there).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

rng = np.random.RandomState(21)
adjacency = rng.uniform(size=(12, 2, 3, 3)).astype("float32")
features = rng.uniform(size=(12, 3, 4)).astype("float32")
qed = rng.uniform(0.2, 0.8, size=(12,)).astype("float32")


def encoder():
    a = keras.Input((2, 3, 3))
    f = keras.Input((3, 4))
    x = layers.Concatenate()([layers.Flatten()(a), layers.Flatten()(f)])
    x = layers.Dense(5, activation="tanh")(x)
    return keras.Model([a, f], [layers.Dense(2)(x), layers.Dense(2)(x)], name="encoder")


class MoleculeModel(keras.Model):
    def __init__(self, encoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        # (deterministic: it is made inside the first step, after fill_weights)
        self.property_prediction_layer = layers.Dense(1, kernel_initializer=keras.initializers.Constant(0.3))
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")

    def call(self, inputs):
        z_mean, log_var = self.encoder(inputs)
        return z_mean, log_var, self.property_prediction_layer(z_mean)

    def train_step(self, data):
        adjacency_tensor, feature_tensor, qed_tensor = data[0]
        with tf.GradientTape() as tape:
            z_mean, log_var, qed_pred = self([adjacency_tensor, feature_tensor], training=True)
            kl_loss = -0.5 * tf.reduce_mean(1 + log_var - tf.square(z_mean) - tf.exp(log_var))
            property_loss = tf.reduce_mean(
                keras.losses.binary_crossentropy(qed_tensor, 0.5 + 0.4 * tf.tanh(qed_pred)))
            total_loss = kl_loss + property_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        return {"loss": self.total_loss_tracker.result()}


molecule = MoleculeModel(encoder())
fill_weights(molecule.encoder, seed=21)
molecule.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
molecule_history = molecule.fit([adjacency, features, qed], epochs=2, batch_size=4, shuffle=False, verbose=0)
# (the head made in the first step, given other weights and trained again)
fill_weights(molecule.property_prediction_layer, seed=22)
molecule_again = molecule.fit([adjacency, features, qed], epochs=1, batch_size=4, shuffle=False, verbose=0)


def generator():
    z = keras.Input((4,))
    x = layers.Dense(6, activation="tanh")(z)
    a = layers.Reshape((2, 3, 3))(layers.Dense(18)(x))
    f = layers.Reshape((3, 4))(layers.Dense(12)(x))
    return keras.Model(z, [a, f], name="generator")


def discriminator():
    a = keras.Input((2, 3, 3))
    f = keras.Input((3, 4))
    x = layers.Concatenate()([layers.Flatten()(a), layers.Flatten()(f)])
    return keras.Model([a, f], layers.Dense(1)(layers.Dense(4, activation="tanh")(x)), name="discriminator")


class GraphWGAN(keras.Model):
    def __init__(self, generator, discriminator, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator

    def compile(self, optimizer_generator, optimizer_discriminator, **kwargs):
        super().compile(**kwargs)
        self.optimizer_generator = optimizer_generator
        self.optimizer_discriminator = optimizer_discriminator
        self.metric_generator = keras.metrics.Mean(name="loss_gen")
        self.metric_discriminator = keras.metrics.Mean(name="loss_dis")

    def train_step(self, inputs):
        if isinstance(inputs[0], tuple):
            inputs = inputs[0]
        graph_real = inputs
        self.batch_size = tf.shape(inputs[0])[0]
        # deterministic latents (a parity program matches no random draws)
        z = tf.reshape(graph_real[1], (self.batch_size, -1))[:, :4]
        with tf.GradientTape() as tape:
            graph_generated = self.generator(z, training=True)
            loss = tf.reduce_mean(self.discriminator(graph_generated, training=True)) - tf.reduce_mean(
                self.discriminator(graph_real, training=True))
        grads = tape.gradient(loss, self.discriminator.trainable_weights)
        self.optimizer_discriminator.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        self.metric_discriminator.update_state(loss)
        with tf.GradientTape() as tape:
            loss = -tf.reduce_mean(self.discriminator(self.generator(z, training=True), training=True))
        grads = tape.gradient(loss, self.generator.trainable_weights)
        self.optimizer_generator.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.metric_generator.update_state(loss)
        return {m.name: m.result() for m in self.metrics}


wgan = GraphWGAN(generator(), discriminator())
fill_weights(wgan.generator, seed=23)
fill_weights(wgan.discriminator, seed=24)
wgan.compile(optimizer_generator=keras.optimizers.Adam(5e-3), optimizer_discriminator=keras.optimizers.Adam(5e-3))
wgan_history = wgan.fit([adjacency, features], epochs=2, batch_size=4, shuffle=False, verbose=0)

emit(
    {
        "molecule_history": molecule_history.history,
        "molecule_again": molecule_again.history,
        "molecule_weights": molecule.trainable_weights,
        "molecule_steps": int(molecule.optimizer.iterations),
        "wgan_history": wgan_history.history,
        "wgan_generator": wgan.generator.get_weights(),
        "wgan_discriminator": wgan.discriminator.get_weights(),
    }
)
