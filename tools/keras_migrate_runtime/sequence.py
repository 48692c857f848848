"""keras.utils.Sequence as Keras 2's fit() read it.

Keras 2 turned every floating NumPy array a Sequence's __getitem__ returned into a
tensor of the float type (float32): keras.io depth_estimation builds its batches with
np.empty (float64) and mixes them with the model's float32 outputs in its loss. Keras
3's PyDataset passes them on as they are, so on TensorFlow `float32 * float64` raises
and on PyTorch the loss is computed in float64. Batches Keras reads from a subclass of
Keras2Sequence get Keras 2's cast; the program's own `sequence[i]` is unchanged.
"""

import functools
import sys

import keras
import numpy as np

from ._batches import map_batch

__all__ = ["Keras2Sequence"]


def _floatx_array(value):
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating):
        return value.astype(keras.config.floatx(), copy=False)
    return value


class Keras2Sequence(keras.utils.PyDataset):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        getitem = cls.__dict__.get("__getitem__")
        if getitem is None or getattr(getitem, "keras2_floatx", False):
            return

        @functools.wraps(getitem)
        def __getitem__(self, index):
            batch = getitem(self, index)
            caller = sys._getframe(1).f_globals.get("__name__", "")
            return map_batch(_floatx_array, batch) if caller.startswith("keras.") else batch

        __getitem__.keras2_floatx = True
        cls.__getitem__ = __getitem__

    def __iter__(self):
        """Keras 2's Sequence.__iter__ (Keras 3's is Keras code: it would get the cast)."""
        for index in range(len(self)):
            yield self[index]
