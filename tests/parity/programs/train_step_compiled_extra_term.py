# parity: section=custom_train_step.loss_only
"""A train_step adding a penalty on the predictions to self.compiled_loss(...), with a
tracker for the total, written with `from tensorflow.keras import ...` imports.

Only the optimisation changes: Keras 2 trains on the sum, logs the compiled part as
"loss" and the sum as "total", and evaluate() uses its default test_step. The history
of "loss" is not emitted: the agnostic migration turns the step into compute_loss(),
and Keras 3 logs what compute_loss() returns as "loss" (diagnosed, KM205).
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import Input, Model, layers, metrics, optimizers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class PenalisedModel(Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.total_tracker = metrics.Mean(name="total")

    def train_step(self, data):
        images, labels = data
        with tf.GradientTape() as tape:
            preds = self(images, training=True)
            penalty = 0.1 * tf.reduce_mean(tf.square(preds))
            total = self.compiled_loss(labels, preds, regularization_losses=self.losses) + penalty
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.compiled_metrics.update_state(labels, preds)
        self.total_tracker.update_state(total)
        return {m.name: m.result() for m in self.metrics}


inputs = Input(shape=(3,))
hidden = layers.Dense(4, activation="tanh", kernel_regularizer="l2")(inputs)
outputs = layers.Dense(2)(hidden)
model = PenalisedModel(inputs, outputs)
fill_weights(model, seed=43)
model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse", metrics=["mae"])

rng = np.random.RandomState(43)
x = rng.uniform(-1, 1, (16, 3)).astype("float32")
y = np.stack([x.sum(axis=1), x[:, 0] - x[:, 2]], axis=1).astype("float32")
history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
evaluation = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
emit(
    {
        "total_history": history.history["total"],
        "mae_history": history.history["mae"],
        "eval_loss": evaluation["loss"],
        "eval_mae": evaluation["mae"],
        "weights": [w for layer in model.layers for w in layer.get_weights()],
    }
)
