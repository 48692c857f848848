"""KM208 tf_function: @tf.function used only for tracing is removed in agnostic mode.

On JAX and PyTorch a tf.function would trace keras.ops code with TensorFlow tensors.
Keras compiles model code itself (jit_compile / torch.compile), so a decorator that
only traced for speed goes. Kept (and diagnosed) when the function still uses
TensorFlow after migration, when it declares an input_signature (a serving signature:
tensorflow-only), or when call() still has tensor control flow for autograph.
"""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Part, Rule, Severity
from keras_migrate.rules._agnostic import data_context, drop_tensorflow_import_if_unused, tensorflow_local
from keras_migrate.rules._args import code

__all__ = ["TfFunction"]

_CONVERTED_NOTE = "autograph.converted"


class TfFunction(Rule):
    id = "KM208"
    name = "tf_function"
    description = "Remove @tf.function from functions that only use Keras ops; diagnose input_signature / TensorSpec tracing."
    part = Part.AGNOSTIC
    TRIGGERS = ("function",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            @tf.function(jit_compile=True)
            def score(model, x):
                return keras.ops.mean(model(x))
            """,
            after="""
            import keras

            def score(model, x):
                return keras.ops.mean(model(x))
            """,
            diagnostics=("KM208",),
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
            def serve(x):
                return model(x)
            """,
            diagnostics=("KM208", "KM208"),
            tensorflow_only=True,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        index = self._tf_function_decorator(original)
        if index is None or self._data.active(self.ctx) or (
            self._data.functions and original.name.value in self._data.functions
        ):
            return updated
        decorator = original.decorators[index].decorator
        if isinstance(decorator, cst.Call) and any(
            a.keyword is not None and a.keyword.value == "input_signature" for a in decorator.args
        ):
            self.report(decorator, "@tf.function(input_signature=...) declares a TensorFlow serving signature",
                        "export with model.export(path) from the TensorFlow backend, or keep this code on TensorFlow")
            self.ctx.keep_on_tensorflow(self.id, decorator, "tf.function input_signature (TensorFlow serving signature)")
            return updated
        reason = self._still_needed(original, updated)
        if reason:
            self.report(decorator, f"@tf.function kept: {reason}", severity=Severity.INFO)
            return updated
        decorators = [d for k, d in enumerate(updated.decorators) if k != index]
        self.report(decorator, "@tf.function removed: Keras compiles model code on every backend "
                               "(keras.ops code must not be traced by TensorFlow on JAX/torch)",
                    severity=Severity.INFO)
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)
        new = updated.with_changes(decorators=decorators)
        if index == 0 and decorators == [] and original.leading_lines:
            new = new.with_changes(leading_lines=original.leading_lines)
        return new

    def _tf_function_decorator(self, node: cst.FunctionDef) -> Optional[int]:
        for k, dec in enumerate(node.decorators):
            target = dec.decorator.func if isinstance(dec.decorator, cst.Call) else dec.decorator
            if self.ctx.qualified_name(target) == "tensorflow.function":
                return k
        return None

    def _still_needed(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> str:
        tf_local = tensorflow_local(self.ctx)
        if tf_local is not None:
            body = code(updated.body)
            if re.search(rf"(?<![\w.]){re.escape(tf_local)}\.", body):
                return "the function still uses TensorFlow APIs"
        if original.name.value == "call":
            converted = self.ctx.notes.get(_CONVERTED_NOTE, set())
            for stmt in _compound_statements(original.body):
                if id(stmt) not in converted:
                    return "call() has Python control flow that TensorFlow autograph converts"
        return ""


def _compound_statements(block):
    for stmt in getattr(block, "body", ()):
        if isinstance(stmt, (cst.If, cst.For, cst.While)):
            yield stmt
        elif isinstance(stmt, (cst.With, cst.Try)):
            yield from _compound_statements(stmt.body)
