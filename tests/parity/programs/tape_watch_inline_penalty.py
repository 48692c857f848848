# parity: section=custom_train_step.optimization
"""A gradient penalty written inline: the watched tape is not in a method of its own but
in the critic's tape block. Variants:
- keras.io's StyleGAN shape: one `with` statement holding both tapes, the penalty tape
  watching the interpolated images half-way through the block, both gradients taken
  (and the optimizer applied) inside the block; the norm reduces over
  `tf.range(1, tf.size(tf.shape(g)))`;
- the same written nested (`with total:` holding `with gp: gp.watch(x)`), the outer
  gradient taken after the block, several critic steps, the norm over
  `tf.range(1, tf.rank(g))`;
- a module-level loop with the tapes in the other order in the `with` statement and the
  watched tensor's gradient requested bare (not in a list).

Momentum SGD, data-given interpolation weights (see tape_watch_gradient_penalty).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

np.random.seed(0)
tf.random.set_seed(0)

latent_dim = 3


def wasserstein_loss(y_true, y_pred):
    return tf.reduce_mean(y_true * y_pred)


class SharedWithGAN(keras.Model):
    """Both tapes in one `with` statement (StyleGAN)."""

    def __init__(self, discriminator, generator):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    def gradient_loss(self, grad):
        loss = tf.square(grad)
        loss = tf.reduce_sum(loss, axis=tf.range(1, tf.size(tf.shape(loss))))
        loss = tf.sqrt(loss)
        return tf.reduce_mean(tf.square(loss - 1))

    def train_step(self, data):
        real_images, latents, epsilon = data
        batch_size = tf.shape(real_images)[0]
        real_labels = tf.ones(batch_size)
        fake_labels = -tf.ones(batch_size)

        with tf.GradientTape() as g_tape:
            fake_images = self.generator(latents, training=True)
            pred_fake = self.discriminator(fake_images, training=True)
            g_loss = wasserstein_loss(real_labels, pred_fake)
            gradients = g_tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(gradients, self.generator.trainable_weights))

        with tf.GradientTape() as gradient_tape, tf.GradientTape() as total_tape:
            # forward pass
            pred_fake = self.discriminator(fake_images, training=True)
            pred_real = self.discriminator(real_images, training=True)

            interpolates = epsilon * real_images + (1 - epsilon) * fake_images
            gradient_tape.watch(interpolates)
            pred_fake_grad = self.discriminator(interpolates, training=True)

            loss_fake = wasserstein_loss(fake_labels, pred_fake)
            loss_real = wasserstein_loss(real_labels, pred_real)
            loss_fake_grad = wasserstein_loss(fake_labels, pred_fake_grad)

            # gradient penalty
            gradients_fake = gradient_tape.gradient(loss_fake_grad, [interpolates])
            gradient_penalty = 10.0 * self.gradient_loss(gradients_fake)

            all_pred = tf.concat([pred_fake, pred_real], axis=0)
            drift_loss = 0.001 * tf.reduce_mean(all_pred**2)
            d_loss = loss_fake + loss_real + gradient_penalty + drift_loss

            gradients = total_tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(gradients, self.discriminator.trainable_weights))

        self.d_loss_metric.update_state(d_loss)
        return {"d_loss": self.d_loss_metric.result(), "g_loss": g_loss, "gp": gradient_penalty}


class NestedGAN(keras.Model):
    """The penalty tape nested in the critic's tape; two critic steps."""

    def __init__(self, discriminator, generator):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    def train_step(self, data):
        real_images, latents, alpha = data
        for _ in range(2):
            with tf.GradientTape() as tape:
                fake_images = self.generator(latents, training=True)
                d_cost = tf.reduce_mean(self.discriminator(fake_images, training=True)) - tf.reduce_mean(
                    self.discriminator(real_images, training=True))
                interpolated = real_images + alpha * (fake_images - real_images)
                with tf.GradientTape() as gp_tape:
                    gp_tape.watch(interpolated)
                    pred = self.discriminator(interpolated, training=True)
                grads = gp_tape.gradient(pred, [interpolated])[0]
                norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=tf.range(1, tf.rank(grads))))
                gp = tf.reduce_mean((norm - 1.0) ** 2)
                d_loss = d_cost + 10.0 * gp
            d_gradient = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(d_gradient, self.discriminator.trainable_variables))

        with tf.GradientTape() as tape:
            g_loss = -tf.reduce_mean(self.discriminator(self.generator(latents, training=True), training=True))
        gen_gradient = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(gen_gradient, self.generator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss, "gp": gp}


def make_models(seed):
    discriminator = keras.Sequential(
        [keras.Input(shape=(6,)), layers.Dense(8), layers.LeakyReLU(alpha=0.2), layers.Dense(1)])
    generator = keras.Sequential(
        [keras.Input(shape=(latent_dim,)), layers.Dense(8, activation="relu"), layers.Dense(6, activation="tanh")])
    fill_weights(discriminator, seed=seed)
    fill_weights(generator, seed=seed + 1)
    return discriminator, generator


rng = np.random.RandomState(91)
images = rng.uniform(-1, 1, (16, 6)).astype("float32")
latents = rng.normal(size=(16, latent_dim)).astype("float32")
mix = rng.uniform(0, 1, (16, 1)).astype("float32")
dataset = tf.data.Dataset.from_tensor_slices((images, latents, mix)).batch(8)

results = {}
for name, cls, seed in (("shared_with", SharedWithGAN, 91), ("nested", NestedGAN, 93)):
    discriminator, generator = make_models(seed)
    gan = cls(discriminator, generator)
    gan.compile(d_optimizer=keras.optimizers.SGD(learning_rate=0.002, momentum=0.5),
                g_optimizer=keras.optimizers.SGD(learning_rate=0.01))
    history = gan.fit(dataset, epochs=2, verbose=0)
    results[name] = {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "discriminator": discriminator.get_weights(),
        "generator": generator.get_weights(),
    }

# A module-level loop: the tapes in the other order, the watched gradient asked bare.
critic, _ = make_models(95)
optimizer = keras.optimizers.SGD(learning_rate=0.01)
losses = []
for real, _, eps in dataset:
    with tf.GradientTape() as total_tape, tf.GradientTape() as penalty_tape:
        shifted = eps * real + (1.0 - eps) * tf.reverse(real, axis=[0])
        penalty_tape.watch(shifted)
        score = tf.reduce_sum(critic(shifted, training=True))
        slope = penalty_tape.gradient(score, shifted)
        loss = tf.reduce_mean(critic(real, training=True)) + tf.reduce_mean(tf.square(tf.norm(slope, axis=1) - 1.0))
    grads = total_tape.gradient(loss, critic.trainable_variables)
    optimizer.apply_gradients(zip(grads, critic.trainable_variables))
    losses.append(float(loss))
results["loop"] = {"losses": losses, "critic": critic.get_weights()}

emit(results)
