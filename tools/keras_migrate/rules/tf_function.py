"""KM208 tf_function: @tf.function used only for tracing is removed in agnostic mode.

On JAX and PyTorch a tf.function would trace keras.ops code with TensorFlow tensors.
Keras compiles model code itself (jit_compile / torch.compile), so a decorator that
only traced for speed goes. Kept (and diagnosed) when the function still uses
TensorFlow after migration, when it declares an input_signature the file exports or
inspects (a serving signature: tensorflow-only; elsewhere a signature only fixes tracing),
when call() still has tensor control flow for autograph (decided when
the class is left, from the autograph rule's verdict, which covers the methods call()
calls), or when the file uses what only a tf.function has (`f.get_concrete_function(...)`,
`f.python_function`, ...): removing it there would break those uses, so it stays and the
file is reported as TensorFlow-only.
"""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import data_context, drop_tensorflow_import_if_unused, tensorflow_local, \
    used_as_tf_function
from keras_migrate.rules._facts import NodeFacts
from keras_migrate.rules._util import code, is_tf_function
from keras_migrate.rules._variables import PLAIN, variables

__all__ = ["TfFunction"]

# Attributes only a tf.function has: code reading them needs the decorator kept.
_TF_FUNCTION_ONLY = ("get_concrete_function", "experimental_get_tracing_count", "python_function",
                     "pretty_printed_concrete_signatures", "experimental_get_compiler_ir", "function_spec",
                     "input_signature")


class TfFunction(Rule):
    id = "KM208"
    NODE_KEYED = ('_calls',)
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

            tf.saved_model.save(model, "exported", signatures={"serving_default": serve})
            """,
            diagnostics=("KM208", "KM208"),
            tensorflow_only=True,
        ),
        # A kept tf.function given a tf.Variable that becomes keras.Variable (KM204): it
        # arrives as a tensor, so its assign_add() fails; said, with the fix.
        Example(
            before="""
            import tensorflow as tf
            import keras

            counter = tf.Variable(0, dtype=tf.int64)

            @tf.function
            def tokens(v, text):
                parts = tf.strings.split(text)
                v.assign_add(tf.cast(tf.size(parts), tf.int64))
                return parts

            tokens(counter, tf.constant("a b c"))
            """,
            diagnostics=("KM208", "KM208"),
        ),
        # A signature the file neither exports nor inspects only fixed the tracing.
        Example(
            before="""
            import tensorflow as tf
            import keras

            @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
            def evaluate(x):
                return keras.ops.mean(model(x))
            """,
            after="""
            import keras

            def evaluate(x):
                return keras.ops.mean(model(x))
            """,
            diagnostics=("KM208",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)
        self._calls = {}  # id(original class) -> its decorated call()s (originals), decided when it is left

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        if (original.name.value == "call" and self.ctx.class_stack and len(self.ctx.function_stack) == 1
                and self._tf_function_decorator(original) is not None):
            # Decided with the class. Keyed by the class: rules leaving the class before
            # this one may replace call() again (KM227 adds `training`).
            self._calls.setdefault(id(self.ctx.class_stack[-1]), []).append(original)
            return updated
        return self._decide(original, updated)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        sources = self._calls.pop(id(original), None)
        if not sources or not isinstance(updated.body, cst.IndentedBlock):
            return updated
        members = list(updated.body.body)
        calls = [i for i, m in enumerate(members) if isinstance(m, cst.FunctionDef) and m.name.value == "call"
                 and self._tf_function_decorator(m) is not None]
        changed = False
        for i, source in zip(calls, sources):
            member = members[i]
            new = self._decide(source, member, original)
            changed = changed or new is not member
            members[i] = new
        return updated.with_changes(body=updated.body.with_changes(body=members)) if changed else updated

    def _decide(self, original: cst.FunctionDef, updated: cst.FunctionDef, cls: Optional[cst.ClassDef] = None):
        index = self._tf_function_decorator(original)
        if index is None or self._data.active(self.ctx) or (
            self._data.functions and original.name.value in self._data.functions
        ):
            return updated
        decorator = original.decorators[index].decorator
        kept = updated.decorators[index].decorator if index < len(updated.decorators) else None
        kept = kept.func if isinstance(kept, cst.Call) else kept
        if kept is None or self.ctx.qualified_name(kept) != "tensorflow.function":
            return updated  # another rule replaced it (gradient_tape: tensorflow_function)
        if isinstance(decorator, cst.Call) and any(
            a.keyword is not None and a.keyword.value == "input_signature" for a in decorator.args
        ) and used_as_tf_function(self.ctx, original.name.value):
            self.report(decorator, "@tf.function(input_signature=...) declares a TensorFlow serving signature",
                        "export with model.export(path) from the TensorFlow backend, or keep this code on TensorFlow")
            self.ctx.keep_on_tensorflow(self.id, decorator, "tf.function input_signature (TensorFlow serving signature)")
            return updated
        used = self._tf_function_attribute(original.name.value)
        if used is not None:
            self.report(decorator, f"@tf.function kept: the file uses `{original.name.value}.{used}`, which only a "
                                   "tf.function has",
                        "keep this on TensorFlow, or replace the concrete function: call the function (or model) "
                        "directly, and export serving signatures with model.export(path)")
            self.ctx.keep_on_tensorflow(self.id, decorator, f"`{original.name.value}.{used}` needs the tf.function")
            return updated
        reason = self._still_needed(original, updated, cls)
        if reason:
            self.report(decorator, f"@tf.function kept: {reason}", severity=Severity.INFO)
            self._variable_arguments(original, decorator)
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

    def _variable_arguments(self, function: cst.FunctionDef, decorator: cst.CSTNode) -> None:
        """A kept tf.function whose parameter every call passes one of the file's
        tf.Variables, which tf_variable (KM204) makes keras.Variable: tf.function turns
        a keras.Variable argument into a tensor (`assign_add` then fails on TensorFlow)."""
        if self.ctx.class_stack:
            return
        table = variables(self.ctx)
        params = [p.name.value for p in function.params.params if table.get((None, p.name.value)) == PLAIN]
        if params:
            self.report(decorator, f"@tf.function kept, and its parameter(s) {', '.join(params)} receive the file's "
                                   "tf.Variables, which become keras.Variable: tf.function passes a keras.Variable "
                                   "argument in as a tensor, so assign() / assign_add() inside fail on TensorFlow",
                        "use the variable inside the function directly (a global or attribute, which tf.function "
                        "captures) instead of passing it as an argument")

    def _tf_function_decorator(self, node: cst.FunctionDef) -> Optional[int]:
        for k, dec in enumerate(node.decorators):
            if is_tf_function(self.ctx, dec.decorator):
                return k
        return None

    def _tf_function_attribute(self, name: str) -> Optional[str]:
        match = re.search(rf"(?<![\w]){re.escape(name)}\s*\.\s*({'|'.join(_TF_FUNCTION_ONLY)})\b",
                          self.ctx.source)
        return match.group(1) if match else None

    def _still_needed(self, original: cst.FunctionDef, updated: cst.FunctionDef,
                      cls: Optional[cst.ClassDef] = None) -> str:
        tf_local = tensorflow_local(self.ctx)
        if tf_local is not None:
            body = code(updated.body)
            if re.search(rf"(?<![\w.]){re.escape(tf_local)}\.", body):
                return "the function still uses TensorFlow APIs"
        if original.name.value == "call":
            reason = "call() has Python control flow on tensors that TensorFlow autograph converts"
            facts = self.ctx.node_facts(NodeFacts)
            if cls is not None and id(cls) in facts.autograph_classes:
                return reason
            converted, tensors = facts.converted, facts.tensor_statements
            for stmt in _compound_statements(original.body):
                # Without the autograph rule's verdict, any statement left counts.
                if id(stmt) not in converted and (tensors is None or id(stmt) in tensors):
                    return reason
        return ""


def _compound_statements(block):
    for stmt in getattr(block, "body", ()):
        if isinstance(stmt, (cst.If, cst.For, cst.While)):
            yield stmt
        elif isinstance(stmt, (cst.With, cst.Try)):
            yield from _compound_statements(stmt.body)
