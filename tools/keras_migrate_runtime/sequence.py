"""keras.utils.Sequence as Keras 2's fit() read it.

Keras 2 turned every floating NumPy array a Sequence's __getitem__ returned into a
tensor of the float type (float32): keras.io depth_estimation builds its batches with
np.empty (float64) and mixes them with the model's float32 outputs in its loss. Keras
3's PyDataset passes them on as they are, so on TensorFlow `float32 * float64` raises
and on PyTorch the loss is computed in float64. Batches Keras reads from a subclass of
Keras2Sequence get Keras 2's cast; the program's own `sequence[i]` is unchanged.

Keras 3 on TensorFlow also reads batches 0 and 1 once, before the first pass, to learn
their types and shapes (Keras 2 read batch 0 only, and JAX / PyTorch read none ahead). A
__getitem__ with side effects then sees other data than in Keras 2: keras.io
depth_estimation's shrinks self.batch_size at the last batch, which for two validation
batches is batch 1, so every validation pass read other samples. Such a look-ahead read
of another batch than 0 runs on a shallow copy of the sequence, with NumPy's and
Python's global random states put back afterwards.

Keras 3 also calls on_epoch_end when it resets its data before a pass (after reading
batch 0 to build the model, and before each evaluation), on every backend; Keras 2
called it only when a pass ended. The common Sequence reshuffles its indexes there
(`np.random.shuffle(self.indexes)`): the first epoch then trained on another order, and
every number after it differed. Those calls of a Keras2Sequence's on_epoch_end are
skipped.
"""

import copy
import functools
import random
import sys

import keras
import numpy as np

from ._batches import map_batch

__all__ = ["Keras2Sequence"]

# The Keras 3 methods that read batches ahead of a pass (PyDatasetAdapter, TensorFlow)
# and that reset a pass's data, calling on_epoch_end (EpochIterator).
_LOOK_AHEAD = "get_tf_dataset"
_RESET = "reset"


def _called_by_keras(method: str, depth: int) -> bool:
    """Is a Keras function named `method` among the `depth` frames above our caller's
    caller? (Through a comprehension's frame before Python 3.12 for a look-ahead; through
    PyDatasetAdapter.on_epoch_end, and maybe a subclass's on_epoch_end calling its
    parent's, for a reset.)"""
    frame = sys._getframe(2)
    for _ in range(depth):
        if frame is None:
            return False
        if frame.f_code.co_name == method and frame.f_globals.get("__name__", "").startswith("keras."):
            return True
        frame = frame.f_back
    return False


def _without_side_effects(getitem, sequence, index):
    numpy_state, python_state = np.random.get_state(), random.getstate()
    try:
        return getitem(copy.copy(sequence), index)
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)


def _epoch_end_as_keras2(end):
    @functools.wraps(end)
    def on_epoch_end(self):
        if _called_by_keras(_RESET, 4):
            return None
        return end(self)

    on_epoch_end.keras2_epochs = True
    return on_epoch_end


def _floatx_array(value):
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating):
        return value.astype(keras.config.floatx(), copy=False)
    return value


class Keras2Sequence(keras.utils.PyDataset):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        end = cls.__dict__.get("on_epoch_end")
        if end is not None and not getattr(end, "keras2_epochs", False):
            cls.on_epoch_end = _epoch_end_as_keras2(end)
        getitem = cls.__dict__.get("__getitem__")
        if getitem is None or getattr(getitem, "keras2_floatx", False):
            return

        @functools.wraps(getitem)
        def __getitem__(self, index):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if index != 0 and caller.startswith("keras.") and _called_by_keras(_LOOK_AHEAD, 2):
                batch = _without_side_effects(getitem, self, index)
            else:
                batch = getitem(self, index)
            return map_batch(_floatx_array, batch) if caller.startswith("keras.") else batch

        __getitem__.keras2_floatx = True
        cls.__getitem__ = __getitem__

    def __iter__(self):
        """Keras 2's Sequence.__iter__ (Keras 3's is Keras code: it would get the cast)."""
        for index in range(len(self)):
            yield self[index]
