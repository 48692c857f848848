"""KM246 add_update: `self.add_update(...)` in a layer (gone from Keras 3).

Keras 2 custom layers kept running statistics with `self.add_update(...)`; Keras 3's
layers have no add_update (AttributeError on every backend). The call becomes
keras_migrate_runtime's keras2_add_update(self, ...), what tf_keras 2.21 did under
TensorFlow 2: the update ops passed have run already where they were written; callables
are called, unless the layer is frozen.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._keras import Part
from keras_migrate.rules._util import prepend_arg

__all__ = ["AddUpdate"]

HELPER = "keras2_add_update"


class AddUpdate(Rule):
    id = "KM246"
    name = "add_update"
    description = "`layer.add_update(updates)` (Keras 3: AttributeError) -> keras_migrate_runtime.keras2_add_update."
    part = Part.TENSORFLOW
    TRIGGERS = ("add_update",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            from tensorflow.keras import backend as K

            class RunningMean(keras.layers.Layer):
                def call(self, inputs, training=None):
                    if training:
                        self.add_update(K.moving_average_update(self.mean, K.mean(inputs, axis=0), 0.9))
                        self.add_update([self.count.assign_add(1.0)])
                    return inputs - self.mean
            """,
            after="""
            import keras
            from keras_migrate_runtime import keras2_moving_average_update
            from keras_migrate_runtime import keras2_add_update

            class RunningMean(keras.layers.Layer):
                def call(self, inputs, training=None):
                    if training:
                        keras2_add_update(self, keras2_moving_average_update(self.mean, keras.ops.mean(inputs, axis=0), 0.9))
                        keras2_add_update(self, [self.count.assign_add(1.0)])
                    return inputs - self.mean
            """,
            full=True,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "add_update") or len(original.args) != 1:
            return updated
        if self.ctx.qualified_name(func) is not None or not file_uses_keras(self.ctx):
            return updated
        self.ctx.use_runtime(HELPER)
        self.fired()
        return updated.with_changes(func=cst.Name(HELPER), args=prepend_arg(updated, updated.func.value))
