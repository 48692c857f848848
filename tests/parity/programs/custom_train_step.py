# parity: section=custom_train_step.loss_only
"""The classic keras.io custom train_step/test_step: GradientTape + compiled_loss."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(3,))
hidden = keras.layers.Dense(4, activation="relu")(inputs)
outputs = keras.layers.Dense(1)(hidden)
model = CustomModel(inputs, outputs)
fill_weights(model, seed=24)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])

rng = np.random.RandomState(15)
x = rng.uniform(-1, 1, (16, 3)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
evaluation = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
emit(
    {
        "loss_history": history.history["loss"],
        "mae_history": history.history["mae"],
        "eval_loss": evaluation["loss"],
        "eval_mae": evaluation["mae"],
        "weights": model.get_weights(),
    }
)
