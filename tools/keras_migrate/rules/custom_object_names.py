"""KM241 custom_object_names: names registered with get_custom_objects(), used as strings.

Keras 2's idiom for a custom activation, loss or metric used by name:
`get_custom_objects().update({"swish": Activation(swish)})`, then
`Dense(64, activation="swish")`, `compile(loss="my_loss", metrics=["f1"])`. Keras 2
looked string identifiers up in the custom objects first. Keras 3 looks strings up in its
own tables only (activations/losses/metrics.get): "Could not interpret activation
function identifier", on every backend; and a name Keras 3 also has (`"swish"`,
`"gelu"`) silently becomes Keras 3's function instead of the registered one.

A string argument naming an object the file registers becomes the registered object,
looked up where Keras 2 looked it up: `get_custom_objects()["swish"]` (spelled as the
file spells its registration)
(activations and the other layer arguments, losses, `Activation("...")`). A metric keeps
its name in History only when the registered value is a function of that name; other
metrics are reported with the fix.
"""

from __future__ import annotations

import ast
from typing import Dict, Optional

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part

__all__ = ["CustomObjectNames"]

_SUFFIXES = ("_initializer", "_regularizer", "_constraint")
_KEYWORDS = frozenset({"activation", "recurrent_activation", "loss"})
_METRICS = frozenset({"metrics", "weighted_metrics"})


def _registry_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _scan.called_name(node) == "get_custom_objects"


@per_file
def _registered(ctx) -> Dict[str, Optional[str]]:
    """Names the file registers -> the registered value's name when it is a plain name
    (a function), else None."""
    found: Dict[str, Optional[str]] = {}

    def note(key: ast.AST, value: ast.AST) -> None:
        name = _scan.string_value(key)
        if name is not None:
            found[name] = value.id if isinstance(value, ast.Name) else None

    for node in _scan.nodes(ctx, ast.Call, ast.Assign):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update" \
                and _registry_call(node.func.value):
            for arg in node.args:
                if isinstance(arg, ast.Dict):
                    for key, value in zip(arg.keys, arg.values):
                        if key is not None:
                            note(key, value)
            for kw in node.keywords:
                if kw.arg is not None:
                    note(ast.Constant(kw.arg), kw.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and _registry_call(target.value):
                    note(target.slice, node.value)
    return found


@per_file
def _registry_spelling(ctx) -> str:
    for node in _scan.nodes(ctx, ast.Call):
        if _registry_call(node):
            return ast.unparse(node.func)
    return "keras.utils.get_custom_objects"


class CustomObjectNames(Rule):
    id = "KM241"
    name = "custom_object_names"
    description = ("A string naming an object registered with get_custom_objects() (Keras 3 ignores the "
                   "registry for strings) -> `keras.utils.get_custom_objects()[name]`.")
    part = Part.TENSORFLOW
    TRIGGERS = ("get_custom_objects",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow.keras import backend as K
            from tensorflow.keras.layers import Activation, Dense
            from tensorflow.keras.utils import get_custom_objects

            def swish(x):
                return x * K.sigmoid(x)

            get_custom_objects().update({"swish": Activation(swish), "my_loss": my_loss, "f1": f1})
            layer = Dense(64, activation="swish", kernel_initializer="glorot_uniform")
            act = Activation("swish")
            model.compile(loss="my_loss", metrics=["f1", "accuracy"])
            """,
            after="""
            from keras.layers import Activation, Dense
            from keras.utils import get_custom_objects
            import keras

            def swish(x):
                return x * keras.ops.sigmoid(x)

            get_custom_objects().update({"swish": Activation(swish), "my_loss": my_loss, "f1": f1})
            layer = Dense(64, activation=get_custom_objects()["swish"], kernel_initializer="glorot_uniform")
            act = Activation(get_custom_objects()["swish"])
            model.compile(loss=get_custom_objects()["my_loss"], metrics=[get_custom_objects()["f1"], "accuracy"])
            """,
            full=True,
        ),
        # Subscript registration; a metric registered under another name than its
        # function's is reported (History's key would change).
        Example(
            before="""
            import tensorflow as tf
            tf.keras.utils.get_custom_objects()["gelu_tanh"] = gelu
            tf.keras.utils.get_custom_objects()["f1"] = f1_score
            x = tf.keras.layers.Dense(8, activation="gelu_tanh")(x)
            model.compile(loss="mse", metrics=["f1"])
            """,
            after="""
            import tensorflow as tf
            tf.keras.utils.get_custom_objects()["gelu_tanh"] = gelu
            tf.keras.utils.get_custom_objects()["f1"] = f1_score
            x = tf.keras.layers.Dense(8, activation=tf.keras.utils.get_custom_objects()["gelu_tanh"])(x)
            model.compile(loss="mse", metrics=["f1"])
            """,
            diagnostics=("KM241",),
        ),
    )

    def _lookup(self, name: str) -> cst.BaseExpression:
        # The registry as the file spells it where it registers (other rules then migrate
        # that spelling like any other).
        return cst.parse_expression(f'{_registry_spelling(self.ctx)}()["{name}"]')

    def _registered_string(self, node: cst.BaseExpression) -> Optional[str]:
        if not isinstance(node, cst.SimpleString):
            return None
        value = node.evaluated_value
        return value if isinstance(value, str) and value in _registered(self.ctx) else None

    def _replaced(self, node: cst.BaseExpression, metric: bool) -> cst.BaseExpression:
        name = self._registered_string(node)
        if name is None:
            return node
        if metric and _registered(self.ctx)[name] != name:
            self.report(node, f'metric "{name}" is registered with get_custom_objects(); Keras 3 ignores the '
                        "registry for strings, and the object's own name would become its History key",
                        f'pass keras.metrics.MeanMetricWrapper({_registry_spelling(self.ctx)}()["{name}"], '
                        f'name="{name}") (or the metric object, named "{name}")')
            return node
        self.fired()
        return self._lookup(name)

    def _value(self, value: cst.BaseExpression, metric: bool) -> cst.BaseExpression:
        if isinstance(value, (cst.List, cst.Tuple)):
            return value.with_changes(elements=[e.with_changes(value=self._value(e.value, metric))
                                                for e in value.elements])
        if isinstance(value, cst.Dict):
            return value.with_changes(elements=[
                e.with_changes(value=self._value(e.value, metric)) if isinstance(e, cst.DictElement) else e
                for e in value.elements])
        return self._replaced(value, metric)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not _registered(self.ctx):
            return updated
        path = self.ctx.keras_path(original.func) or ""
        args = []
        for k, arg in enumerate(updated.args):
            name = arg.keyword.value if arg.keyword is not None else None
            if name in _KEYWORDS or (name is not None and name.endswith(_SUFFIXES)):
                arg = arg.with_changes(value=self._value(arg.value, metric=False))
            elif name in _METRICS:
                arg = arg.with_changes(value=self._value(arg.value, metric=True))
            elif name is None and k == 0 and path.endswith("layers.Activation"):
                arg = arg.with_changes(value=self._replaced(arg.value, metric=False))
            args.append(arg)
        if all(a is b for a, b in zip(args, updated.args)):
            return updated
        return updated.with_changes(args=args)
