"""L1 penalties with TensorFlow's gradient at exactly zero, on every backend.

Keras 3's L1 / L1L2 sum keras.ops.absolute(x): the same values as Keras 2's tf.abs, but
on JAX the gradient of |x| at exactly 0 is 1 (TensorFlow and PyTorch: 0). A weight that
starts at zero (a bias, by default) then gets a push of l1 on the first step on JAX only,
and training goes on from other weights (measured: an L1(1e-4) bias_regularizer moved
5 of 8 biases by up to 2e-4 after a short fit). x * sign(x) is |x| exactly, and its
gradient is sign(x) on every backend: 0 at 0, as TensorFlow's.
"""

import keras
from keras import ops

from ._surface import saved_as_keras

__all__ = ["L1", "L1L2"]


def _absolute(x):
    return x * ops.sign(x)


@saved_as_keras("keras.regularizers")
class L1(keras.regularizers.L1):
    """keras.regularizers.L1 (same config and values), gradient 0 at 0 as in TensorFlow."""

    def __call__(self, x):
        return self.l1 * ops.sum(_absolute(x))


@saved_as_keras("keras.regularizers")
class L1L2(keras.regularizers.L1L2):
    """keras.regularizers.L1L2 (same config and values), the L1 part's gradient 0 at 0."""

    def __call__(self, x):
        regularization = ops.convert_to_tensor(0.0, dtype=x.dtype)
        if self.l1:
            regularization += self.l1 * ops.sum(_absolute(x))
        if self.l2:
            regularization += self.l2 * ops.sum(ops.square(x))
        return regularization
