# parity: section=everyday.training_api
"""Keras 2's fit() ran every layer of a subclassed model in training mode, whatever the
model's call() declared: BatchNormalization normalised with the batch's statistics and
moved its averages, a layer branching on `training` took the training branch. Keras 3
passes `training` only to a call() that takes it, and on JAX does not hand it on to
sub-layers called without `training=` (keras.io depth_estimation: Keras 2's first loss
1.48, the migrated program's 0.81). Variants: call(self, x) with BatchNormalization
called directly; call(self, x, training=None) that never passes it on, to blocks kept in
a list and looped over, whose own call() does not take it either; a train_step that
only customises the loss (becomes compute_loss) with a model called in it; a layer
branching on `training`; evaluate / predict after fit (moving averages, inference).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights


class Plain(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(4)
        self.bn = layers.BatchNormalization()
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(tf.nn.relu(self.bn(self.dense(x))))


class Block(layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.dense = layers.Dense(units)
        self.bn = layers.BatchNormalization(momentum=0.5)

    def call(self, x):
        return tf.tanh(self.bn(self.dense(x)))


class Shift(layers.Layer):
    """Adds 1 in training only (a deterministic stand-in for dropout-like layers)."""

    def call(self, x, training=None):
        if training:
            return x + 1.0
        return x


class Looped(keras.Model):
    def __init__(self):
        super().__init__()
        self.blocks = [Block(6), Block(3)]
        self.shift = Shift()
        self.out = layers.Dense(2)

    def call(self, inputs, training=None):
        x = inputs
        for block in self.blocks:
            x = block(x)
        return self.out(self.shift(x))


class LossOnly(keras.Model):
    def __init__(self):
        super().__init__()
        # Dense on 2-D inputs: on 4-D inputs Keras 2's fused BatchNormalization moved its
        # variance with the unbiased batch variance (n / (n - 1)), Keras 3 with the biased one
        self.conv = layers.Dense(4)
        self.bn = layers.BatchNormalization()
        self.out = layers.Dense(1, activation="tanh")
        self.loss_metric = keras.metrics.Mean(name="loss")

    def call(self, x):
        return self.out(self.bn(self.conv(x)))

    @property
    def metrics(self):
        return [self.loss_metric]

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            pred = self(x, training=True)
            loss = tf.reduce_mean(tf.abs(y - pred)) + 0.1 * tf.reduce_mean(tf.square(pred))
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.loss_metric.update_state(loss)
        return {"loss": self.loss_metric.result()}


rng = np.random.RandomState(7)
x = (rng.rand(32, 5) * 4 + 2).astype("float32")
y = rng.rand(32, 1).astype("float32")

plain = Plain()
plain(x[:1])
fill_weights(plain, seed=41)
plain.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
plain_history = plain.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)

looped = Looped()
looped(x[:1])
fill_weights(looped, seed=42)
looped.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.5), loss="mse")
looped_history = looped.fit(x, np.concatenate([y, 1 - y], axis=1), batch_size=8, epochs=2, shuffle=False, verbose=0)

images = rng.rand(12, 6).astype("float32") * 3
targets = np.tanh(images[:, :1] - 1.5)
loss_only = LossOnly()
loss_only(images[:1])
fill_weights(loss_only, seed=43)
loss_only.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))
loss_only_history = loss_only.fit(images, targets, batch_size=4, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "plain_history": plain_history.history,
        "plain_weights": plain.trainable_weights,
        "plain_moving": [plain.bn.moving_mean, plain.bn.moving_variance],
        "plain_evaluate": plain.evaluate(x, y, batch_size=8, verbose=0),
        "plain_predict": plain.predict(x[:4], verbose=0),
        "looped_history": looped_history.history,
        "looped_weights": looped.trainable_weights,
        "looped_moving": [[b.bn.moving_mean, b.bn.moving_variance] for b in looped.blocks],
        "looped_predict": looped.predict(x[:4], verbose=0),
        "loss_only_history": loss_only_history.history,
        "loss_only_weights": loss_only.trainable_weights,
        "loss_only_moving": [loss_only.bn.moving_mean, loss_only.bn.moving_variance],
        "loss_only_predict": loss_only.predict(images[:2], verbose=0),
    }
)
