"""Keras 2 `keras.backend` functions that Keras 3's replacements compute differently.

K.clip was tf.clip_by_value after Keras 2's own argument rules (a None bound is
unbounded; numeric bounds with max < min clip to min). keras.ops.clip gives the same
values, but on JAX its gradient at exactly a bound is 0.5 where TensorFlow's is 1.
"""

import math

from .tf_ops import clip_by_value

__all__ = ["keras2_clip"]


def keras2_clip(x, min_value, max_value):
    """Keras 2's K.clip, with TensorFlow's gradient at the bounds on every backend."""
    numbers = (int, float)
    if isinstance(min_value, numbers) and isinstance(max_value, numbers) and max_value < min_value:
        max_value = min_value
    if min_value is None:
        min_value = -math.inf
    if max_value is None:
        max_value = math.inf
    return clip_by_value(x, min_value, max_value)
