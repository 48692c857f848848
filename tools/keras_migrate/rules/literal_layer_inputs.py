"""KM260 literal_layer_inputs: a layer called on a list of numbers gets Keras 2's tensors.

Keras 2 converted each number a layer was called with to a scalar tensor, keeping the
list structure, so handson-ml2's `exponential_layer = keras.layers.Lambda(lambda x:
tf.exp(x))` followed by `exponential_layer([-1., 0., 1.])` ran (tf.exp packs the
list); Keras 3's Layer.__call__ rejects a positional argument that is not a tensor
("Only input tensors may be passed as positional arguments"), on every backend. A list
or tuple literal of numbers (nested too) given positionally to a layer
(`keras.layers.X(...)` called at once, or a name every assignment of which builds one)
goes through keras_migrate_runtime's keras2_number_inputs: the same structure of scalar
tensors (not one packed tensor: `lambda x: x + x` concatenated Keras 2's list).
"""

from __future__ import annotations

import ast
from typing import FrozenSet

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file

__all__ = ["LiteralLayerInputs"]

_RUNTIME = "keras2_number_inputs"


def _layer_path(path: str) -> bool:
    return path.startswith("layers.") and path[len("layers."):][:1].isupper()


@per_file
def _layer_names(ctx) -> FrozenSet[str]:
    """Names every binding of which in the file is `<keras>.layers.<Class>(...)`."""
    names = _scan.names(ctx)
    if names is None:
        return frozenset()
    return _scan.names_only_bound_to(
        ctx, lambda value: isinstance(value, ast.Call) and _layer_path(names.keras(value.func) or ""))


def _numbers(node: cst.BaseExpression) -> bool:
    """A list/tuple literal whose every leaf is a number literal (signed), nested allowed."""
    if isinstance(node, (cst.List, cst.Tuple)):
        return bool(node.elements) and all(isinstance(e, cst.Element) and _numbers(e.value) for e in node.elements)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


class LiteralLayerInputs(Rule):
    id = "KM260"
    name = "literal_layer_inputs"
    description = ("A layer called on a list/tuple literal of numbers -> keras_migrate_runtime.keras2_number_inputs"
                   "(...): Keras 2's scalar tensors (Keras 3 rejects non-tensor positional arguments).")
    TRIGGERS = ("layers",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            exponential_layer = keras.layers.Lambda(lambda x: tf.exp(x))
            print(exponential_layer([-1., 0., 1.]))
            print(keras.layers.Dense(2)([[1.0, 2.0]]))
            counts = keras.layers.CategoryEncoding(num_tokens=4, output_mode="count")((0, 1, 1))
            """,
            after="""
            import keras
            from keras_migrate_runtime import keras2_number_inputs

            exponential_layer = keras.layers.Lambda(lambda x: keras.ops.exp(x))
            print(exponential_layer(keras2_number_inputs([-1., 0., 1.])))
            print(keras.layers.Dense(2)(keras2_number_inputs([[1.0, 2.0]])))
            counts = keras.layers.CategoryEncoding(num_tokens=4, output_mode="count")(keras2_number_inputs((0, 1, 1)))
            """,
            full=True,
        ),
        # Tensors in a list (Concatenate's inputs), a name also bound to something else,
        # a model, keywords: left as they are.
        Example(
            before="""
            from tensorflow import keras

            merged = keras.layers.Concatenate()([a, b])
            layer = keras.layers.Dense(1)
            if small:
                layer = make_layer()
            layer([[1.0]])
            model = keras.Sequential([keras.layers.Dense(1)])
            model([[1.0]])
            keras.layers.Dense(1)(inputs=[[1.0]])
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if isinstance(func, cst.Call):
            if not _layer_path(self.ctx.keras_path(func.func) or ""):
                return updated
        elif not (isinstance(func, cst.Name) and func.value in _layer_names(self.ctx)):
            return updated
        args = list(updated.args)
        changed = False
        for k, arg in enumerate(args):
            if arg.keyword is None and not arg.star and _numbers(arg.value):
                self.ctx.use_runtime(_RUNTIME)
                args[k] = arg.with_changes(value=cst.Call(cst.Name(_RUNTIME), [cst.Arg(arg.value)]))
                changed = True
        if not changed:
            return updated
        self.fired()
        return updated.with_changes(args=args)
