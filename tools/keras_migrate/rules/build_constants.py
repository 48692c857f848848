"""KM223 build_constants: `self.scale = tf.sqrt(gain / fan_in)` in build() -> math.sqrt.

keras.io's StyleGAN computes its equalized-learning-rate scale in build() from Python
numbers. Keras 2 built layers under tf.init_scope, so the scalar was an eager tensor;
Keras 3 may build a layer inside a traced function (its first call in a train step), and
on TensorFlow the scalar is then that graph's tensor: the next traced function fails
with "... is out of scope and cannot be used here". The value is a Python number's
square root (exp, log): Python's math gives it on every backend, and it multiplies
float32 weights as the tensor did (a Python float does not widen them).

Only for an attribute of self assigned in build() from one of these functions of an
expression without calls whose names are build()'s numbers (its `input_shape` entries,
locals computed from them) and attributes of self the class never sets from a call
(not weights).
"""

from __future__ import annotations

import ast
import textwrap
from typing import Dict, FrozenSet, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules._keras import Part
from keras_migrate.rules._scan import all_nodes
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._util import code

__all__ = ["BuildConstants"]

_MATH = {
    "tensorflow.sqrt": "sqrt", "tensorflow.math.sqrt": "sqrt",
    "tensorflow.exp": "exp", "tensorflow.math.exp": "exp",
    "tensorflow.math.log": "log",
}


def _plain(node: ast.AST, locals_: Set[str], attributes: FrozenSet[str]) -> bool:
    """An expression of Python numbers: constants, plain locals, plain self attributes,
    input_shape entries, arithmetic."""
    for sub in ast_walk(node):
        if isinstance(sub, ast.Call):
            return False
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "self" \
                and sub.attr not in attributes:
            return False
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id != "self" \
                and sub.id not in locals_:
            return False
    return True


@per_file
def _plain_attributes(ctx) -> Dict[str, FrozenSet[str]]:
    """{class: attributes of self it sets only from expressions without calls}."""
    found: Dict[str, FrozenSet[str]] = {}
    for cls in all_nodes(ctx):
        if not isinstance(cls, ast.ClassDef):
            continue
        plain: Set[str] = set()
        other: Set[str] = set()
        for node in ast_walk(cls):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                            and target.value.id == "self":
                        calls = any(isinstance(n, ast.Call) for n in ast_walk(node.value))
                        (other if calls else plain).add(target.attr)
        found[cls.name] = frozenset(plain - other)
    return found


def _build_locals(fn: ast.FunctionDef, attributes: FrozenSet[str]) -> Set[str]:
    """build()'s names holding numbers: its input_shape parameter's entries (a shape) and
    locals assigned once from plain expressions of those."""
    params = [a.arg for a in fn.args.args]
    shape = params[1] if len(params) > 1 else None
    stores: Dict[str, int] = {}
    for node in ast_walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
    names: Set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in fn.body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                continue
            name = node.targets[0].id
            if name in names or stores.get(name) != 1:
                continue
            value = node.value
            shape_entry = isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) \
                and value.value.id == shape
            if shape_entry or _plain(value, names, attributes):
                names.add(name)
                changed = True
    return names


class BuildConstants(Rule):
    id = "KM223"
    name = "build_constants"
    description = ("A scalar computed in build() from Python numbers with tf.sqrt/exp/log becomes Python's math "
                   "(Keras 3 may build inside a traced function, whose tensor is out of scope later).")
    part = Part.TENSORFLOW
    TRIGGERS = ("def build",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            class EqualizedDense(keras.layers.Layer):
                def __init__(self, units, gain=2):
                    super().__init__()
                    self.units = units
                    self.gain = gain

                def build(self, input_shape):
                    self.in_channels = input_shape[-1]
                    self.w = self.add_weight(shape=[self.in_channels, self.units])
                    fan_in = self.in_channels * 3
                    self.scale = tf.sqrt(self.gain / fan_in)
                    self.decay = tf.math.exp(-1.0 / self.units)

                def call(self, inputs):
                    return tf.matmul(inputs, self.scale * self.w) * self.decay
            """,
            after="""
            import tensorflow as tf
            import keras
            import math

            class EqualizedDense(keras.layers.Layer):
                def __init__(self, units, gain=2):
                    super().__init__()
                    self.units = units
                    self.gain = gain

                def build(self, input_shape):
                    self.in_channels = input_shape[-1]
                    self.w = self.add_weight(shape=[self.in_channels, self.units])
                    fan_in = self.in_channels * 3
                    self.scale = math.sqrt(self.gain / fan_in)
                    self.decay = math.exp(-1.0 / self.units)

                def call(self, inputs):
                    return tf.matmul(inputs, self.scale * self.w) * self.decay
            """,
            diagnostics=(),
        ),
        # Of a weight, or of something the class sets from a call: a tensor, left alone.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Scaled(keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.gain = tf.constant(2.0)

                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],))
                    self.norm = tf.sqrt(self.w * self.w)
                    self.scale = tf.sqrt(self.gain)
            """,
        ),
    )

    NODE_KEYED = ("_trees",)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._trees: Dict[int, Optional[ast.FunctionDef]] = {}  # build() methods' ast, by node

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        fn = self.ctx.function_stack[-1] if len(self.ctx.function_stack) == 1 else None
        if fn is None or fn.name.value != "build" or not self.ctx.class_stack:
            return updated
        if not (len(original.targets) == 1 and isinstance(original.targets[0].target, cst.Attribute)
                and isinstance(original.targets[0].target.value, cst.Name)
                and original.targets[0].target.value.value == "self"):
            return updated
        value = original.value
        if not isinstance(value, cst.Call) or len(value.args) != 1 or value.args[0].keyword is not None \
                or value.args[0].star:
            return updated
        function = _MATH.get(self.ctx.qualified_name(value.func) or "")
        if function is None or not self._numbers(value.args[0].value, fn):
            return updated
        self.fired()
        math = self.ctx.require_module("math")
        arg = updated.value.args[0].value if isinstance(updated.value, cst.Call) and len(updated.value.args) == 1 \
            else value.args[0].value
        return updated.with_changes(value=cst.Call(
            func=cst.Attribute(value=cst.Name(math), attr=cst.Name(function)), args=[cst.Arg(arg)]))

    def _numbers(self, arg: cst.BaseExpression, fn: cst.FunctionDef) -> bool:
        attributes = _plain_attributes(self.ctx).get(self.ctx.class_stack[-1].name.value, frozenset())
        tree = self._build_ast(fn)
        if tree is None:
            return False
        try:
            expression = ast.parse(code(arg).strip(), mode="eval").body
        except SyntaxError:
            return False
        return _plain(expression, _build_locals(tree, attributes), attributes)

    def _build_ast(self, fn: cst.FunctionDef) -> Optional[ast.FunctionDef]:
        if id(fn) not in self._trees:
            try:
                self._trees[id(fn)] = ast.parse(textwrap.dedent(code(fn))).body[0]
            except SyntaxError:
                self._trees[id(fn)] = None
        return self._trees[id(fn)]
