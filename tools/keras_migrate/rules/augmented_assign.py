"""KM217 augmented_assign: `x *= y` on tensors in a Keras class rebinds, as on TensorFlow.

TensorFlow tensors and JAX arrays are immutable: `s *= mask` makes a new tensor and binds
`s` to it. PyTorch tensors are changed in place: every other name for the tensor sees the
change, and autograd raises when the old value was needed for a gradient ("one of the
variables needed for gradient computation has been modified by an inplace operation";
keras.io's real_nvp). In the methods of Keras classes (where names hold backend tensors)
an arithmetic augmented assignment to a name becomes `s = s * mask`: the same numbers as
Keras 2 on every backend. Names the method binds to a list, dict, set or string keep
their in-place meaning.
"""

from __future__ import annotations

from typing import Dict, Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._agnostic import is_keras_class
from keras_migrate.rules._keras import Part
from keras_migrate.rules._util import parenthesize

__all__ = ["AugmentedAssign"]

_OPERATORS = {
    cst.AddAssign: cst.Add, cst.SubtractAssign: cst.Subtract, cst.MultiplyAssign: cst.Multiply,
    cst.DivideAssign: cst.Divide, cst.FloorDivideAssign: cst.FloorDivide, cst.ModuloAssign: cst.Modulo,
    cst.PowerAssign: cst.Power, cst.MatrixMultiplyAssign: cst.MatrixMultiply,
}
_CONTAINERS = (cst.List, cst.Dict, cst.Set, cst.SimpleString, cst.ConcatenatedString, cst.FormattedString,
               cst.ListComp, cst.DictComp, cst.SetComp)
_CONTAINER_CALLS = frozenset({"list", "dict", "set", "str", "bytearray", "collections.deque", "deque"})


class _Containers(cst.CSTVisitor):
    """Names a function binds to containers or strings (their += extends in place)."""

    def __init__(self) -> None:
        self.names: Set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        is_container = isinstance(value, _CONTAINERS) or (
            isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in _CONTAINER_CALLS)
        if is_container:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.names.add(target.target.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and isinstance(node.value, _CONTAINERS):
            self.names.add(node.target.value)  # names += [x]: a list


class AugmentedAssign(Rule):
    id = "KM217"
    name = "augmented_assign"
    description = ("In Keras class methods, `x *= y` -> `x = x * y`: PyTorch changes tensors in place (breaking "
                   "autograd and aliases), TensorFlow and JAX rebind.")
    part = Part.AGNOSTIC
    TRIGGERS = ("=",)  # every augmented assignment ("+=", "*=", ...)
    EXAMPLES = (
        Example(
            before="""
            import keras

            class Flow(keras.layers.Layer):
                def call(self, x, mask):
                    s, t = self.coupling(x * mask)
                    s *= 1 - mask
                    t -= x + 1
                    total = 0
                    total += keras.ops.sum(s)
                    seen = []
                    seen += [s]
                    return x * keras.ops.exp(s) + t, total
            """,
            after="""
            import keras

            class Flow(keras.layers.Layer):
                def call(self, x, mask):
                    s, t = self.coupling(x * mask)
                    s = s * (1 - mask)
                    t = t - (x + 1)
                    total = 0
                    total = total + keras.ops.sum(s)
                    seen = []
                    seen += [s]
                    return x * keras.ops.exp(s) + t, total
            """,
        ),
        # Outside Keras classes (NumPy code, plain functions): left alone.
        Example(
            before="""
            import numpy as np

            def normalise(a):
                a /= a.max()
                return a
            """,
        ),
    )

    NODE_KEYED = ("_containers",)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._containers: Dict[int, Set[str]] = {}  # per function, computed at its first +=

    def _container_names(self, function: cst.FunctionDef) -> Set[str]:
        if id(function) not in self._containers:
            visitor = _Containers()
            function.body.visit(visitor)
            self._containers[id(function)] = visitor.names
        return self._containers[id(function)]

    def leave_AugAssign(self, original: cst.AugAssign, updated: cst.AugAssign):
        operator = _OPERATORS.get(type(original.operator))
        cls = self.ctx.current_class
        if (operator is None or not isinstance(original.target, cst.Name) or cls is None
                or not self.ctx.function_stack or not is_keras_class(self.ctx, cls)
                or any(original.target.value in self._container_names(f) for f in self.ctx.function_stack)):
            return updated
        value = updated.value
        if isinstance(value, (cst.BinaryOperation, cst.BooleanOperation, cst.IfExp, cst.Lambda, cst.Comparison,
                              cst.UnaryOperation)):
            value = parenthesize(value)
        return cst.Assign(targets=[cst.AssignTarget(updated.target)],
                          value=cst.BinaryOperation(left=updated.target, operator=operator(), right=value))
