# parity: section=none_in_nested_call_args
"""Layers called with None inside nested (dict/list) arguments."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class CustomLayer(keras.layers.Layer):
    def call(self, inputs):
        foo = inputs["foo"]
        baz = inputs["bar"]["baz"]
        if baz is not None:
            return foo + baz
        return foo


class MaybeMask(keras.layers.Layer):
    def call(self, inputs):
        values, mask = inputs
        if mask is None:
            return values * 2.0
        return values * mask


foo = keras.Input(shape=(2,), name="foo")
hidden = keras.layers.Dense(2)(foo)
summed = CustomLayer()({"foo": hidden, "bar": {"baz": None}})
outputs = MaybeMask()([summed, None])
model = keras.Model(foo, outputs)
fill_weights(model, seed=9)

x = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]], "float32")
extra = np.array([[0.5, 0.5], [1.0, -1.0], [2.0, 0.0]], "float32")
layer = CustomLayer()
mask_layer = MaybeMask()
emit(
    {
        "model_predictions": model.predict(x, verbose=0),
        "eager_without_baz": layer({"foo": x, "bar": {"baz": None}}),
        "eager_with_baz": layer({"foo": x, "bar": {"baz": extra}}),
        "eager_mask_none": mask_layer([x, None]),
        "eager_mask_value": mask_layer([x, extra]),
    }
)
