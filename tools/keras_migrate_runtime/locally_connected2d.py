"""keras.layers.LocallyConnected2D (removed in Keras 3), backend-agnostic."""

import keras

from ._locally_connected import LocallyConnected

__all__ = ["LocallyConnected2D"]


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class LocallyConnected2D(LocallyConnected):
    """Like Conv2D but with a different kernel at each output position.

    Same arguments, weight shapes and numbers as Keras 2's LocallyConnected2D
    (input `(batch, rows, cols, channels)`, or channels first).
    padding="same" needs implementation 2 or 3.
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, **kwargs)
