"""KM244 checkpoint_period: `ModelCheckpoint(..., period=N)` (gone from Keras 3).

tf_keras 2.21 still saved every N epochs for the deprecated `period`; Keras 3's
ModelCheckpoint raises TypeError on it, on every backend. The callback becomes
keras_migrate_runtime's Keras2ModelCheckpoint, Keras 3's own with Keras 2's epoch count
(save, and compare with the best so far, only when N epochs have passed).
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._keras import Part

__all__ = ["CheckpointPeriod"]

HELPER = "Keras2ModelCheckpoint"


class CheckpointPeriod(Rule):
    id = "KM244"
    name = "checkpoint_period"
    description = ("`ModelCheckpoint(..., period=N)` (Keras 3: TypeError) -> keras_migrate_runtime's "
                   "Keras2ModelCheckpoint, which saves every N epochs as Keras 2 did.")
    part = Part.TENSORFLOW
    TRIGGERS = ("period",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            checkpoint = keras.callbacks.ModelCheckpoint("w.{epoch:02d}.h5", save_weights_only=True, period=5)
            every_epoch = keras.callbacks.ModelCheckpoint("best.h5", save_best_only=True)
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import Keras2ModelCheckpoint
            checkpoint = Keras2ModelCheckpoint("w.{epoch:02d}.h5", save_weights_only=True, period=5)
            every_epoch = keras.callbacks.ModelCheckpoint("best.h5", save_best_only=True)
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if self.ctx.keras_path(original.func) != "callbacks.ModelCheckpoint":
            return updated
        if not any(a.keyword is not None and a.keyword.value == "period" for a in original.args):
            return updated
        self.ctx.use_runtime(HELPER)
        self.fired()
        return updated.with_changes(func=cst.Name(HELPER))
