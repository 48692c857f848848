# parity: section=removed_features.layer_attributes
# parity: tensorflow_only=Keras 3 fails metric updates inside a layer's call() on JAX, so the migrator keeps add_metric() layers on TensorFlow
"""Layer.add_metric() inside call(): metric values in fit()/evaluate() logs and layer.metrics."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class ActivationStats(keras.layers.Layer):
    """Passes inputs through and reports their mean and largest magnitude."""

    def call(self, inputs):
        self.add_metric(tf.reduce_mean(inputs), name="act_mean")
        self.add_metric(tf.reduce_max(tf.abs(inputs)), "act_absmax", aggregation="mean")
        return inputs


stats = ActivationStats()
inputs = keras.Input(shape=(4,))
hidden = stats(keras.layers.Dense(3, activation="tanh")(inputs))
model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
fill_weights(model, seed=23)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")

rng = np.random.RandomState(13)
x = rng.uniform(-1, 1, (12, 4)).astype("float32")
y = rng.uniform(-1, 1, (12, 1)).astype("float32")
history = model.fit(x, y, batch_size=5, epochs=3, shuffle=False, verbose=0)
evaluated = model.evaluate(x, y, batch_size=5, verbose=0, return_dict=True)
emit(
    {
        "loss_history": history.history["loss"],
        "act_mean_history": history.history["act_mean"],
        "act_absmax_history": history.history["act_absmax"],
        "evaluate_act_mean": evaluated["act_mean"],
        "evaluate_act_absmax": evaluated["act_absmax"],
        "layer_metric_names": [float(len(m.name)) for m in stats.metrics],
        "predictions": model.predict(x, verbose=0),
    }
)
