# parity: section=custom_train_step.loss_only
"""A keras.io train_step whose compiled_loss() call leaves out regularization_losses.

Keras 2's compiled loss added only the regularization losses passed to it, so this
model trains (and logs "loss") without its kernel_regularizer penalty; evaluate() uses
Keras 2's default test_step, which does add it. Keras 3's compiled_loss shim and
compute_loss() always add model.losses.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class NoRegModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(3,))
hidden = keras.layers.Dense(4, activation="tanh", kernel_regularizer=keras.regularizers.l2(0.1))(inputs)
outputs = keras.layers.Dense(1, bias_regularizer=keras.regularizers.l1(0.05))(hidden)
model = NoRegModel(inputs, outputs)
fill_weights(model, seed=41)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])

rng = np.random.RandomState(41)
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
        "regularization": [float(v) for v in model.losses],
        "weights": [w for layer in model.layers for w in layer.get_weights()],
    }
)
