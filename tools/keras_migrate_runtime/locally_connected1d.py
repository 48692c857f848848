"""keras.layers.LocallyConnected1D (removed in Keras 3), backend-agnostic."""

import keras

from ._locally_connected import LocallyConnected

__all__ = ["LocallyConnected1D"]


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class LocallyConnected1D(LocallyConnected):
    """Like Conv1D but with a different kernel at each output position.

    Same arguments, weight shapes and numbers as Keras 2's LocallyConnected1D
    (input `(batch, steps, channels)`, or `(batch, channels, steps)` with
    data_format="channels_first"). padding="same" needs implementation 2 or 3.
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, **kwargs)
