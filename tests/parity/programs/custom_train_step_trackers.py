# parity: section=custom_train_step.loss_only
"""A keras.io-style train_step with a custom loss and metric trackers.

It only customises the loss (and reports it through trackers), so the migrator
can turn it into compute_loss(), which runs on every backend.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class RegressionModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_tracker = keras.metrics.Mean(name="mae")

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_tracker]

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            squared = tf.reduce_mean(tf.square(y - y_pred))
            loss = squared + 0.01 * tf.reduce_sum(tf.abs(y_pred))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        self.mae_tracker.update_state(tf.reduce_mean(tf.abs(y - y_pred)))
        return {"loss": self.loss_tracker.result(), "mae": self.mae_tracker.result()}


inputs = keras.Input(shape=(3,))
hidden = keras.layers.Dense(4, activation="tanh")(inputs)
outputs = keras.layers.Dense(1)(hidden)
model = RegressionModel(inputs, outputs)
fill_weights(model, seed=32)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))

rng = np.random.RandomState(22)
x = rng.uniform(-1, 1, (16, 3)).astype("float32")
y = (x @ np.array([[0.5], [-1.0], [2.0]], "float32")).astype("float32")
history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "mae_history": history.history["mae"],
        # Keras 2 counts the trackers' variables in model.get_weights(); Keras 3 does not.
        "weights": [w for layer in model.layers for w in layer.get_weights()],
    }
)
