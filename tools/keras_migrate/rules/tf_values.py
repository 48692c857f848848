"""KM215 tf_values: TensorFlow functions passed as values -> the Keras 3 function value.

`Dense(8, activation=tf.nn.gelu)`, `Lambda(tf.math.l2_normalize)`, `map(tf.reduce_sum, xs)`
and `def mlp(x, activation=tf.tanh)` hand a TF op to code that calls it later on
backend tensors: on JAX and PyTorch the TF op fails (or meets a KerasTensor). The
replacement must accept whatever arguments the caller passes, so only functions that
take TF's positional arguments with the same meaning and defaults are substituted
(spec/_tf_values.py), plus one-argument lambdas for ops called with the tensor alone;
anything else is diagnosed and the file kept on TensorFlow.
"""

from __future__ import annotations

from typing import Dict, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import DATA_CALLS, data_context, drop_tensorflow_import_if_unused
from keras_migrate.rules._tf_op_emit import bound_names
from keras_migrate.rules._util import dotted
from keras_migrate.spec._tf_ops import TF_NO_EQUIVALENT_BY_NAME, TF_OPS_BY_NAME, owned_elsewhere
from keras_migrate.spec._tf_values import TF_VALUES_BY_NAME, TfValue

__all__ = ["TfValues"]

# Keyword arguments a Keras `Lambda(fn, arguments={...})` may pass that mean the same to
# the TF op and its drop-in Keras function.
_SHARED_KEYWORDS = frozenset({"axis", "keepdims"})
_LAMBDA_LAYER = "layers.Lambda"
# Namespaces whose snake_case members are all functions (top-level tf.* also has dtypes
# like tf.float32, tf.image has ResizeMethod constants): unknown ones are diagnosed.
_FUNCTION_NAMESPACES = ("nn.", "math.")


def _is_function_name(rel: str) -> bool:
    last = rel.rsplit(".", 1)[-1]
    return rel.startswith(_FUNCTION_NAMESPACES) and rel.count(".") == 1 and last.islower() and not last.startswith("_")




def _literal_keys(node: cst.BaseExpression) -> Optional[Set[str]]:
    """String keys of a literal dict (`{"axis": 1}`) or `dict(axis=1)`, else None."""
    if isinstance(node, cst.Dict):
        keys = set()
        for element in node.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
                return None
            keys.add(element.key.evaluated_value)
        return keys
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
        if all(arg.keyword is not None for arg in node.args):
            return {arg.keyword.value for arg in node.args}
    return None


class TfValues(Rule):
    id = "KM215"
    NODE_KEYED = ('_bare_ok', '_chained', '_funcs', '_lambda_fn')
    name = "tf_values"
    description = ("Rewrite TensorFlow functions passed as values (activation=tf.nn.gelu, "
                   "Lambda(tf.math.l2_normalize), map(tf.reduce_sum, xs)) to the Keras 3 function "
                   "that computes the same; diagnose those without one.")
    part = Part.AGNOSTIC
    TRIGGERS = ("tensorflow",)
    regions = (DATA_CALLS,)
    EXAMPLES = (
        # tf.nn.gelu is exact by default, like keras.activations.gelu (not keras.ops.gelu);
        # tf.nn.leaky_relu goes to the runtime's (TF's gradient at 0 on JAX too).
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            x = keras.layers.Dense(8, activation=tf.nn.gelu)(inputs)
            x = keras.layers.Dense(8, activation=tf.nn.leaky_relu)(x)
            sums = list(map(tf.reduce_sum, [x, x]))
            def mlp(x, activation=tf.tanh):
                return keras.layers.Dense(4, activation=activation)(x)
            """,
            after="""
            import keras
            from keras_migrate_runtime import leaky_relu

            x = keras.layers.Dense(8, activation=keras.activations.gelu)(inputs)
            x = keras.layers.Dense(8, activation=leaky_relu)(x)
            sums = list(map(keras.ops.sum, [x, x]))
            def mlp(x, activation=keras.activations.tanh):
                return keras.layers.Dense(4, activation=activation)(x)
            """,
            full=True,
        ),
        # TF's l2_normalize normalizes over every axis by default, with epsilon on the squared
        # norm, and a finite gradient at a zero vector: the runtime's has TF's signature.
        Example(
            before="""
            import tensorflow as tf
            import keras
            normalized = keras.layers.Lambda(tf.math.l2_normalize)(x)
            """,
            after="""
            import keras
            from keras_migrate_runtime import l2_normalize
            normalized = keras.layers.Lambda(l2_normalize)(x)
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras
            y = keras.layers.Dense(8, activation=tf.nn.crelu)(x)
            """,
            diagnostics=("KM215", "KM215"),
            tensorflow_only=True,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)
        self._funcs: Set[int] = set()  # callee expressions: calls are the tf_ops rule's
        self._chained: Set[int] = set()  # `tf.nn` inside `tf.nn.relu`, `tf.nn.relu` in `tf.nn.relu.__name__`
        self._lambda_fn: Dict[int, Optional[Set[str]]] = {}  # Lambda(fn, arguments=...): fn -> keys
        self._bare_ok: Set[int] = set()  # positions where a lambda needs no parentheses

    # -- context ---------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self._funcs.add(id(node.func))
        for arg in node.args:
            self._bare_ok.add(id(arg.value))
        if node.args and self.ctx.keras_path(node.func) == _LAMBDA_LAYER:
            arguments = next((a for a in node.args if a.keyword is not None and a.keyword.value == "arguments"), None)
            if arguments is not None:
                self._lambda_fn[id(node.args[0].value)] = _literal_keys(arguments.value)

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._bare_ok.add(id(node.default))

    def visit_Element(self, node: cst.Element) -> None:
        self._bare_ok.add(id(node.value))

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._bare_ok.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        self._bare_ok.add(id(node.value))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._chained.add(id(node.value))

    # -- the rewrite -----------------------------------------------------------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if self.ctx.import_depth or id(original) in self._funcs or id(original) in self._chained:
            return updated
        qualified = self.ctx.qualified_name(original)
        if qualified is None or not qualified.startswith("tensorflow."):
            return updated
        rel = qualified[len("tensorflow."):]
        entry = TF_VALUES_BY_NAME.get(qualified)
        if entry is None and (owned_elsewhere(rel) or not (
                qualified in TF_OPS_BY_NAME or qualified in TF_NO_EQUIVALENT_BY_NAME or _is_function_name(rel))):
            return updated  # not an op (tf.float32, tf.Tensor, ...) or another rule's namespace
        if self._data.active(self.ctx):
            return updated
        problem = self._problem(original, entry)
        if problem is not None:
            self.report(original, f"tf.{rel} passed as a function stays a TensorFlow op: {problem}",
                        "pass a Keras function instead: keras.activations.* for activations, or "
                        f"lambda x: keras.ops.<op>(x, ...) with TF's defaults written out for tf.{rel}")
            self.ctx.keep_on_tensorflow(self.id, original, f"tf.{rel} passed as a function value")
            return updated
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)
        return self._replacement(original, entry)

    def _problem(self, node: cst.Attribute, entry: Optional[TfValue]) -> Optional[str]:
        if entry is None:
            return "no Keras 3 function takes the same arguments"
        if entry.runtime is not None and entry.keras is None and entry.runtime in bound_names(self.ctx):
            return f"this file binds the name {entry.runtime!r}, which the keras_migrate_runtime helper needs"
        if id(node) in self._lambda_fn:
            keys = self._lambda_fn[id(node)]
            if entry.template is not None or keys is None or not keys <= _SHARED_KEYWORDS:
                return "Lambda(arguments=...) passes keyword arguments its Keras counterpart names differently"
        return None

    def _replacement(self, node: cst.Attribute, entry: TfValue) -> cst.BaseExpression:
        if entry.runtime is not None and not (entry.keras and entry.runtime in bound_names(self.ctx)):
            self.ctx.use_runtime(entry.runtime)
            return cst.Name(entry.runtime)
        keras = self.ctx.require_keras()
        if entry.template is None:
            return dotted(f"{keras}.{entry.keras}")
        value = cst.parse_expression(entry.template.format(keras=keras))
        if id(node) not in self._bare_ok:
            value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return value
