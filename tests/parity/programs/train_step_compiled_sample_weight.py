# parity: section=custom_train_step.loss_only
"""train_step/test_step with sample weights, weighted_metrics and tf.keras.* spellings.

The compiled loss gets the sample weights and the model's regularization losses, the
compiled metrics get the sample weights (only weighted_metrics use them), and the step
returns {m.name: m.result() for m in self.metrics}: Keras 2's default steps.
"""
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class WeightedModel(tf.keras.Model):
    def train_step(self, data):
        x, y, sample_weight = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, sample_weight=sample_weight, regularization_losses=self.losses)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.compiled_metrics.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y, sample_weight = data
        y_pred = self(x, training=False)
        self.compiled_loss(y, y_pred, sample_weight, regularization_losses=self.losses)
        self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return {m.name: m.result() for m in self.metrics}


inputs = tf.keras.Input(shape=(4,))
hidden = tf.keras.layers.Dense(5, activation="relu", kernel_regularizer=tf.keras.regularizers.L2(0.02))(inputs)
outputs = tf.keras.layers.Dense(1)(hidden)
model = WeightedModel(inputs, outputs)
fill_weights(model, seed=42)
model.compile(
    optimizer=tf.keras.optimizers.SGD(learning_rate=0.05),
    loss=tf.keras.losses.MeanSquaredError(),
    metrics=["mse"],
    weighted_metrics=["mae"],
)

rng = np.random.RandomState(42)
x = rng.uniform(-1, 1, (16, 4)).astype("float32")
y = (x.sum(axis=1, keepdims=True) * 0.7).astype("float32")
weights = rng.uniform(0.1, 1.0, (16,)).astype("float32")
history = model.fit(x, y, sample_weight=weights, batch_size=8, epochs=3, shuffle=False, verbose=0)
evaluation = model.evaluate(x, y, sample_weight=weights, batch_size=8, verbose=0, return_dict=True)
emit(
    {
        "loss_history": history.history["loss"],
        "mse_history": history.history["mse"],
        "mae_history": history.history["mae"],
        "eval": [evaluation[k] for k in ("loss", "mse", "mae")],
        "weights": [w for layer in model.layers for w in layer.get_weights()],
    }
)
