# parity: section=none_in_nested_call_args
"""A layer unpacking a [tensor, optional tensor] list, called with None inside it."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class OptionalScale(keras.layers.Layer):
    def call(self, inputs):
        values, scale = inputs
        if scale is None:
            return values * 2.0
        return values * scale


features = keras.Input(shape=(2,), name="features")
hidden = keras.layers.Dense(2)(features)
scaler = OptionalScale()
outputs = scaler([hidden, None])
model = keras.Model(features, outputs)
fill_weights(model, seed=14)

x = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]], "float32")
extra = np.array([[0.5, 0.5], [1.0, -1.0], [2.0, 0.0]], "float32")
emit(
    {
        "model_predictions": model.predict(x, verbose=0),
        "eager_without_scale": scaler([x, None]),
        "eager_with_scale": OptionalScale()([x, extra]),
    }
)
