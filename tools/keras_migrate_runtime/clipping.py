"""TensorFlow's gradient clipping functions with keras.ops, on every backend.

Keras 3 clips inside the optimizer (clipnorm / global_clipnorm), which is not where a
Keras 2 custom step clipped (and its norm was often logged). These follow TensorFlow's
own formulas (tensorflow/python/ops/clip_ops.py) so the numbers match Keras 2:

- global_norm(t_list): sqrt(sum of squares of every tensor), None entries ignored;
- clip_by_global_norm(t_list, clip_norm, use_norm=None) -> (clipped list, global norm),
  scale = clip_norm * min(1 / norm, 1 / clip_norm) (NaN everywhere when the norm is inf);
- clip_by_norm(t, clip_norm, axes=None): t * clip_norm / max(l2norm, clip_norm), with
  TensorFlow's safe norm of an all-zero tensor.
"""

from keras import ops

__all__ = ["clip_by_global_norm", "clip_by_norm", "global_norm"]


def global_norm(t_list):
    squares = [ops.sum(ops.square(ops.cast(t, "float32"))) for t in t_list if t is not None]
    if not squares:
        return ops.convert_to_tensor(0.0)
    return ops.sqrt(ops.sum(ops.stack(squares)))


def clip_by_global_norm(t_list, clip_norm, use_norm=None):
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else ops.convert_to_tensor(use_norm)
    clip_norm = ops.cast(clip_norm, norm.dtype)
    scale = clip_norm * ops.minimum(1.0 / norm, 1.0 / clip_norm)
    scale = scale + (norm - norm)  # NaN when the norm is not finite, as TensorFlow
    clipped = [None if t is None else ops.multiply(t, ops.cast(scale, ops.convert_to_tensor(t).dtype)) for t in t_list]
    return clipped, norm


def clip_by_norm(t, clip_norm, axes=None):
    t = ops.convert_to_tensor(t)
    l2sum = ops.sum(ops.square(t), axis=axes, keepdims=True)
    positive = l2sum > 0
    safe = ops.where(positive, l2sum, ops.ones_like(l2sum))
    l2norm = ops.where(positive, ops.sqrt(safe), l2sum)
    clip_norm = ops.cast(clip_norm, t.dtype)
    return ops.divide(ops.multiply(t, clip_norm), ops.maximum(l2norm, clip_norm))
