"""KM221 trainable_assign_in_call: a trainable weight assigned inside call().

keras.io's PixelCNN masks its convolution kernel in call():
`self.conv.kernel.assign(self.conv.kernel * self.mask)`. Keras 2 stored the masked
kernel at every call. Keras 3's JAX steps (fit, evaluate, predict) run call() statelessly:
the pass uses the assigned value, but only the optimizer's update of a trainable weight
is kept, so the weight never stores the assignment (the masked entries keep their
initial values). Outputs and losses are the same; get_weights(), saved weights and any
other reader of the weight differ from Keras 2 on JAX (checked with keras-migrate verify
on keras.io's VQ-VAE). Reported with the fix that is the same on every backend: use the
masked value where it is needed instead of storing it.
"""

from __future__ import annotations

import ast
from typing import FrozenSet

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._agnostic import in_keras_class_method
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part
from keras_migrate.rules._scan import all_nodes

__all__ = ["TrainableAssignInCall"]

# Weights Keras layers create trainable.
_LAYER_WEIGHTS = frozenset({"kernel", "bias", "embeddings", "depthwise_kernel", "pointwise_kernel",
                            "recurrent_kernel", "gamma", "beta"})
_ASSIGNS = frozenset({"assign", "assign_add", "assign_sub"})


@per_file
def _trainable_attributes(ctx) -> FrozenSet[str]:
    """`self.<name>` attributes the file makes trainable weights: add_weight(...) or
    tf.Variable(...) / keras.Variable(...) without trainable=False."""
    found = set()
    for node in all_nodes(ctx):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1):
            continue
        target, func = node.targets[0], node.value.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"):
            continue
        if name not in ("add_weight", "Variable"):
            continue
        trainable = next((k.value for k in node.value.keywords if k.arg == "trainable"), None)
        if isinstance(trainable, ast.Constant) and trainable.value is False:
            continue
        found.add(target.attr)
    return frozenset(found)


class TrainableAssignInCall(Rule):
    id = "KM221"
    name = "trainable_assign_in_call"
    description = ("Report a trainable weight assigned inside call(): on JAX Keras 3 uses the value in the pass "
                   "but does not store it (weights differ from Keras 2; outputs do not).")
    part = Part.AGNOSTIC
    TRIGGERS = ("assign",)
    EXAMPLES = (
        Example(
            before="""
            import keras

            class PixelConvLayer(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__()
                    self.conv = keras.layers.Conv2D(**kwargs)
                    self.scale = self.add_weight(shape=(), initializer="ones")

                def call(self, inputs):
                    self.conv.kernel.assign(self.conv.kernel * self.mask)
                    self.scale.assign(keras.ops.minimum(self.scale, 2.0))
                    return self.conv(inputs) * self.scale
            """,
            diagnostics=("KM221", "KM221"),
        ),
        # Not trainable (a counter), or outside call(): Keras 3 stores it on every backend.
        Example(
            before="""
            import keras

            class Counting(keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.count = self.add_weight(shape=(), initializer="zeros", trainable=False)

                def call(self, inputs):
                    self.count.assign_add(1.0)
                    return inputs

                def reset(self):
                    self.kernel.assign(keras.ops.zeros_like(self.kernel))
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in _ASSIGNS):
            return updated
        if not self.ctx.function_stack or self.ctx.function_stack[-1].name.value != "call" \
                or not in_keras_class_method(self.ctx):
            return updated
        receiver = func.value
        if not (isinstance(receiver, cst.Attribute) and _rooted_at_self(receiver)):
            return updated
        attr = receiver.attr.value
        own = isinstance(receiver.value, cst.Name)  # self.<attr>
        if not (attr in _LAYER_WEIGHTS and not own or own and attr in _trainable_attributes(self.ctx)):
            return updated
        self.report(original, f"a trainable weight (.{attr}) assigned in call(): on JAX, Keras 3's fit, evaluate "
                              "and predict use the assigned value in the pass but keep only the optimizer's update, "
                              "so the weight never stores it (get_weights() and saved weights differ from Keras 2; "
                              "outputs do not)",
                    "compute the value where it is used instead of storing it (e.g. call the layer's op with "
                    "the masked weight: keras.ops.conv(inputs, self.conv.kernel * self.mask, ...)), or apply it as "
                    "a constraint (kernel_constraint) after each update",
                    Severity.WARNING, backends=("jax",))
        return updated


def _rooted_at_self(node: cst.BaseExpression) -> bool:
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name) and node.value == "self"
