"""KM132 shape_api: TensorShape methods on shapes that are tuples in Keras 3.

Keras 2 passed `tf.TensorShape`s to build()/compute_output_shape() and TF tensors and
variables had TensorShape `.shape`s and `.get_shape()`; Keras 3 passes tuples, and
KerasTensors, variables and JAX/PyTorch tensors have tuple shapes and no get_shape().
Rewritten with the tuple equivalents (exact for shapes of known rank, which is all
Keras 3 produces): `s.as_list()` -> `list(s)`, `s.rank` / `s.ndims` -> `len(s)`,
`s[i].value` -> `s[i]`, `s.is_fully_defined()`, `s.assert_has_rank(n)`,
`x.get_shape()` -> `x.shape`, `tf.TensorShape(dims)` -> `tuple(dims)`,
`tf.compat.dimension_value(d)` -> `d`. Other TensorShape methods are diagnosed.

A shape is the shape parameter of build / compute_output_shape /
compute_output_signature, any `<expr>.shape`, `<expr>.get_shape()`, `tf.TensorShape(...)`,
a slice of a shape, or a name assigned one of these in the same function.
"""

from __future__ import annotations

import ast
from typing import List, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules._agnostic import is_keras_class
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._scan import file_ast, names as ast_names
from keras_migrate.rules._util import code, parenthesize
from keras_migrate.rules._args import file_uses_keras, has_star

__all__ = ["ShapeApi"]

_SHAPE_METHODS = frozenset({"build", "compute_output_shape", "compute_output_signature"})
_LENGTH_ATTRS = frozenset({"rank", "ndims"})
# TensorShape methods with no one-line tuple form: diagnosed with the manual edit.
_DIAGNOSED = {
    "num_elements": "math.prod(shape) (None when a dimension is unknown)",
    "dims": "the tuple itself: its entries are ints or None",
    "with_rank": "check len(shape) and use the tuple",
    "with_rank_at_least": "check len(shape) and use the tuple",
    "concatenate": "tuple(shape) + tuple(other)",
    "merge_with": "a tuple with each dimension taken from whichever shape knows it",
    "is_compatible_with": "compare the known dimensions of the two tuples",
    "most_specific_compatible_shape": "compare the known dimensions of the two tuples",
}
_TENSOR_SHAPE = "tensorflow.TensorShape"
_DIMENSION_VALUE = ("tensorflow.compat.dimension_value", "tensorflow.compat.v1.dimension_value")
# RNN cells: Keras 2 accepted a TensorShape per state (multi-dimensional state); Keras 3
# reads a tuple/list state_size as one integer per state.
_CELL_SIZES = frozenset({"self.state_size", "self.output_size"})
_CELL_ATTRS = frozenset(size.rsplit(".", 1)[1] for size in _CELL_SIZES)  # a cheap test before code()


@per_file
def _multi_dimensional_cells(ctx) -> Tuple[str, ...]:
    """Classes of the file assigning `self.state_size = tf.TensorShape([a, b, ...])`."""
    tree, names = file_ast(ctx), ast_names(ctx)
    found: List[str] = []
    for cls in (tree.body if tree is not None else ()):
        if not isinstance(cls, ast.ClassDef):
            continue
        for node in ast_walk(cls):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and names is not None and names.qualified(node.value.func) == _TENSOR_SHAPE
                    and node.value.args and isinstance(node.value.args[0], (ast.List, ast.Tuple))
                    and len(node.value.args[0].elts) > 1
                    and any(isinstance(t, ast.Attribute) and t.attr == "state_size" for t in node.targets)):
                found.append(cls.name)
                break
    return tuple(found)


class ShapeApi(Rule):
    id = "KM132"
    NODE_KEYED = ('_cell_sizes',)
    name = "shape_api"
    description = ("Rewrite TensorShape methods (as_list, rank, ndims, get_shape, assert_has_rank, "
                   "tf.TensorShape, Dimension.value) for Keras 3's tuple shapes.")
    TRIGGERS = ("as_list", "rank", "ndims", "get_shape", "TensorShape", ".value", "dimension_value",
                "is_fully_defined", *_DIAGNOSED)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    input_shape.assert_has_rank(2)
                    dims = input_shape.as_list()
                    self.w = self.add_weight(name="w", shape=(dims[-1], input_shape.rank))

                def call(self, x):
                    batch = x.get_shape().as_list()[0]
                    return x * self.w[:, 0]

                def compute_output_shape(self, input_shape):
                    return tf.TensorShape(input_shape[:-1].as_list() + [1])
            """,
            after="""
            import tensorflow as tf
            from tensorflow import keras

            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    if len(input_shape) != 2:
                        raise ValueError("Shape %s must have rank 2" % (input_shape,))
                    dims = list(input_shape)
                    self.w = self.add_weight(name="w", shape=(dims[-1], len(input_shape)))

                def call(self, x):
                    batch = list(x.shape)[0]
                    return x * self.w[:, 0]

                def compute_output_shape(self, input_shape):
                    return tuple(list(input_shape[:-1]) + [1])
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras
            class Cell(keras.layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.state_size = tf.TensorShape([4, units])
            """,
            diagnostics=("KM132",),
        ),
        # The RNN wrapping such a cell is where Keras 3 raises: said there too.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            class Model(keras.Model):
                def __init__(self, cell):
                    super().__init__()
                    self.rnn = keras.layers.RNN(cell, name="rnn")

            class Cell(keras.layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.state_size = tf.TensorShape([4, units])
            """,
            diagnostics=("KM132", "KM132"),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # per function (innermost last): names known to hold shapes
        self._shape_names: List[Set[str]] = []
        self._cell_sizes: Set[int] = set()  # tf.TensorShape(...) calls assigned to a cell's state_size

    # -- which names are shapes ------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        names: Set[str] = set()
        params = node.params.params
        if (node.name.value in _SHAPE_METHODS and self.ctx.current_class is not None
                and len(self.ctx.function_stack) == 1 and len(params) >= 2
                and is_keras_class(self.ctx, self.ctx.current_class)):
            names.add(params[1].name.value)
        self._shape_names.append(names)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        self._shape_names.pop()
        return updated

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if (isinstance(value, cst.Call) and any(
                isinstance(t.target, cst.Attribute) and t.target.attr.value in _CELL_ATTRS
                and code(t.target) in _CELL_SIZES for t in node.targets)
                and self.ctx.qualified_name(value.func) == _TENSOR_SHAPE):
            self._cell_sizes.add(id(value))
            self.report(node, "an RNN cell state of shape tf.TensorShape([...]) (a multi-dimensional state) is not "
                        "supported by Keras 3, which reads a tuple state_size as one integer per state",
                        "flatten the state to one dimension (state_size = a * b) and reshape it inside the cell's call()")
        if not self._shape_names:
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if self._is_shape(node.value):
                    self._shape_names[-1].add(target.target.value)
                else:
                    self._shape_names[-1].discard(target.target.value)

    def _is_shape(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return bool(self._shape_names) and node.value in self._shape_names[-1]
        if isinstance(node, cst.Attribute):
            return node.attr.value == "shape"
        if isinstance(node, cst.Call):
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "get_shape" and not node.args:
                return True
            return self.ctx.qualified_name(node.func) == _TENSOR_SHAPE
        if isinstance(node, cst.Subscript):  # shape[1:] is a shape, shape[0] a dimension
            return self._is_shape(node.value) and any(isinstance(e.slice, cst.Slice) for e in node.slice)
        return False

    def _is_dimension(self, node: cst.BaseExpression) -> bool:
        return (isinstance(node, cst.Subscript) and self._is_shape(node.value)
                and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index))

    # -- rewrites ----------------------------------------------------------------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        attr = original.attr.value
        if attr in _LENGTH_ATTRS and self._is_shape(original.value) and file_uses_keras(self.ctx):
            return self._changed(_call("len", updated.value))
        if attr == "value" and self._is_dimension(original.value) and file_uses_keras(self.ctx):
            return self._changed(updated.value)  # input_shape[-1].value: a Dimension in TF1 shapes
        if attr == "dims" and self._is_shape(original.value) and file_uses_keras(self.ctx):
            self._diagnose(original, attr)
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.ctx.keras_path(original.func) in ("layers.RNN", "RNN") and _multi_dimensional_cells(self.ctx):
            self.report(original, "Keras 3's RNN raises here for a cell with a multi-dimensional state (this file "
                        f"declares one: {', '.join(_multi_dimensional_cells(self.ctx))}): it reads state_size as one "
                        "integer per state", "flatten that cell's state to one dimension (state_size = a * b) and "
                        "reshape it inside its call()")
        func = original.func
        if self.ctx.qualified_name(func) == _TENSOR_SHAPE:
            return self._tensor_shape(original, updated)
        if self.ctx.qualified_name(func) in _DIMENSION_VALUE and len(original.args) == 1 \
                and original.args[0].keyword is None and not original.args[0].star:
            return self._changed(parenthesize(updated.args[0].value))
        if not isinstance(func, cst.Attribute) or not isinstance(updated.func, cst.Attribute):
            return updated
        method = func.attr.value
        if method == "get_shape" and not original.args and file_uses_keras(self.ctx):
            return self._changed(cst.Attribute(value=updated.func.value, attr=cst.Name("shape")))
        if not self._is_shape(func.value) or not file_uses_keras(self.ctx):
            return updated
        receiver = updated.func.value
        if method == "as_list" and not original.args:
            return self._changed(_call("list", receiver))
        if method == "is_fully_defined" and not original.args:
            return self._changed(cst.parse_expression(f"all(d is not None for d in {code(parenthesize(receiver))})"))
        if method in _DIAGNOSED:
            self._diagnose(original, method)
        return updated

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        # `shape.assert_has_rank(n)` as a statement -> the check Keras 2 made
        if len(updated.body) != 1 or not isinstance(updated.body[0], cst.Expr):
            return updated
        call = updated.body[0].value
        original_call = original.body[0].value if isinstance(original.body[0], cst.Expr) else None
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "assert_has_rank" and isinstance(original_call, cst.Call)
                and self._is_shape(original_call.func.value) and len(call.args) == 1
                and call.args[0].keyword is None and not has_star(call) and file_uses_keras(self.ctx)):
            return updated
        shape = code(parenthesize(call.func.value))
        rank = code(call.args[0].value)
        # %-formatting: the shape expression may contain quotes an f-string could not nest
        message = (f'"Shape %s must have rank {rank}" % ({shape},)' if isinstance(call.args[0].value, cst.Integer)
                   else f'"Shape %s must have rank %s" % ({shape}, {rank})')
        check = cst.parse_statement(f"if len({shape}) != {rank}:\n    raise ValueError({message})\n")
        self.fired()
        return check.with_changes(leading_lines=updated.leading_lines)

    def _tensor_shape(self, original: cst.Call, updated: cst.Call):
        if (id(original) in self._cell_sizes or len(original.args) != 1 or original.args[0].keyword is not None
                or original.args[0].star):
            return updated
        arg = updated.args[0].value
        if isinstance(arg, cst.Name) and arg.value == "None":
            self.report(original, "tf.TensorShape(None) (unknown rank) has no tuple form in Keras 3",
                        "use the actual dimensions as a tuple, e.g. (None, units)")
            return updated
        if isinstance(arg, cst.Tuple):
            return self._changed(arg)
        if isinstance(arg, cst.List) and arg.elements:  # [None, 3] -> (None, 3)
            elements = list(arg.elements)
            if len(elements) == 1 and elements[0].comma is cst.MaybeSentinel.DEFAULT:
                elements[0] = elements[0].with_changes(comma=cst.Comma())
            return self._changed(cst.Tuple(elements=elements))
        return self._changed(_call("tuple", arg).with_changes(lpar=updated.lpar, rpar=updated.rpar))

    # -- helpers -----------------------------------------------------------------------
    def _changed(self, node: cst.BaseExpression) -> cst.BaseExpression:
        self.fired()
        return node

    def _diagnose(self, node: cst.CSTNode, method: str) -> None:
        self.report(node, f"TensorShape.{method} does not exist on Keras 3's tuple shapes",
                    f"use {_DIAGNOSED[method]}")


def _call(func: str, arg: cst.BaseExpression) -> cst.Call:
    return cst.Call(func=cst.Name(func), args=[cst.Arg(arg)])
