"""KM250 symbolic_batch_size: `tf.shape(x)[0]` of a KerasTensor where a model is built.

Keras 2 ran TF ops on the symbolic tensors of functional model construction as layers:
`batch = tf.shape(inputs)[0]` was a tensor holding each batch's size, so
`tf.reshape(t, (batch, 3))` worked. Keras 3's shape of a KerasTensor has None for the
batch dimension: the reshape bakes `None` in and fails when the model runs, on every
backend (found with keras-migrate verify on an independent program: "Unable to
automatically build the model" on JAX and PyTorch, a TypeError in Reshape on
TensorFlow).

In a reshape whose target shape has that one dynamic size and otherwise non-negative
integer literals, the size is exactly what -1 infers (Keras 2 failed where it did not
fit): the element becomes -1, whether the read is inline or a name bound to it and used
only there. Any other use of such a read (an op's shape argument, arithmetic) is
reported with its fix in agnostic mode (kept on TensorFlow, tf_ops_on_keras_tensors makes
the read a Lambda layer's tensor, which TF ops wrapped the same way can use). Other dimensions are left alone: Keras 3 gives the static ones as
ints (an unknown one, `Input(shape=(None, 8))`, is not caught). File functions that symbolic_shape_calls (KM222) applies as a
Lambda layer run on real tensors and are left to it.
"""

from __future__ import annotations

import ast
from typing import Dict, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part
from keras_migrate.rules.tf_ops_on_keras_tensors import batch_lambda_functions, keras_tensors, unknown_dims

__all__ = ["SymbolicBatchSize"]

_SHAPES = frozenset({"tensorflow.shape"})
_SHAPE_PATHS = frozenset({"backend.shape", "ops.shape"})
_RESHAPES = frozenset({"tensorflow.reshape"})
_RESHAPE_PATHS = frozenset({"backend.reshape", "ops.reshape"})
_FIX = ("use -1 for that dimension where a reshape can infer it; otherwise compute what needs the batch size "
        "inside a keras.layers.Lambda(lambda t: ...) applied to the tensor (it runs on real tensors, whose batch "
        "size is known), or in a custom layer's call()")


class _Reads:
    """Per file: names bound to a KerasTensor's dynamic shape element, and which of them
    are used only as the one dynamic size of a reshape (-> -1)."""

    def __init__(self, ctx) -> None:
        self.names: Dict[Tuple[_scan.Scope, str], bool] = {}  # (scope, name) -> every use convertible
        tree, names = _scan.file_ast(ctx), _scan.names(ctx)
        tensors = keras_tensors(ctx)
        if tree is None or tensors is None or not tensors.any:
            return
        lambdas = batch_lambda_functions(ctx)
        nodes = [(s, n) for s, n in _scan.scoped_nodes(ctx) if not (s and s[0] in lambdas)]

        def is_read(node, scope) -> bool:
            return (isinstance(node, ast.Subscript) and _dynamic_index(ctx, _int_literal(node.slice))
                    and isinstance(node.value, ast.Call)
                    and (names.qualified(node.value.func) in _SHAPES or names.keras(node.value.func) in _SHAPE_PATHS)
                    and len(node.value.args) == 1 and tensors.is_tensor(node.value.args[0], scope))

        bound: Dict[Tuple[_scan.Scope, str], int] = {}
        for scope, node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in _scan.assigned_names(target):
                        bound[(scope, name)] = bound.get((scope, name), 0) + 1
        for scope, node in nodes:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and is_read(node.value, scope) and bound[(scope, node.targets[0].id)] == 1):
                self.names[(scope, node.targets[0].id)] = True
        if not self.names:
            return
        by_name = {name for _, name in self.names}
        convertible: Dict[str, int] = {}
        for scope, node in nodes:
            if isinstance(node, ast.Call) and (names.qualified(node.func) in _RESHAPES
                                               or names.keras(node.func) in _RESHAPE_PATHS):
                shape = _shape_arg(node.args, {k.arg: k.value for k in node.keywords if k.arg})
                dynamic = _one_dynamic(shape, lambda e: isinstance(e, ast.Name) and e.id in by_name)
                if dynamic is not None:
                    convertible[dynamic.id] = convertible.get(dynamic.id, 0) + 1
        uses: Dict[str, int] = {}
        for _, node in nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in by_name:
                uses[node.id] = uses.get(node.id, 0) + 1
        for key in self.names:
            self.names[key] = uses.get(key[1], 0) > 0 and uses.get(key[1], 0) == convertible.get(key[1], 0)


@per_file
def _reads(ctx) -> _Reads:
    return _Reads(ctx)


def _shape_arg(args, keywords):
    """The target shape of tf.reshape(tensor, shape) / keras.ops.reshape(x, newshape)."""
    if len(args) > 1:
        return args[1]
    return keywords.get("shape", keywords.get("newshape"))


def _int_literal(node) -> Optional[int]:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _int_literal(node.operand)
        return None if value is None else -value
    if isinstance(node, cst.Integer):
        return int(node.value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        value = _int_literal(node.expression)
        return None if value is None else -value
    return None


def _dynamic_index(ctx, index: Optional[int]) -> bool:
    """Whether `tf.shape(x)[index]` of a KerasTensor may be None in Keras 3: the batch
    size always; another dimension where some Input of the file leaves one unknown."""
    return index == 0 or (index is not None and unknown_dims(ctx))


def _one_dynamic(shape, is_dynamic):
    """The one element of a tuple/list shape literal that `is_dynamic`, when every other
    element is a non-negative integer literal (None otherwise)."""
    if isinstance(shape, (ast.Tuple, ast.List)):
        elements = shape.elts
    elif isinstance(shape, (cst.Tuple, cst.List)):
        elements = [e.value for e in shape.elements]
    else:
        return None
    dynamic = [e for e in elements if is_dynamic(e)]
    others = [_int_literal(e) for e in elements if not is_dynamic(e)]
    if len(dynamic) != 1 or any(v is None or v < 0 for v in others):
        return None
    return dynamic[0]


def _minus_one() -> cst.UnaryOperation:
    return cst.UnaryOperation(cst.Minus(), cst.Integer("1"))


class SymbolicBatchSize(Rule):
    id = "KM250"
    name = "symbolic_batch_size"
    description = ("A KerasTensor's dynamic batch size (`tf.shape(x)[0]`, None in Keras 3) as the one unknown "
                   "size of a reshape -> -1; other uses where a model is built are reported.")
    part = Part.TENSORFLOW
    TRIGGERS = ("shape",)
    NODE_KEYED = ("_inline_checked", "_planned", "_reshaped")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf

            inputs = tf.keras.Input(shape=(12,))
            seq = tf.reshape(inputs, (tf.shape(inputs)[0], 4, 3))
            batch = tf.shape(inputs)[0]
            pooled = tf.reshape(tf.reduce_mean(seq, axis=1), [batch, 3])
            """,
            after="""
            import tensorflow as tf

            inputs = tf.keras.Input(shape=(12,))
            seq = tf.reshape(inputs, (-1, 4, 3))
            batch = tf.shape(inputs)[0]
            pooled = tf.reshape(tf.reduce_mean(seq, axis=1), [-1, 3])
            """,
        ),
        # Used elsewhere too, or next to another unknown: reported, not rewritten.
        Example(
            before="""
            import tensorflow as tf

            inputs = tf.keras.Input(shape=(6,))
            n = tf.shape(inputs)[0]
            grid = tf.reshape(inputs, (n, 2, 3))
            noise = tf.zeros((n, 6))
            pairs = tf.reshape(inputs, (tf.shape(inputs)[0], -1, 2))
            """,
            diagnostics=("KM250", "KM250"),
            mode="agnostic",
        ),
        # An Input leaving a dimension unknown: other dimensions of the shape may be None too.
        Example(
            before="""
            import tensorflow as tf

            tokens = tf.keras.Input(shape=(None,), dtype="int32")
            embedded = tf.keras.layers.Embedding(100, 8)(tokens)
            steps = tf.shape(embedded)[1]
            flat = tf.reshape(embedded, (-1, steps * 8))
            last = tf.reshape(embedded, (tf.shape(embedded)[0], tf.shape(embedded)[-2], 8))
            """,
            diagnostics=("KM250", "KM250", "KM250"),
            mode="agnostic",
        ),
        # Real tensors (data, or a model's call()): Keras 2 and Keras 3 alike.
        Example(
            before="""
            import tensorflow as tf

            data = tf.ones((8, 12))
            rows = tf.reshape(data, (tf.shape(data)[0], 4, 3))

            class Block(tf.keras.layers.Layer):
                def call(self, x):
                    return tf.reshape(x, (tf.shape(x)[0], 4, 3))

            class Heads(tf.keras.layers.Layer):
                def call(self, inputs):
                    batch = tf.shape(inputs)[0]
                    return tf.reshape(inputs, [batch, -1, 2]) * tf.cast(batch, "float32")

            inputs = tf.keras.Input((12,))
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._inline_checked: Set[int] = set()  # reads handled: bound to a name, or planned -1
        self._planned: Dict[int, Tuple[int, int]] = {}  # reshape call -> (argument, element) to make -1
        self._reshaped: Set[int] = set()  # reads left in a reshape's shape (reported in every mode)

    def _is_inline_read(self, node: cst.BaseExpression, scope) -> bool:
        if self.ctx.class_stack:
            return False  # a layer's call(): real tensors
        if not (isinstance(node, cst.Subscript) and isinstance(node.value, cst.Call) and len(node.slice) == 1
                and isinstance(node.slice[0].slice, cst.Index)
                and _dynamic_index(self.ctx, _int_literal(node.slice[0].slice.value))):
            return False
        call = node.value
        if not (self.ctx.qualified_name(call.func) in _SHAPES or self.ctx.keras_path(call.func) in _SHAPE_PATHS):
            return False
        if len(call.args) != 1 or self.ctx.function_stack and self.ctx.function_stack[0].name.value in \
                batch_lambda_functions(self.ctx):
            return False
        tensors = keras_tensors(self.ctx)
        return tensors is not None and tensors.is_tensor(call.args[0].value, scope, self.ctx)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.ctx.class_stack or len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name) \
                or not isinstance(node.value, cst.Subscript):  # (_Reads binds subscripts only: not computed for others)
            return
        scope = _scan.cst_scope(self.ctx)
        convertible = _reads(self.ctx).names.get((scope, node.targets[0].target.value))
        if convertible is not None:
            self._inline_checked.add(id(node.value))
        if convertible is False:
            self._report(node.value)

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        if id(original) not in self._inline_checked and self._is_inline_read(original, _scan.cst_scope(self.ctx)):
            self._report(original)
        return updated

    def _report(self, node: cst.BaseExpression, bound: Optional[str] = None) -> None:
        """A dynamic read (`bound`: a name holding one, used in a reshape's shape)."""
        if self.ctx.mode == "tensorflow" and id(node) not in self._reshaped and bound is None:
            return  # tf_ops_on_keras_tensors keeps the read a tensor (a Lambda) for the TF ops using it
        index = 0 if bound is not None else _int_literal(node.slice[0].slice.value)
        what = ("the batch size of a KerasTensor's shape where a model is built: Keras 3 gives None (Keras 2 a "
                "tensor holding each batch's size)" if index == 0 else
                f"dimension {index} of a KerasTensor's shape where a model is built: an Input of this file leaves "
                "a dimension unknown, which Keras 3's shape gives as None (Keras 2 a tensor holding the size at "
                "run time)")
        if bound is not None:
            what = f"`{bound}` holds {what}"
        if self.ctx.mode == "tensorflow":  # a Lambda's tensor inside keras.ops.reshape's shape
            what += "; a tensor made by a Lambda layer cannot stand in a Keras 3 reshape's shape either"
        self.report(node, f"{what}, so what uses it here fails when the model runs", _FIX)

    def visit_Call(self, node: cst.Call) -> None:
        """Plan the -1 before the children are left (an inline read inside is then not
        reported)."""
        if self.ctx.class_stack or not (self.ctx.qualified_name(node.func) in _RESHAPES
                                        or self.ctx.keras_path(node.func) in _RESHAPE_PATHS):
            return
        scope = _scan.cst_scope(self.ctx)
        reads = _reads(self.ctx).names
        positional = [a.value for a in node.args if a.keyword is None]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        shape = _shape_arg(positional, keywords)
        dynamic = _one_dynamic(shape, lambda e: bool(reads.get((scope, e.value))) if isinstance(e, cst.Name)
                               else self._is_inline_read(e, scope))
        if dynamic is None:
            if isinstance(shape, (cst.Tuple, cst.List)):
                for element in shape.elements:
                    value = element.value
                    if self._is_inline_read(value, scope):
                        self._reshaped.add(id(value))
                    elif (self.ctx.mode == "tensorflow" and isinstance(value, cst.Name)
                          and (scope, value.value) in reads):
                        self._report(value, bound=value.value)  # agnostic mode reported its assignment
            return
        self._inline_checked.add(id(dynamic))
        arg_index = next(i for i, a in enumerate(node.args) if a.value is shape)
        self._planned[id(node)] = (arg_index, [e.value for e in shape.elements].index(dynamic))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        plan = self._planned.pop(id(original), None)
        if plan is None or len(updated.args) != len(original.args):
            return updated
        arg_index, index = plan
        shape = updated.args[arg_index].value
        if not isinstance(shape, (cst.Tuple, cst.List)) or index >= len(shape.elements):
            return updated
        elements = list(shape.elements)
        elements[index] = elements[index].with_changes(value=_minus_one())
        args = list(updated.args)
        args[arg_index] = args[arg_index].with_changes(value=shape.with_changes(elements=elements))
        self.fired()
        return updated.with_changes(args=args)
