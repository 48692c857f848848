"""keras.constraints.RadialConstraint (removed in Keras 3), backend-agnostic."""

import numpy as np

import keras
from keras import ops

__all__ = ["RadialConstraint"]


def _radial_index(size):
    """Flat (size*size) source index of every kernel cell, as Keras 2 computes it.

    Keras 2 starts from the centre cell(s) `kernel[start-1, start-1]` and pads
    ring after ring with the diagonal value `kernel[start+i, start+i]` (its own
    docstring example disagrees; the code is what ran). Replaying that on an
    index grid gives a pure gather: the same values bit for bit.
    """
    if size < 2:
        raise ValueError(f"RadialConstraint needs kernels of at least 2x2. Received: {size}x{size}")
    grid = np.arange(size * size).reshape(size, size)
    start = int(size / 2)
    core = grid[start - 1:start, start - 1:start]
    if size % 2:
        index = 0
    else:
        core = np.repeat(np.repeat(core, 2, axis=0), 2, axis=1)
        index = 1
    while index < start:
        core = np.pad(core, 1, constant_values=grid[start + index, start + index])
        index += 1
    return core.reshape(-1)


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class RadialConstraint(keras.constraints.Constraint):
    """Constrains square `Conv2D` kernels `(rows, cols, in, out)` to be the same on each ring.

    Same numbers as Keras 2's keras.constraints.RadialConstraint.
    """

    def __call__(self, w):
        shape = tuple(w.shape)
        if len(shape) != 4:
            raise ValueError(f"The weight tensor must have rank 4. Received weight tensor with shape: {shape}")
        height, width, channels, kernels = shape
        if height != width:
            raise ValueError(f"RadialConstraint needs square kernels. Received weight tensor with shape: {shape}")
        flat = ops.reshape(w, (height * width, channels * kernels))
        out = ops.take(flat, _radial_index(height), axis=0)
        return ops.reshape(out, shape)

    def get_config(self):
        return {}
