# parity: section=everyday.layers
"""Layers called directly on Python lists and tuples of numbers (handson-ml2 ch. 12's
`exponential_layer([-1., 0., 1.])`): Lambda layers on flat and nested lists and on a
tuple, and a counting CategoryEncoding on a list of ints (Keras 2 converted each number
and the layer's ops packed them)."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

np.random.seed(0)
tf.random.set_seed(0)

exponential_layer = keras.layers.Lambda(lambda x: tf.exp(x))
row_sums = keras.layers.Lambda(lambda x: tf.reduce_sum(x, axis=-1))
counter = keras.layers.CategoryEncoding(num_tokens=4, output_mode="count")

emit_values = {
    "exp": np.asarray(exponential_layer([-1., 0., 1.])).tolist(),
    "exp_tuple": np.asarray(exponential_layer((0.5, -0.25))).tolist(),
    "row_sums": np.asarray(row_sums([[1.0, 2.0, -0.5], [3.0, 4.0, 0.25]])).tolist(),
    "counts": np.asarray(counter([0, 1, 1, 3])).tolist(),
    # A Python list, not a tensor, reaches call(): `+` concatenates as in Keras 2.
    "doubled": np.asarray(keras.layers.Lambda(lambda x: x + x)([1.5, -2.0])).tolist(),
}

from parity_io import emit  # noqa: E402

emit(emit_values)
