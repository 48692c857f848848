"""Keras 2's conversion of the Python numbers a layer is called with.

Keras 2's Layer.__call__ converted every number of its inputs to a tensor (one scalar
tensor per number: float32 for floats, int32 for ints), keeping the list and tuple
structure, so `exponential_layer([-1., 0., 1.])` handed its call() a list of three
scalar tensors (which tf.exp packs). Keras 3 rejects positional arguments that are not
tensors. `keras2_number_inputs(value)` makes the same structure of scalar tensors, which
Keras 3 accepts and hands on: the layer's call() sees what Keras 2's did.
"""

import keras

__all__ = ["keras2_number_inputs"]


def keras2_number_inputs(value):
    """Each number of a (nested) list/tuple as a scalar tensor, the structure kept."""
    if isinstance(value, (list, tuple)):
        return type(value)(keras2_number_inputs(item) for item in value)
    return keras.ops.convert_to_tensor(value)
