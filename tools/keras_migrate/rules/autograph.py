"""KM143 autograph: Python control flow on tensors in call() -> `@tf.function` on call.

Keras 2 ran every layer's call() through TF autograph; Keras 3 does not, so a Python
`if`/`for`/`while` on a tensor value raises OperatorNotAllowedInGraphError once call()
is traced. The guide's fix for the TensorFlow backend is decorating call() with
`@tf.function` (autograph converts the statements back into graph control flow).

Detection is conservative: a condition/iterable is tensor-valued when it calls a TF or
keras.ops op, or computes with a tensor (call()'s inputs or a local derived from
them), ignoring static facts (`.shape`, `.dtype`, `.ndim`, `len(...)`, `is None`) and
the `training`/`mask` flags.

Agnostic mode: the part-2 control-flow rule may turn these statements into
keras.ops.cond / fori_loop / while_loop. It records each statement it converts by
adding id(original statement node) to `ctx.notes["autograph.converted"]` (a set) in
its leave_If/leave_For/leave_While; statements left over still get `@tf.function`, and
the file is then reported as TensorFlow-only.
"""

from __future__ import annotations

from typing import List, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.spec._tf_ops import is_tf_plain_python

__all__ = ["AutographControlFlow", "CONVERTED_NOTE"]

CONVERTED_NOTE = "autograph.converted"
_STATIC_ATTRS = frozenset({"shape", "dtype", "ndim", "rank", "name", "built", "trainable"})
_FLAGS = frozenset({"self", "training", "mask"})


class _Flow:
    """Tensor-dependent control-flow statements of one call() (original nodes)."""

    def __init__(self) -> None:
        self.tensors: Set[str] = set()
        self.statements: List[cst.CSTNode] = []


class AutographControlFlow(Rule):
    id = "KM143"
    name = "autograph"
    description = "Decorate call() with @tf.function when it uses Python if/for/while on tensor values (Keras 3 has no autograph)."
    TRIGGERS = ("def call",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            class MyCustomLayer(keras.layers.Layer):
                def call(self, inputs):
                    if tf.random.uniform(()) > 0.5:
                        return inputs * 2
                    else:
                        return inputs / 2
            """,
            after="""
            import tensorflow as tf
            import keras

            class MyCustomLayer(keras.layers.Layer):
                @tf.function
                def call(self, inputs):
                    if tf.random.uniform(()) > 0.5:
                        return inputs * 2
                    else:
                        return inputs / 2
            """,
            mode="tensorflow",
        ),
        # Static shape checks and flags are plain Python: nothing to do.
        Example(
            before="""
            import keras

            class Pad(keras.layers.Layer):
                def call(self, x, training=None, mask=None, double=False):
                    if double:
                        x = x * 2
                    if training and mask is not None:
                        x = x * mask
                    for _ in range(len(x.shape) - 2):
                        x = keras.ops.expand_dims(x, -1)
                    return x
            """,
            mode="tensorflow",
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._flows: List[Optional[_Flow]] = []

    # -- tracking -----------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        flow = None
        if node.name.value == "call" and len(self.ctx.class_stack) and len(self.ctx.function_stack) == 1 \
                and self.ctx.class_stack[-1].name.value in _scan.keras_layer_classes(self.ctx):
            flow = _Flow()
            # Tensors: the first argument and arguments without a default; an argument
            # defaulting to a constant (`use_cache=False`) is a Python flag.
            params = list(node.params.params) + list(node.params.kwonly_params)
            flow.tensors = {p.name.value for i, p in enumerate(params)
                            if p.name.value not in _FLAGS and (i == 1 or p.default is None)}
        self._flows.append(flow)

    def _flow(self) -> Optional[_Flow]:
        # Only statements directly in call() (and its blocks), not nested functions.
        if not self._flows or self._flows[-1] is None:
            return None
        return self._flows[-1]

    def visit_Assign(self, node: cst.Assign) -> None:
        flow = self._flow()
        if flow is not None and self._tensorish(node.value, flow):
            for target in node.targets:
                for name in _target_names(target.target):
                    flow.tensors.add(name)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        flow = self._flow()
        if flow is not None and isinstance(node.target, cst.Name) and self._tensorish(node.value, flow):
            flow.tensors.add(node.target.value)

    def visit_If(self, node: cst.If) -> None:
        flow = self._flow()
        if flow is not None and self._tensorish(node.test, flow):
            flow.statements.append(node)

    def visit_While(self, node: cst.While) -> None:
        flow = self._flow()
        if flow is not None and self._tensorish(node.test, flow):
            flow.statements.append(node)

    def visit_For(self, node: cst.For) -> None:
        flow = self._flow()
        if flow is not None and self._tensorish(node.iter, flow):
            flow.statements.append(node)
            for name in _target_names(node.target):
                flow.tensors.add(name)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        flow = self._flows.pop() if self._flows else None
        if flow is None or not flow.statements:
            return updated
        if any(self._is_tf_function(d.decorator) for d in original.decorators):
            return updated
        converted = self.ctx.notes.get(CONVERTED_NOTE, set())
        left = [s for s in flow.statements if id(s) not in converted]
        if not left:
            return updated
        tf_name = self.ctx.names.local_name_for("tensorflow")
        if tf_name is None:
            self.ctx.add_import("tensorflow", asname="tf")
            tf_name = "tf"
        if self.ctx.options.mode != "tensorflow":
            self.ctx.keep_on_tensorflow(self.id, original, "Python control flow on tensors in call() is kept "
                                                            "through @tf.function (TensorFlow autograph)")
        self.fired()
        decorator = cst.Decorator(decorator=cst.parse_expression(f"{tf_name}.function"))
        return updated.with_changes(decorators=list(updated.decorators) + [decorator])

    # -- helpers ------------------------------------------------------------------
    def _is_tf_function(self, node: cst.BaseExpression) -> bool:
        target = node.func if isinstance(node, cst.Call) else node
        return self.ctx.qualified_name(target) == "tensorflow.function"

    def _tensorish(self, node: cst.CSTNode, flow: _Flow) -> bool:
        if isinstance(node, cst.Name):
            return node.value in flow.tensors
        if isinstance(node, cst.Attribute):
            if node.attr.value in _STATIC_ATTRS:
                return False
            return self._tensorish(node.value, flow)
        if isinstance(node, cst.Subscript):
            return self._tensorish(node.value, flow)
        if isinstance(node, cst.Call):
            func = node.func
            qualified = self.ctx.qualified_name(func)
            if qualified is not None:
                path = self.ctx.keras_path(func)
                if is_tf_plain_python(qualified):
                    return False  # tf.__version__.startswith("2"), tf.config...: Python values
                if qualified.startswith("tensorflow.") and path is None:
                    return not qualified.startswith(("tensorflow.shape", "tensorflow.rank", "tensorflow.size")) \
                        or any(self._tensorish(a.value, flow) for a in node.args)
                if path is not None and (path.startswith("ops.") or path.startswith("backend.")):
                    return path not in ("ops.shape", "backend.int_shape", "backend.ndim") or False
                return False
            if isinstance(func, cst.Name) and func.value in ("len", "isinstance", "range", "hasattr", "getattr",
                                                               "int", "float", "bool", "str", "list", "tuple"):
                if func.value == "range":
                    return any(self._tensorish(a.value, flow) for a in node.args)
                return False
            if isinstance(func, cst.Attribute) and func.attr.value in ("numpy", "item"):
                return False
            return any(self._tensorish(a.value, flow) for a in node.args) or (
                isinstance(func, cst.Attribute) and self._tensorish(func.value, flow))
        if isinstance(node, cst.Comparison):
            if any(isinstance(c.operator, (cst.Is, cst.IsNot, cst.In, cst.NotIn)) for c in node.comparisons):
                return False
            return self._tensorish(node.left, flow) or any(self._tensorish(c.comparator, flow)
                                                           for c in node.comparisons)
        if isinstance(node, cst.BinaryOperation):
            return self._tensorish(node.left, flow) or self._tensorish(node.right, flow)
        if isinstance(node, cst.BooleanOperation):
            return self._tensorish(node.left, flow) or self._tensorish(node.right, flow)
        if isinstance(node, cst.UnaryOperation):
            return self._tensorish(node.expression, flow)
        if isinstance(node, (cst.Tuple, cst.List)):
            return any(self._tensorish(e.value, flow) for e in node.elements)
        return False


def _target_names(target: cst.BaseExpression) -> List[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        out: List[str] = []
        for element in target.elements:
            out.extend(_target_names(element.value))
        return out
    return []
