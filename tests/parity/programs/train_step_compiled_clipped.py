# parity: section=custom_train_step.optimization
"""A two-output model whose train_step clips gradients and uses the compile containers.

self.compiled_loss(...) also logs the per-output losses ("score_loss", "offset_loss"),
self.compiled_metrics.update_state(...) the per-output metrics, and the step returns
{metric.name: metric.result() for metric in self.metrics} plus a tracker of its own.
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


class ClippedTwoHeads(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.norm_tracker = keras.metrics.Mean(name="grad_norm")

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        gradients = tape.gradient(loss, self.trainable_variables)
        gradients = [tf.clip_by_norm(g, 0.5) for g in gradients]
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        self.norm_tracker.update_state(tf.linalg.global_norm(gradients))
        return {metric.name: metric.result() for metric in self.metrics}


inputs = layers.Input(shape=(5,))
hidden = layers.Dense(6, activation="tanh", kernel_regularizer=keras.regularizers.l2(0.01))(inputs)
score = layers.Dense(2, name="score")(hidden)
offset = layers.Dense(1, name="offset")(hidden)
model = ClippedTwoHeads(inputs=inputs, outputs=[score, offset])
fill_weights(model, seed=44)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1),
    loss=["mse", "mae"],
    loss_weights=[1.0, 0.5],
    metrics=[["mae"], ["mse"]],
)

rng = np.random.RandomState(44)
x = rng.uniform(-1, 1, (16, 5)).astype("float32")
y_score = np.stack([x[:, 0] + x[:, 1], x[:, 2] * 2.0], axis=1).astype("float32")
y_offset = x[:, 3:4] - x[:, 4:5]
history = model.fit(x, [y_score, y_offset], batch_size=8, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "history": {key: history.history[key] for key in
                    ("loss", "score_loss", "offset_loss", "score_mae", "offset_mse", "grad_norm")},
        "weights": [w for layer in model.layers for w in layer.get_weights()],
    }
)
