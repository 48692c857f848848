"""KM253 depthwise_kernel: DepthwiseConv1D / DepthwiseConv2D's `depthwise_kernel` is
`kernel` in Keras 3.

Keras 2 named a depthwise convolution's weight `depthwise_kernel`; Keras 3's
DepthwiseConv layers call it `kernel` (SeparableConv layers keep `depthwise_kernel`
and `pointwise_kernel`). Reading the old name raises AttributeError on every backend
(found with keras-migrate verify on an independent program:
`model.get_layer("dw").depthwise_kernel.shape`). In a file that builds or subclasses
depthwise convolutions and no separable ones, every `.depthwise_kernel` is such a
layer's: it becomes `.kernel`. Where both kinds are built the receiver cannot be told
apart: reported with the fix.
"""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import FileFacts, per_file

__all__ = ["DepthwiseKernel"]

def _kind(path: Optional[str]) -> Optional[str]:
    if path is None:
        return None
    name = path.rsplit(".", 1)[-1]
    if name.startswith("DepthwiseConv"):
        return "depthwise"
    if name.startswith("SeparableConv"):  # SeparableConv1D/2D, SeparableConvolution1D/2D
        return "separable"
    return None


@per_file
def _subclasses(ctx) -> dict:
    """{file class name: kind} of the file's subclasses of either kind of layer."""
    facts = ctx.facts(FileFacts)
    found = {}
    for kind, prefixes in (("depthwise", ("layers.Depthwise", "layers.convolutional.Depthwise")),
                           ("separable", ("layers.Separable", "layers.convolutional.Separable"))):
        for prefix in prefixes:
            found.update((name, kind) for name in facts.keras_subclasses(prefix))
    return found


def _call_kind(ctx, names, node: ast.Call) -> Optional[str]:
    local = _subclasses(ctx).get(node.func.id) if isinstance(node.func, ast.Name) else None
    return local or _kind(names.keras(node.func))


@per_file
def _kinds(ctx) -> frozenset:
    """Which of the two kinds the file builds or subclasses ("depthwise", "separable")."""
    names = _scan.names(ctx)
    if names is None:
        return frozenset()
    found = {_call_kind(ctx, names, node) for node in _scan.nodes(ctx, ast.Call)}
    return frozenset((found | set(_subclasses(ctx).values())) - {None})


@per_file
def _receivers(ctx):
    """({layer name=: kind}, {variable: kind}) of the file's depthwise / separable layers,
    for files building both (a name or variable bound to both kinds is left out)."""
    names = _scan.names(ctx)
    by_name, by_variable = {}, {}
    if names is None:
        return by_name, by_variable

    def note(table, key, kind):
        table[key] = kind if table.get(key, kind) == kind else None

    for node in _scan.nodes(ctx, ast.Call):
        kind = _call_kind(ctx, names, node)
        name = _scan.call_keywords(node).get("name")
        if kind is not None and isinstance(name, ast.Constant) and isinstance(name.value, str):
            note(by_name, name.value, kind)
    for node in _scan.nodes(ctx, ast.Assign):
        if isinstance(node.value, ast.Call):
            kind = _call_kind(ctx, names, node.value)
            for target in node.targets:
                for variable in _scan.assigned_names(target):
                    note(by_variable, variable, kind)
    return by_name, by_variable


class DepthwiseKernel(Rule):
    id = "KM253"
    name = "depthwise_kernel"
    description = "DepthwiseConv1D/2D's `depthwise_kernel` -> `kernel` (its Keras 3 name)."
    TRIGGERS = ("depthwise_kernel",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras

            model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.DepthwiseConv2D(3, name="dw")])
            print(model.get_layer("dw").depthwise_kernel.shape)
            weights = [layer.depthwise_kernel for layer in model.layers[:1]]
            """,
            after="""
            from tensorflow import keras

            model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.DepthwiseConv2D(3, name="dw")])
            print(model.get_layer("dw").kernel.shape)
            weights = [layer.kernel for layer in model.layers[:1]]
            """,
        ),
        Example(
            before="""
            import tensorflow as tf

            class Scaled(tf.keras.layers.DepthwiseConv1D):
                def call(self, inputs):
                    return tf.nn.depthwise_conv2d(inputs, self.depthwise_kernel * 2.0, [1, 1, 1, 1], "SAME")
            """,
            after="""
            import tensorflow as tf

            class Scaled(tf.keras.layers.DepthwiseConv1D):
                def call(self, inputs):
                    return tf.nn.depthwise_conv2d(inputs, self.kernel * 2.0, [1, 1, 1, 1], "SAME")
            """,
        ),
        # Separable convolutions keep the name; with both kinds in the file: reported.
        Example(
            before="""
            from tensorflow.keras import layers

            sep = layers.SeparableConv2D(4, 3)
            print(sep.depthwise_kernel.shape, sep.pointwise_kernel.shape)
            """,
        ),
        Example(
            before="""
            from tensorflow.keras import layers

            blocks = [layers.SeparableConv2D(4, 3), layers.DepthwiseConv2D(3)]
            shapes = [b.depthwise_kernel.shape for b in blocks]
            """,
            diagnostics=("KM253",),
        ),
        # ... unless the receiver says which: a layer's name=, a variable bound to one kind.
        Example(
            before="""
            from tensorflow.keras import layers

            sep = layers.SeparableConv2D(4, 3, name="sep")
            dw = layers.DepthwiseConv2D(3, name="dw")
            pairs = [(sep.depthwise_kernel, dw.depthwise_kernel), model.get_layer("dw").depthwise_kernel]
            """,
            after="""
            from tensorflow.keras import layers

            sep = layers.SeparableConv2D(4, 3, name="sep")
            dw = layers.DepthwiseConv2D(3, name="dw")
            pairs = [(sep.depthwise_kernel, dw.kernel), model.get_layer("dw").kernel]
            """,
        ),
    )

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if original.attr.value != "depthwise_kernel":
            return updated
        kinds = _kinds(self.ctx)
        if "depthwise" not in kinds:
            return updated
        receiver = self._receiver_kind(original.value) if "separable" in kinds else "depthwise"
        if receiver == "separable":
            return updated
        if receiver != "depthwise":
            self.report(original, "`depthwise_kernel`: Keras 3's DepthwiseConv layers call it `kernel` (reading "
                                  "`depthwise_kernel` raises AttributeError), its SeparableConv layers keep the "
                                  "name, and this file builds both",
                        "read `.kernel` where the layer is a DepthwiseConv1D/2D")
            return updated
        self.fired()
        return updated.with_changes(attr=cst.Name("kernel"))

    def _receiver_kind(self, receiver: cst.BaseExpression) -> Optional[str]:
        """The kind of layer `model.get_layer("dw")`, a variable `dw` or `self` is, where the
        file tells (a layer built with that name=, a variable only ever bound to one kind,
        the file's subclass)."""
        by_name, by_variable = _receivers(self.ctx)
        if isinstance(receiver, cst.Name) and receiver.value == "self" and self.ctx.class_stack:
            return _subclasses(self.ctx).get(self.ctx.class_stack[-1].name.value)
        if isinstance(receiver, cst.Name):
            return by_variable.get(receiver.value)
        if (isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Attribute)
                and receiver.func.attr.value == "get_layer" and receiver.args
                and isinstance(receiver.args[0].value, cst.SimpleString)):
            return by_name.get(receiver.args[0].value.evaluated_value)
        return None
