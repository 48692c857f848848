"""KM261 broadcast_output_shape: a layer returning its input plus a slice of a table.

handson-ml2's PositionalEncoding returns `inputs + self.positional_embedding[:, :shape[-2],
:shape[-1]]` with `shape = tf.shape(inputs)`: Keras 3 infers such a layer's output
symbolically, and on JAX (and PyTorch's meta tensors) the sliced table's dynamic size
(`min(max_steps, steps)`) cannot be proved to broadcast against the input's unknown
dimensions ("add got incompatible shapes for broadcasting"), so building the model
fails; Keras 2 (TensorFlow's shape inference) never asked. The sum has the input's shape,
so the class gets `compute_output_shape(self, input_shape): return input_shape`, which
Keras 3 uses instead of tracing call().

A Layer subclass (not a Model) without compute_output_shape / compute_output_spec whose
call() has one return, `<first argument> +|-|* self.<attribute>[<slices>]` (either
order).
"""

from __future__ import annotations

import ast
from typing import Dict, Optional

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part

__all__ = ["BroadcastOutputShape"]

_OPERATORS = (ast.Add, ast.Sub, ast.Mult)
_DECLARED = frozenset({"compute_output_shape", "compute_output_spec"})


def _table_slice(node: ast.AST) -> bool:
    """`self.<attribute>[...]` with at least one slice."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
            and isinstance(node.value.value, ast.Name) and node.value.value.id == "self"):
        return False
    index = node.slice
    parts = index.elts if isinstance(index, ast.Tuple) else [index]
    return any(isinstance(p, ast.Slice) for p in parts)


def _returns_input_plus_table(call: ast.FunctionDef) -> bool:
    params = [a.arg for a in call.args.args[1:]]
    if not params:
        return False
    returns = [n for n in ast.walk(call) if isinstance(n, ast.Return)]
    if len(returns) != 1 or not isinstance(returns[0].value, ast.BinOp):
        return False
    value = returns[0].value
    if not isinstance(value.op, _OPERATORS):
        return False
    for this, other in ((value.left, value.right), (value.right, value.left)):
        if isinstance(this, ast.Name) and this.id == params[0] and _table_slice(other):
            return True
    return False


@per_file
def _classes(ctx) -> Dict[str, bool]:
    """Names of the file's Keras layer classes (not models) that need the method."""
    found = {}
    layers = _scan.keras_layer_classes(ctx)
    models = _scan.keras_subclasses(ctx, "models.") | _scan.keras_subclasses(ctx, "Model")
    for _, node in _scan.def_nodes(ctx):
        if not isinstance(node, ast.ClassDef) or node.name not in layers or node.name in models:
            continue
        methods = {item.name: item for item in node.body if isinstance(item, ast.FunctionDef)}
        if _DECLARED & set(methods) or "call" not in methods:
            continue
        if _returns_input_plus_table(methods["call"]):
            found[node.name] = True
    return found


class BroadcastOutputShape(Rule):
    id = "KM261"
    name = "broadcast_output_shape"
    description = ("A layer whose call() returns its input plus a slice of a table gets compute_output_shape() "
                   "returning the input's shape (JAX cannot infer the broadcast of dynamic sizes).")
    part = Part.AGNOSTIC
    TRIGGERS = ("class",)
    EXAMPLES = (
        Example(
            before="""
            import numpy as np
            import keras

            class PositionalEncoding(keras.layers.Layer):
                def __init__(self, max_steps, max_dims, **kwargs):
                    super().__init__(**kwargs)
                    self.table = keras.ops.convert_to_tensor(np.zeros((1, max_steps, max_dims), "float32"))

                def call(self, inputs):
                    shape = keras.ops.shape(inputs)
                    return inputs + self.table[:, :shape[-2], :shape[-1]]
            """,
            after="""
            import numpy as np
            import keras

            class PositionalEncoding(keras.layers.Layer):
                def __init__(self, max_steps, max_dims, **kwargs):
                    super().__init__(**kwargs)
                    self.table = keras.ops.convert_to_tensor(np.zeros((1, max_steps, max_dims), "float32"))

                def call(self, inputs):
                    shape = keras.ops.shape(inputs)
                    return inputs + self.table[:, :shape[-2], :shape[-1]]

                # The output has the input's shape: Keras 3 reads it here instead of
                # tracing call(), where JAX cannot prove the sliced table broadcasts.
                def compute_output_shape(self, input_shape):
                    return input_shape
            """,
        ),
        # A layer that declares its shape, a model, other returns: left as they are.
        Example(
            before="""
            import keras

            class Declared(keras.layers.Layer):
                def call(self, x):
                    return x + self.table[:, :4]

                def compute_output_shape(self, input_shape):
                    return input_shape

            class Scaled(keras.layers.Layer):
                def call(self, x):
                    return x * self.scale

            class Net(keras.Model):
                def call(self, x):
                    return x + self.table[:, :4]
            """,
        ),
    )

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        if original.name.value not in _classes(self.ctx) or self.ctx.class_stack[:-1]:
            return updated
        method = cst.parse_statement("def compute_output_shape(self, input_shape):\n    return input_shape\n")
        method = method.with_changes(leading_lines=[
            cst.EmptyLine(indent=False),
            cst.EmptyLine(comment=cst.Comment("# The output has the input's shape: Keras 3 reads it here instead of")),
            cst.EmptyLine(comment=cst.Comment("# tracing call(), where JAX cannot prove the sliced table broadcasts.")),
        ])
        body = list(updated.body.body) + [method]
        self.fired()
        return updated.with_changes(body=updated.body.with_changes(body=body))
