"""KM226 sequence_batches: a keras.utils.Sequence's float batches as Keras 2 fed them.

Keras 2's fit() / evaluate() / predict() cast every floating NumPy array a Sequence's
__getitem__ returned to the float type (float32). Keras 3's PyDataset passes float64
arrays on: keras.io depth_estimation fills its batches with np.empty (float64) and its
loss mixes them with the model's float32 outputs, which raises on TensorFlow and
computes in float64 on PyTorch. The class's Sequence base becomes keras_migrate_runtime's
Keras2Sequence (a keras.utils.PyDataset): Keras reads the batches cast as Keras 2 did;
the program's own `sequence[i]` and iteration are unchanged.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._agnostic import drop_replaced_keras_import

__all__ = ["SequenceBatches"]

RUNTIME_CLASS = "Keras2Sequence"
_SEQUENCE = frozenset({"utils.Sequence", "utils.data_utils.Sequence"})


class SequenceBatches(Rule):
    id = "KM226"
    name = "sequence_batches"
    description = ("A keras.utils.Sequence subclass derives from keras_migrate_runtime's Keras2Sequence: Keras "
                   "reads its float64 batches as float32, as Keras 2 did.")
    TRIGGERS = ("Sequence",)
    EXAMPLES = (
        Example(
            before="""
            import numpy as np
            import tensorflow as tf

            class DataGenerator(tf.keras.utils.Sequence):
                def __len__(self):
                    return 4

                def __getitem__(self, index):
                    return np.empty((8, 32, 32, 3)), np.empty((8, 32, 32, 1))
            """,
            after="""
            import numpy as np
            from keras_migrate_runtime import Keras2Sequence

            class DataGenerator(Keras2Sequence):
                def __len__(self):
                    return 4

                def __getitem__(self, index):
                    return np.empty((8, 32, 32, 3)), np.empty((8, 32, 32, 1))
            """,
        ),
        Example(
            before="""
            from tensorflow.keras.utils import Sequence
            from typing import Sequence as Seq

            class Pairs(Sequence):
                pass

            class Other(Seq):
                pass
            """,
            after="""
            from typing import Sequence as Seq
            from keras_migrate_runtime import Keras2Sequence

            class Pairs(Keras2Sequence):
                pass

            class Other(Seq):
                pass
            """,
        ),
    )

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        bases = list(updated.bases)
        changed = False
        for index, arg in enumerate(original.bases):
            if arg.keyword is None and self.ctx.keras_path(arg.value) in _SEQUENCE:
                drop_replaced_keras_import(self.ctx, arg.value)
                bases[index] = bases[index].with_changes(value=cst.Name(RUNTIME_CLASS))
                changed = True
        if not changed:
            return updated
        self.ctx.use_runtime(RUNTIME_CLASS)
        self.fired()
        return updated.with_changes(bases=bases)
