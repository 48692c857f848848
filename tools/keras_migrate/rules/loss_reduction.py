"""KM113 loss_reduction: `losses.Reduction.*` constants and "auto" -> Keras 3 reduction strings."""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._util import code
from keras_migrate.spec._keras3_renames import REDUCTION_VALUES

__all__ = ["LossReduction"]

_CLASSES = ("losses.Reduction", "utils.losses_utils.ReductionV2", "losses.ReductionV2")


def _reduction_member(path):
    for cls in _CLASSES:
        if path == cls:
            return ""
        if path.startswith(cls + "."):
            return path[len(cls) + 1:]
    return None


class LossReduction(Rule):
    id = "KM113"
    NODE_KEYED = ('_inner',)
    name = "loss_reduction"
    description = "Replace keras.losses.Reduction constants (gone in Keras 3) and reduction='auto' with Keras 3 strings."
    TRIGGERS = ("Reduction", "reduction")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            loss = tf.keras.losses.MeanSquaredError(reduction=tf.keras.losses.Reduction.NONE)
            bce = tf.keras.losses.BinaryCrossentropy(reduction="auto")
            """,
            after="""
            import tensorflow as tf
            loss = tf.keras.losses.MeanSquaredError(reduction="none")
            bce = tf.keras.losses.BinaryCrossentropy(reduction="sum_over_batch_size")
            """,
        ),
        Example(
            before="""
            import keras
            modes = keras.losses.Reduction.all()
            """,
            diagnostics=("KM113",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._inner = set()
        self._loss_calls = []  # per enclosing call: is it a Keras loss constructor?

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._inner.add(id(node.value))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if id(original) in self._inner:
            return updated  # only the outermost attribute of a chain
        path = self.ctx.keras_path(original)
        if path is None:
            return updated
        member = _reduction_member(path)
        if member is None:
            return updated
        if member in REDUCTION_VALUES:
            self.fired()
            # `from tensorflow.keras.losses import Reduction` has no Keras 3 target.
            for module in ("keras.losses", "tensorflow.keras.losses", "tf_keras.losses"):
                self.ctx.remove_import_if_unused(module, "Reduction")
            return cst.SimpleString(f'"{REDUCTION_VALUES[member]}"')
        self.report(original, f"keras.losses.Reduction was removed in Keras 3 ({code(original)})",
                    'use the reduction strings: "none", "sum", "sum_over_batch_size"')
        return updated

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        # reduction="auto" on a Keras loss constructor: AUTO meant SUM_OVER_BATCH_SIZE.
        if (original.keyword is None or original.keyword.value != "reduction"
                or not isinstance(original.value, cst.SimpleString)
                or original.value.evaluated_value != "auto"):
            return updated
        if not (self._loss_calls and self._loss_calls[-1]):
            return updated
        self.fired()
        return updated.with_changes(value=cst.SimpleString(f'"{REDUCTION_VALUES["AUTO"]}"'))

    def visit_Call(self, node: cst.Call) -> None:
        path = self.ctx.keras_path(node.func)
        self._loss_calls.append(path is not None and path.startswith("losses."))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        self._loss_calls.pop()
        return updated
