"""KM143 autograph: Python control flow on tensors in call() -> `@tf.function` on call.

Keras 2 ran every layer's call() through TF autograph; Keras 3 does not, so a Python
`if`/`for`/`while` on a tensor value raises OperatorNotAllowedInGraphError once call()
is traced. The guide's fix for the TensorFlow backend is decorating call() with
`@tf.function` (autograph converts the statements back into graph control flow).

Detection is conservative: a condition/iterable is tensor-valued when it calls a TF or
keras.ops op, or computes with a tensor (call()'s inputs or a local derived from
them), ignoring static facts (`.shape`, `.dtype`, `.ndim`, `len(...)`, `is None`) and
the `training`/`mask` flags.

Keras 2's autograph also converted the methods call() calls (`self._gate(x)`): those
reachable from call() are checked the same way (their first argument is a tensor), and
their control flow, too, is kept through `@tf.function` on call().

Agnostic mode: the part-2 control-flow rule may turn these statements into
keras.ops.cond / fori_loop / while_loop. This rule publishes the statements it found in
NodeFacts.tensor_statements (rules/_facts.py; ids of original nodes, filled while
visiting, before the control-flow rule leaves them); that rule records each statement
it converts in NodeFacts.converted. The decision is taken when the class is left (all
methods converted by then): statements left over get `@tf.function` on call(), the
file is reported as TensorFlow-only (also when the source already had the decorator),
and the class is added to NodeFacts.autograph_classes for the tf_function rule.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, walk
from keras_migrate.rules import _scan
from keras_migrate.rules._exprs import NAME, OPERANDS, SUBSCRIPT, expression
from keras_migrate.rules._facts import NodeFacts
from keras_migrate.rules._util import is_tf_function
from keras_migrate.spec._tf_ops import is_tf_plain_python

__all__ = ["AutographControlFlow"]
_REASON = "Python control flow on tensors in call() is kept through @tf.function (TensorFlow autograph)"
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
        # Per Keras class being visited: methods reachable from call(), and their flows.
        self._classes: List[Optional[Tuple[Set[str], Dict[str, _Flow]]]] = []

    # -- tracking -----------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if node.name.value in _scan.keras_layer_classes(self.ctx) and isinstance(node.body, cst.IndentedBlock):
            self._classes.append((_reachable_from_call(node), {}))
        else:
            self._classes.append(None)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        flow = None
        current = self._classes[-1] if self._classes else None
        if current is not None and len(self.ctx.function_stack) == 1 and node.name.value in current[0]:
            flow = _Flow()
            # Tensors: call()'s first argument and arguments without a default (an argument
            # defaulting to a constant, `use_cache=False`, is a Python flag); of a method
            # call() calls, only the first argument (`self._shift(x, mode="left")`).
            params = list(node.params.params) + list(node.params.kwonly_params)
            is_call = node.name.value == "call"
            flow.tensors = {p.name.value for i, p in enumerate(params)
                            if p.name.value not in _FLAGS and (i == 1 or (is_call and p.default is None))}
            current[1][node.name.value] = flow
        self._flows.append(flow)

    def _flow(self) -> Optional[_Flow]:
        # Only statements directly in the method (and its blocks), not nested functions.
        if not self._flows or self._flows[-1] is None:
            return None
        return self._flows[-1]

    def _found(self, flow: _Flow, node: cst.CSTNode) -> None:
        flow.statements.append(node)
        self.ctx.node_facts(NodeFacts).add_tensor_statement(node)

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
            self._found(flow, node)

    def visit_While(self, node: cst.While) -> None:
        flow = self._flow()
        if flow is not None and self._tensorish(node.test, flow):
            self._found(flow, node)

    def visit_For(self, node: cst.For) -> None:
        flow = self._flow()
        if flow is not None and self._tensorish(node.iter, flow):
            self._found(flow, node)
            for name in _target_names(node.target):
                flow.tensors.add(name)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        if self._flows:
            self._flows.pop()
        return updated

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        current = self._classes.pop() if self._classes else None
        if current is None:
            return updated
        converted = self.ctx.node_facts(NodeFacts).converted
        left = [s for flow in current[1].values() for s in flow.statements if id(s) not in converted]
        if not left:
            return updated
        members = list(updated.body.body)
        index = next((i for i, m in enumerate(members) if isinstance(m, cst.FunctionDef) and m.name.value == "call"),
                     None)
        if index is None:
            return updated
        self.ctx.node_facts(NodeFacts).autograph_classes.add(id(original))
        if self.ctx.mode != "tensorflow":
            source = next(m for m in original.body.body if isinstance(m, cst.FunctionDef) and m.name.value == "call")
            self.ctx.keep_on_tensorflow(self.id, source, _REASON)
        call = members[index]
        if any(is_tf_function(self.ctx, d.decorator) for d in call.decorators):
            return updated
        tf_name = self.ctx.names.local_name_for("tensorflow")
        if tf_name is None:
            self.ctx.add_import("tensorflow", asname="tf")
            tf_name = "tf"
        self.fired()
        decorator = cst.Decorator(decorator=cst.parse_expression(f"{tf_name}.function"))
        members[index] = call.with_changes(decorators=list(call.decorators) + [decorator])
        return updated.with_changes(body=updated.body.with_changes(body=members))

    # -- helpers ------------------------------------------------------------------
    def _tensorish(self, node: cst.CSTNode, flow: _Flow) -> bool:
        kind, parts = expression(node)
        if kind is NAME:
            return parts in flow.tensors
        if kind is SUBSCRIPT:
            return self._tensorish(parts, flow)
        if kind is OPERANDS:  # a + b, -a, [a, b]
            return any(self._tensorish(p, flow) for p in parts)
        if isinstance(node, cst.Attribute):
            if node.attr.value in _STATIC_ATTRS:
                return False
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
            operands = [node.left] + [c.comparator for c in node.comparisons]
            if any(isinstance(o, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) for o in operands):
                return False  # `mode == "left"`: tensors are not compared with strings
            return self._tensorish(node.left, flow) or any(self._tensorish(c.comparator, flow)
                                                           for c in node.comparisons)
        if isinstance(node, cst.BooleanOperation):
            return self._tensorish(node.left, flow) or self._tensorish(node.right, flow)
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


def _reachable_from_call(cls: cst.ClassDef) -> Set[str]:
    """call() and the methods of `cls` it calls as `self.<method>(...)`, transitively
    (Keras 2's autograph converted those too)."""
    methods = {m.name.value: m for m in cls.body.body if isinstance(m, cst.FunctionDef)}
    if "call" not in methods:
        return set()
    reached = {"call"}
    pending = ["call"]
    while pending:
        for name in _self_calls(methods[pending.pop()]):
            if name in methods and name not in reached:
                reached.add(name)
                pending.append(name)
    return reached


def _self_calls(function: cst.FunctionDef) -> Set[str]:
    found: Set[str] = set()

    class _V(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self":
                found.add(func.attr.value)

    walk(function.body, _V())
    return found
