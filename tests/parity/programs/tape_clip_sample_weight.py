# parity: section=custom_train_step.optimization
"""A train_step with sample weights (keras.utils.unpack_x_y_sample_weight), the compiled
loss with regularization losses, global-norm clipping whose norm is logged, and the
compiled metrics with the sample weights (`tf.keras.Model` spelling)."""
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class ClippedWeighted(tf.keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.norm_tracker = tf.keras.metrics.Mean(name="grad_norm")

    def train_step(self, data):
        x, y, sample_weight = tf.keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, sample_weight=sample_weight, regularization_losses=self.losses)
        gradients = tape.gradient(loss, self.trainable_variables)
        gradients, global_norm = tf.clip_by_global_norm(gradients, 0.8)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred, sample_weight=sample_weight)
        self.norm_tracker.update_state(global_norm)
        return {m.name: m.result() for m in self.metrics}


inputs = tf.keras.Input(shape=(4,))
hidden = tf.keras.layers.Dense(6, activation="tanh", kernel_regularizer=tf.keras.regularizers.l2(0.01))(inputs)
outputs = tf.keras.layers.Dense(1)(hidden)
model = ClippedWeighted(inputs, outputs)
fill_weights(model, seed=101)
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse",
              weighted_metrics=["mae"])

rng = np.random.RandomState(101)
x = rng.uniform(-1, 1, (24, 4)).astype("float32")
y = (2.0 * x[:, :1] - x[:, 1:2] + 0.5).astype("float32")
weights = rng.uniform(0.2, 2.0, (24,)).astype("float32")
history = model.fit(x, y, sample_weight=weights, batch_size=8, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "weights": [w for layer in model.layers for w in layer.get_weights()],
    }
)
