"""KM216 numpy_attributes: NumPy constants a layer keeps become backend tensors.

Keras 2 layers keep NumPy constants (`self.masks = np.array(..., dtype="float32")`) and
mix them with tensors in call(); TensorFlow converts the array on either side of an
operator. PyTorch does not: `array - tensor` and `tensor *= array` hand the tensor to
NumPy, which refuses one that requires grad ("Can't call numpy() on Tensor that requires
grad"; keras.io's real_nvp). keras.ops.convert_to_tensor at construction makes the
constant a tensor of the backend, with the dtype the program gave.

Only attributes assigned once, in __init__, from a NumPy constructor with an explicit
dtype (NumPy's float64 default would otherwise upcast float32 math on PyTorch), and only
read afterwards (indexed, in arithmetic, .shape / .ndim / .dtype): an array the layer
mutates, iterates in Python (a TensorFlow graph tensor cannot be) or hands to NumPy stays
NumPy.
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_children, ast_walk
from keras_migrate.rules._agnostic import is_keras_class
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part
from keras_migrate.rules._scan import all_nodes, file_ast, names as ast_names
from keras_migrate.rules._util import dotted

__all__ = ["NumpyAttributes"]

_CONSTRUCTORS = frozenset({"array", "asarray", "ones", "zeros", "full", "eye", "identity", "arange", "linspace"})
_DTYPES = frozenset({"float16", "float32", "bfloat16", "int8", "int16", "int32", "int64", "uint8", "bool"})
_READS = frozenset({"shape", "ndim", "dtype"})
_ITERATING = frozenset({"zip", "enumerate", "list", "tuple", "iter", "map", "sorted", "reversed", "sum"})


def _explicit_dtype(call: ast.Call, names) -> bool:
    for keyword in call.keywords:
        if keyword.arg == "dtype":
            value = keyword.value
            if isinstance(value, ast.Constant):
                return value.value in _DTYPES
            qualified = names.qualified(value) or ""
            return qualified.startswith("numpy.") and qualified[len("numpy."):] in _DTYPES
    return False


def _self_attr(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return ""


@per_file
def _constant_attributes(ctx) -> Dict[str, FrozenSet[str]]:
    """Per class name: the attributes to convert."""
    tree, names = file_ast(ctx), ast_names(ctx)
    if tree is None or names is None or "numpy" not in ctx.source and "np." not in ctx.source:
        return {}
    out: Dict[str, FrozenSet[str]] = {}
    outside: Optional[Set[str]] = None  # attribute names read off other objects (model.masks)
    for cls in all_nodes(ctx):
        if not isinstance(cls, ast.ClassDef):
            continue
        candidates: Set[str] = set()
        init = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
        if init is None:
            continue
        for node in ast_walk(init):
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and _self_attr(node.targets[0])
                    and isinstance(node.value, ast.Call)):
                qualified = names.qualified(node.value.func) or ""
                if qualified.startswith("numpy.") and qualified[len("numpy."):] in _CONSTRUCTORS and (
                        _explicit_dtype(node.value, names)):
                    candidates.add(_self_attr(node.targets[0]))
        if not candidates:
            continue
        stores: Dict[str, int] = {}
        bad: Set[str] = set()
        parents = {id(child): parent for parent in ast_walk(cls) for child in ast_children(parent)}
        for node in ast_walk(cls):
            attr = _self_attr(node)
            if attr not in candidates:
                continue
            parent = parents.get(id(node))
            if not isinstance(node.ctx, ast.Load):
                stores[attr] = stores.get(attr, 0) + 1
            elif isinstance(parent, ast.Attribute) and parent.attr not in _READS:
                bad.add(attr)  # a NumPy method (.astype, .tolist, ...)
            elif isinstance(parent, ast.Subscript) and not isinstance(parent.ctx, ast.Load):
                bad.add(attr)  # self.X[i] = ...
            elif isinstance(parent, ast.AugAssign) and parent.target is node:
                bad.add(attr)
            elif isinstance(parent, ast.Call) and node in parent.args and (
                    (names.qualified(parent.func) or "").startswith("numpy.")
                    or isinstance(parent.func, ast.Name) and parent.func.id in _ITERATING):
                bad.add(attr)  # np.where(self.X, ...): NumPy wants arrays; zip(self.X, ...) iterates
            elif isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:
                bad.add(attr)  # Python iteration: a TensorFlow graph tensor cannot be iterated
        keep = {a for a in candidates if stores.get(a) == 1 and a not in bad}
        # The attribute read from outside the class (model.masks): may be NumPy code.
        if not keep:
            continue
        if outside is None:
            outside = {n.attr for n in all_nodes(ctx) if isinstance(n, ast.Attribute) and not _self_attr(n)}
        if keep - outside:
            out[cls.name] = frozenset(keep - outside)
    return out


class NumpyAttributes(Rule):
    id = "KM216"
    name = "numpy_attributes"
    description = ("NumPy constants a Keras layer keeps (np.array(..., dtype=...) in __init__, only read) -> "
                   "keras.ops.convert_to_tensor: PyTorch refuses to mix them with tensors that require grad.")
    part = Part.AGNOSTIC
    TRIGGERS = ("np.", "numpy")
    EXAMPLES = (
        Example(
            before="""
            import numpy as np
            import keras

            class RealNVP(keras.Model):
                def __init__(self, n):
                    super().__init__()
                    self.masks = np.array([[0, 1], [1, 0]] * (n // 2), dtype="float32")
                    self.table = np.zeros((2, 2), dtype=np.float32)
                    self.scale = np.array([1.0, 2.0])

                def call(self, x):
                    for i in range(self.masks.shape[0]):
                        x = x * self.masks[i] + (1 - self.masks[i]) * self.scale
                    self.table[0] = 1.0
                    return x
            """,
            after="""
            import numpy as np
            import keras

            class RealNVP(keras.Model):
                def __init__(self, n):
                    super().__init__()
                    self.masks = keras.ops.convert_to_tensor(np.array([[0, 1], [1, 0]] * (n // 2), dtype="float32"))
                    self.table = np.zeros((2, 2), dtype=np.float32)
                    self.scale = np.array([1.0, 2.0])

                def call(self, x):
                    for i in range(self.masks.shape[0]):
                        x = x * self.masks[i] + (1 - self.masks[i]) * self.scale
                    self.table[0] = 1.0
                    return x
            """,
        ),
        # Not a Keras class; a NumPy method on the attribute; read from outside.
        Example(
            before="""
            import numpy as np
            import keras

            class Plain:
                def __init__(self):
                    self.w = np.ones(3, dtype="float32")

            class Layer(keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.w = np.ones(3, dtype="float32")
                    self.v = np.ones(3, dtype="float32")

                    self.u = np.ones((2, 3), dtype="float32")

                def call(self, x):
                    for row in self.u:
                        x = x + row
                    return x * self.w.sum() + self.v

            print(Layer().v.tolist())
            """,
        ),
    )

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        cls = self.ctx.current_class
        function = self.ctx.current_function
        if cls is None or function is None or function.name.value != "__init__" or len(original.targets) != 1:
            return updated
        target = original.targets[0].target
        if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
                and target.value.value == "self"):
            return updated
        if target.attr.value not in _constant_attributes(self.ctx).get(cls.name.value, ()) or (
                not is_keras_class(self.ctx, cls)):
            return updated
        convert = dotted(f"{self.ctx.require_keras()}.ops.convert_to_tensor")
        return updated.with_changes(value=cst.Call(func=convert, args=[cst.Arg(updated.value)]))
