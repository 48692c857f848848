"""Keras 2's keras.utils.to_categorical and normalize.

to_categorical: float32 one-hot arrays (a `dtype` argument).

Keras 3's to_categorical has no `dtype` and returns float64 for NumPy input: labels that
reach a `tf.function(input_signature=[... tf.float32])`, a tf.data pipeline concatenating
float32 arrays, or a float32 comparison change type.

normalize: Keras 3's reads `axis = axis or -1`, so `normalize(x, axis=0)` normalises
along the last axis instead (wrong numbers, or a broadcasting error, found with
keras-migrate verify on an independent program). The code is tf_keras 2.21's
(Apache License 2.0, Copyright The TensorFlow Authors).
"""

import numpy as np

__all__ = ["normalize", "to_categorical"]


def to_categorical(y, num_classes=None, dtype="float32"):
    y = np.array(y, dtype="int")
    input_shape = y.shape

    # Shrink the last dimension if the shape is (..., 1).
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])

    y = y.reshape(-1)
    if not num_classes:
        num_classes = np.max(y) + 1
    n = y.shape[0]
    categorical = np.zeros((n, num_classes), dtype=dtype)
    categorical[np.arange(n), y] = 1
    output_shape = input_shape + (num_classes,)
    categorical = np.reshape(categorical, output_shape)
    return categorical


def normalize(x, axis=-1, order=2):
    l2 = np.atleast_1d(np.linalg.norm(x, order, axis))
    l2[l2 == 0] = 1
    return x / np.expand_dims(l2, axis)
