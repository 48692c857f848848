# parity: section=custom_train_step.optimization
"""A train_step that changes the optimisation itself (global-norm clipping)."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

loss_tracker = keras.metrics.Mean(name="loss")
grad_norm_tracker = keras.metrics.Mean(name="grad_norm")


class ClippedModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = keras.losses.mean_squared_error(y, y_pred)
            loss = tf.reduce_mean(loss)
        gradients = tape.gradient(loss, self.trainable_variables)
        gradients, norm = tf.clip_by_global_norm(gradients, 0.5)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        loss_tracker.update_state(loss)
        grad_norm_tracker.update_state(norm)
        return {"loss": loss_tracker.result(), "grad_norm": grad_norm_tracker.result()}

    @property
    def metrics(self):
        return [loss_tracker, grad_norm_tracker]


inputs = keras.Input(shape=(4,))
outputs = keras.layers.Dense(1)(keras.layers.Dense(5, activation="tanh")(inputs))
model = ClippedModel(inputs, outputs)
fill_weights(model, seed=25)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))

rng = np.random.RandomState(16)
x = rng.uniform(-1, 1, (16, 4)).astype("float32")
y = (3.0 * x.sum(axis=1, keepdims=True)).astype("float32")
history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "grad_norm_history": history.history["grad_norm"],
        "weights": model.get_weights(),
    }
)
