"""KM228 batch_norm_variance: BatchNormalization keeps Keras 2's moving variance.

On 4-D / 5-D inputs Keras 2 ran its fused batch-norm kernel, which moves the variance
with the unbiased batch variance (n / (n - 1) times the biased one Keras 3 uses): after
training, inference outputs differ by up to per cents where n (batch x height x width)
is small. BatchNormalization(...) becomes keras_migrate_runtime's BatchNormalization
(a subclass of Keras 3's, same name, config and weights) which adds the difference,
only where Keras 2 would have fused; `fused=False` (Keras 2's own biased update) is kept
as the runtime class's argument, so that a second run tells it from a Keras 2 call. Left
as is: renorm, virtual_batch_size, adjustment, synchronized.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._agnostic import runtime_class_for
from keras_migrate.rules._util import comma_after, keyword_arg_value

__all__ = ["BatchNormVariance"]

RUNTIME_CLASS = "BatchNormalization"
LOCAL_NAME = "Keras2BatchNormalization"
_PATHS = frozenset({"layers.BatchNormalization", "layers.normalization.BatchNormalization",
                    "layers.normalization.batch_normalization.BatchNormalization"})
# Keras 2 did not fuse with these (or Keras 3 handles them its own way).
_NOT_FUSED = ("renorm", "virtual_batch_size", "adjustment", "synchronized")


class BatchNormVariance(Rule):
    id = "KM228"
    name = "batch_norm_variance"
    description = ("BatchNormalization becomes keras_migrate_runtime's subclass that moves the variance as Keras "
                   "2's fused kernel did on 4-D/5-D inputs (unbiased batch variance).")
    TRIGGERS = ("BatchNormalization",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow.keras import layers

            x = layers.BatchNormalization(momentum=0.9)(layers.Conv2D(8, 3)(inputs))
            """,
            after="""
            from tensorflow.keras import layers
            from keras_migrate_runtime import BatchNormalization as Keras2BatchNormalization

            x = Keras2BatchNormalization(momentum=0.9)(layers.Conv2D(8, 3)(inputs))
            """,
        ),
        Example(
            before="""
            from tensorflow.keras.layers import BatchNormalization

            bn = BatchNormalization()
            """,
            after="""
            from keras_migrate_runtime import BatchNormalization as Keras2BatchNormalization

            bn = Keras2BatchNormalization()
            """,
        ),
        Example(
            before="""
            import keras

            renormalised = keras.layers.BatchNormalization(renorm=True)
            """,
        ),
        Example(
            before="""
            import keras

            plain = keras.layers.BatchNormalization(momentum=0.9, fused=False)
            """,
            after="""
            import keras
            from keras_migrate_runtime import BatchNormalization as Keras2BatchNormalization

            plain = Keras2BatchNormalization(momentum=0.9, fused=False)
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.ctx.keras_path(original.func) not in _PATHS:
            return updated
        fused = keyword_arg_value(original, "fused")
        if isinstance(fused, cst.Name) and fused.value == "False":
            # Keras 2's biased update, as Keras 3's; the runtime class all the same, with
            # fused=False (which call_signatures dropped for Keras 3's class), so that a
            # second run does not take the plain class for a Keras 2 one that fused.
            self.fired()
            args = list(updated.args)
            if keyword_arg_value(updated, "fused") is None:
                args = [*args[:-1], comma_after(args[-1])] if args else args
                args.append(cst.Arg(keyword=cst.Name("fused"), value=cst.Name("False"),
                                    equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                          whitespace_after=cst.SimpleWhitespace(""))))
            return updated.with_changes(
                func=runtime_class_for(self.ctx, original.func, RUNTIME_CLASS, LOCAL_NAME), args=args)
        for name in _NOT_FUSED:
            value = keyword_arg_value(original, name)
            if value is not None and not (isinstance(value, cst.Name) and value.value in ("None", "False")):
                return updated
        self.fired()
        return updated.with_changes(func=runtime_class_for(self.ctx, original.func, RUNTIME_CLASS, LOCAL_NAME))
