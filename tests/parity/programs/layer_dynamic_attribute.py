# parity: section=removed_features.layer_attributes
# parity: tensorflow_only=a dynamic=True layer reads concrete tensor values (.numpy()) in call(); JAX traces every training step, so the migrator keeps the file on TensorFlow
"""A dynamic=True layer (eager-only call using .numpy()) and Layer.metrics."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class MaxAbsScale(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(dynamic=True, **kwargs)

    def call(self, inputs):
        scale = float(np.max(np.abs(inputs.numpy()))) + 1.0
        return inputs / scale

    def compute_output_shape(self, input_shape):
        return input_shape


scaler = MaxAbsScale()
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2), scaler])
fill_weights(model, seed=22)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")

rng = np.random.RandomState(12)
x = rng.uniform(-1, 1, (8, 3)).astype("float32")
y = rng.uniform(-0.5, 0.5, (8, 2)).astype("float32")
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "layer_metric_count": len(scaler.metrics),
        "is_dynamic": scaler.dynamic,
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, batch_size=8, verbose=0),
    }
)
