"""Keras 2's NumPy string data for models with string inputs (rule KM249).

Keras 2's data adapters converted NumPy arrays of str, bytes or object (Python strings)
to tf.string tensors; Keras 3's refuse their dtypes ("Invalid dtype: str160") and take
TensorFlow string tensors only. Models with string inputs run on TensorFlow only, so
this imports TensorFlow.
"""

import numpy as np

__all__ = ["keras2_string_data"]


def keras2_string_data(data):
    """`data` with every NumPy str/bytes/object array (also inside dicts, lists and
    tuples) as a tf.string tensor; anything else as it is."""
    if isinstance(data, np.ndarray) and (data.dtype.kind in "US" or (
            data.dtype.kind == "O" and data.size and isinstance(data.flat[0], (str, bytes)))):
        import tensorflow as tf

        return tf.constant(data)
    if isinstance(data, dict):
        return {key: keras2_string_data(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)) and any(isinstance(item, (np.ndarray, dict, list, tuple)) for item in data):
        return type(data)(keras2_string_data(item) for item in data)
    return data
