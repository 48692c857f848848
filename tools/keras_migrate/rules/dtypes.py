"""KM201 dtypes: tf.float32 & co -> "float32" strings; tf.DType comparisons made portable."""

from __future__ import annotations

from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import DATA_CALLS, data_context, drop_tensorflow_import_if_unused
from keras_migrate.rules._util import code, parenthesize

__all__ = ["Dtypes"]

# Dtypes every Keras 3 backend knows by name ("string" is TensorFlow-only; aliases such as
# tf.half are made canonical by _scan.dtype_of_path first).
_DTYPES = frozenset({
    "float16", "float32", "float64", "bfloat16",
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "bool", "complex64", "complex128",
})


def _dtype_name(qualified) -> str:
    name = _scan.dtype_of_path(qualified, _scan.TF_DTYPE_MODULES)
    return name if name in _DTYPES else ""


class Dtypes(Rule):
    id = "KM201"
    NODE_KEYED = ('_receivers',)
    name = "dtypes"
    description = "Replace TensorFlow dtype objects (tf.float32) by dtype strings and compare dtypes with keras.backend.standardize_dtype."
    part = Part.AGNOSTIC
    TRIGGERS = ("tensorflow",)
    regions = (DATA_CALLS,)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras
            inputs = keras.Input((3,), dtype=tf.int32)
            y = keras.ops.cast(inputs, tf.float32)
            """,
            after="""
            import keras
            inputs = keras.Input((3,), dtype="int32")
            y = keras.ops.cast(inputs, "float32")
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            def f(x):
                if x.dtype == tf.float16:
                    return x
                return tf.float32.max
            """,
            after="""
            import tensorflow as tf
            import keras

            def f(x):
                if keras.backend.standardize_dtype(x.dtype) == "float16":
                    return x
                return tf.float32.max
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)
        self._receivers: Set[int] = set()

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self._data.active(self.ctx, excluding=original):
            return updated
        return self._rebuilt_call(original, updated)

    def leave_SimpleStatementLine(self, original, updated):
        # variable_tracking rebuilds `self.v = tf.Variable(...)` lines as add_weight calls
        # from the original arguments: convert the dtype arguments it carried over.
        if len(updated.body) != 1 or updated.body[0] is original.body[0] or self._data.active(self.ctx):
            return updated
        small = updated.body[0]
        if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
            call = self._rebuilt_call(cst.Call(func=small.value.func), small.value)
            if call is not small.value:
                return updated.with_changes(body=[small.with_changes(value=call)])
        return updated

    def _rebuilt_call(self, original: cst.Call, updated: cst.Call):
        args = list(updated.args)
        changed = False
        for k, arg in enumerate(args):
            if isinstance(arg.value, cst.Attribute) and not any(a is arg for a in original.args):
                name = _dtype_name(self.ctx.qualified_name(arg.value))
                if name:
                    args[k] = arg.with_changes(value=cst.SimpleString(f'"{name}"'))
                    changed = True
        if not changed:
            return updated
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)
        return updated.with_changes(args=args)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # `tf.float32.max`, `tf.float32.as_numpy_dtype`: the DType object is needed.
        self._receivers.add(id(node.value))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if id(original) in self._receivers or self._data.active(self.ctx):
            return updated
        name = _dtype_name(self.ctx.qualified_name(original))
        if not name:
            return updated
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)
        return cst.SimpleString(f'"{name}"')

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison):
        if self._data.active(self.ctx):
            return updated
        sides = [original.left] + [c.comparator for c in original.comparisons]
        for side in list(sides):
            if isinstance(side, (cst.Tuple, cst.List, cst.Set)):
                sides.extend(e.value for e in side.elements)
        if not any(_dtype_name(self.ctx.qualified_name(s)) for s in sides):
            return updated
        if len(updated.comparisons) != 1 or not isinstance(
            updated.comparisons[0].operator, (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot)
        ):
            self.report(original, "dtype comparison with a TensorFlow DType",
                        "compare keras.backend.standardize_dtype(x.dtype) with dtype strings")
            return updated
        # torch.float32 != "float32" but every backend's dtype standardizes to its name.
        keras = self.ctx.require_keras()
        left, comparator = updated.left, updated.comparisons[0].comparator
        operator = updated.comparisons[0].operator
        if isinstance(operator, (cst.Is, cst.IsNot)):
            operator = cst.Equal() if isinstance(operator, cst.Is) else cst.NotEqual()
        if isinstance(left, cst.SimpleString):
            left, comparator = comparator, left
        wrapped = cst.parse_expression(f"{keras}.backend.standardize_dtype({code(parenthesize(left))})")
        self.fired()
        return updated.with_changes(
            left=wrapped,
            comparisons=[updated.comparisons[0].with_changes(operator=operator, comparator=comparator)],
        )
