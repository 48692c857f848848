"""KM148 state_building: state created lazily in call() -> a build() that creates it.

Keras 3 locks a layer's state once it is built: sub-layers or weights first created in
call() (`if self.proj is None: self.proj = Dense(...)`, `if not hasattr(self, "w"):
self.w = self.add_weight(...)`) fail. The guarded creation moves into build(input_shape)
(created before call() when missing); `<first call() argument>.shape` becomes
`input_shape`. Creation that reads other call() locals is diagnosed.

Also the guide's own case: a layer without build() whose call() feeds sub-layers made in
__init__ gets a build() that builds them, where the input shape is known exactly (the
sub-layer receives call()'s first argument unchanged, or ignores shapes: Embedding).
"""

from __future__ import annotations

from typing import List, Optional, Set, Tuple

import libcst as cst
import libcst.matchers as m

from keras_migrate.engine import Example, Rule
from keras_migrate.rules.variable_tracking import _is_keras_class

__all__ = ["StateBuilding"]

# Sub-layers whose build() does not depend on the input shape.
_SHAPE_FREE = frozenset({"layers.Embedding"})
_STATE_MAKERS = ("add_weight", "add_variable")


def _guarded_attr(test: cst.BaseExpression) -> Optional[str]:
    """`self.x is None` / `not hasattr(self, "x")` -> "x"."""
    if m.matches(test, m.Comparison(left=m.Attribute(value=m.Name("self")),
                                    comparisons=[m.ComparisonTarget(operator=m.Is() | m.Equal(),
                                                                    comparator=m.Name("None"))])):
        return test.left.attr.value
    if m.matches(test, m.UnaryOperation(operator=m.Not(), expression=m.Call(
            func=m.Name("hasattr"), args=[m.Arg(m.Name("self")), m.Arg(m.SimpleString())]))):
        return test.expression.args[1].value.evaluated_value
    return None


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.loads: Set[str] = set()
        self.shape_of: Set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> Optional[bool]:
        if isinstance(node.value, cst.Name) and node.attr.value == "shape":
            self.shape_of.add(node.value.value)
        else:
            node.value.visit(self)  # not node.attr: an attribute name is no variable
        return False

    def visit_Arg(self, node: cst.Arg) -> Optional[bool]:
        node.value.visit(self)  # not the keyword
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.loads.add(node.value)


class _ShapeToInputShape(cst.CSTTransformer):
    def __init__(self, param: str) -> None:
        super().__init__()
        self.param = param

    def leave_Attribute(self, original, updated):
        if isinstance(updated.value, cst.Name) and updated.value.value == self.param and updated.attr.value == "shape":
            return cst.Name("input_shape")
        return updated


def _is_self_assign(stmt: cst.BaseStatement) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Assign)
            and all(isinstance(t.target, cst.Attribute) and m.matches(t.target.value, m.Name("self"))
                    for t in stmt.body[0].targets))


def _assigned_locals(body: cst.BaseSuite) -> Set[str]:
    found: Set[str] = set()

    class _V(cst.CSTVisitor):
        def visit_AssignTarget(self, node):
            if isinstance(node.target, cst.Name):
                found.add(node.target.value)
            elif isinstance(node.target, (cst.Tuple, cst.List)):
                for e in node.target.elements:
                    if isinstance(e.value, cst.Name):
                        found.add(e.value.value)

        def visit_FunctionDef(self, node):
            return False

    body.visit(_V())
    return found


class StateBuilding(Rule):
    id = "KM148"
    name = "state_building"
    description = "Move sub-layers and weights created lazily in call() into build(), and build sub-layers whose input shape is known."
    TRIGGERS = ("def call",)
    EXAMPLES = (
        Example(
            before="""
            import keras
            from keras import layers

            class LazyHead(layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.units = units
                    self.proj = None

                def call(self, inputs):
                    if self.proj is None:
                        self.proj = layers.Dense(self.units)
                    if not hasattr(self, "bias"):
                        self.bias = self.add_weight(shape=(inputs.shape[-1],), initializer="zeros")
                    return self.proj(inputs + self.bias)
            """,
            after="""
            import keras
            from keras import layers

            class LazyHead(layers.Layer):
                def __init__(self, units):
                    super().__init__()
                    self.units = units
                    self.proj = None

                def build(self, input_shape):
                    self.proj = layers.Dense(self.units)
                    self.bias = self.add_weight(shape=(input_shape[-1],), initializer="zeros")

                def call(self, inputs):
                    return self.proj(inputs + self.bias)
            """,
        ),
        # The guide's example: an Embedding never built before call().
        Example(
            before="""
            import keras
            from keras import layers

            class PositionalEmbedding(layers.Layer):
                def __init__(self, sequence_length, output_dim, **kwargs):
                    super().__init__(**kwargs)
                    self.position_embeddings = layers.Embedding(input_dim=sequence_length, output_dim=output_dim)

                def call(self, inputs):
                    positions = keras.ops.arange(0, keras.ops.shape(inputs)[1], 1)
                    return inputs + self.position_embeddings(positions)
            """,
            after="""
            import keras
            from keras import layers

            class PositionalEmbedding(layers.Layer):
                def __init__(self, sequence_length, output_dim, **kwargs):
                    super().__init__(**kwargs)
                    self.position_embeddings = layers.Embedding(input_dim=sequence_length, output_dim=output_dim)

                def build(self, input_shape):
                    self.position_embeddings.build(input_shape)

                def call(self, inputs):
                    positions = keras.ops.arange(0, keras.ops.shape(inputs)[1], 1)
                    return inputs + self.position_embeddings(positions)
            """,
        ),
        # Creation that depends on other call() locals is diagnosed.
        Example(
            before="""
            from keras import layers

            class Odd(layers.Layer):
                def call(self, inputs):
                    width = inputs.shape[-1] * 2
                    if self.proj is None:
                        self.proj = layers.Dense(width)
                    return self.proj(inputs)
            """,
            diagnostics=("KM148",),
        ),
    )

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        if not isinstance(updated.body, cst.IndentedBlock) or not _is_keras_class(self.ctx, original):
            return updated
        members = list(updated.body.body)
        call_i = build_i = init_i = None
        for i, stmt in enumerate(members):
            if isinstance(stmt, cst.FunctionDef):
                name = stmt.name.value
                if name == "call":
                    call_i = i
                elif name == "build":
                    build_i = i
                elif name == "__init__":
                    init_i = i
        if call_i is None:
            return updated
        call = members[call_i]
        params = [p.name.value for p in call.params.params]
        if len(params) < 2 or params[0] != "self" or not isinstance(call.body, cst.IndentedBlock):
            return updated
        first = params[1]
        locals_ = _assigned_locals(call.body) | set(params[2:]) | {p.name.value for p in call.params.kwonly_params}
        moved: List[cst.BaseStatement] = []
        kept: List[cst.BaseStatement] = []
        for stmt in call.body.body:
            lazy = self._lazy(stmt, first, locals_)
            if lazy is None:
                kept.append(stmt)
                self._report_unguarded(stmt)
            elif isinstance(lazy, str):
                kept.append(stmt)
                self.report(stmt, f"state is created lazily in call() ({lazy}); Keras 3 requires it in "
                                  "__init__() or build()",
                            fix="create it in def build(self, input_shape): (computing what it needs from "
                                "input_shape) and remove the creation from call()")
            else:
                moved.extend(lazy)
        # A new build() would hide one inherited from the file's own base classes.
        library_bases = all(self.ctx.keras_path(b.value) is not None for b in original.bases)
        if moved and build_i is None and not library_bases:
            self.report(original, "state is created lazily in call(); Keras 3 requires it in __init__() or build()",
                        fix="add def build(self, input_shape): that calls super().build(input_shape) and creates "
                            "it, and remove the creation from call()")
            return updated
        build_lines: List[cst.BaseStatement] = []
        if moved:
            members[call_i] = call.with_changes(body=call.body.with_changes(body=kept or [
                cst.SimpleStatementLine([cst.Pass()])]))
            build_lines = moved
        elif build_i is None and init_i is not None and library_bases:
            build_lines = self._sublayer_builds(members[init_i], call, first)
        if not build_lines:
            return updated
        self.fired()
        if build_i is not None:
            build = members[build_i]
            members[build_i] = build.with_changes(body=build.body.with_changes(
                body=list(build.body.body) + build_lines))
        else:
            build = cst.FunctionDef(
                name=cst.Name("build"),
                params=cst.Parameters([cst.Param(cst.Name("self")), cst.Param(cst.Name("input_shape"))]),
                body=cst.IndentedBlock(build_lines),
                leading_lines=members[call_i].leading_lines,
            )
            members.insert(call_i, build)
        return updated.with_changes(body=updated.body.with_changes(body=members))

    def _lazy(self, stmt: cst.BaseStatement, first: str, locals_: Set[str]):
        """Statements to move into build() for a lazy-creation guard, a reason string
        when it cannot move, None when `stmt` is no such guard."""
        if not isinstance(stmt, cst.If) or stmt.orelse is not None:
            return None
        attr = _guarded_attr(stmt.test)
        if attr is None or not isinstance(stmt.body, cst.IndentedBlock):
            return None
        body = list(stmt.body.body)
        if not body or not all(_is_self_assign(s) for s in body):
            return f"self.{attr} is created under a condition with other code"
        names = _Names()
        for s in body:
            s.visit(names)
        bad = sorted(names.loads & (locals_ | {first}))
        if bad:
            return f"self.{attr} is built from call() values {', '.join(bad)}"
        if first in names.shape_of:
            body = [s.visit(_ShapeToInputShape(first)) for s in body]
        return [s.with_changes(leading_lines=()) for s in body]

    def _report_unguarded(self, stmt: cst.BaseStatement) -> None:
        if not _is_self_assign(stmt):
            return
        value = stmt.body[0].value
        if isinstance(value, cst.Call):
            func = value.func
            creates = (isinstance(func, cst.Attribute) and m.matches(func.value, m.Name("self"))
                       and func.attr.value in _STATE_MAKERS)
            path = self.ctx.keras_path(func)
            if creates or (path is not None and path.startswith("layers.")):
                self.report(stmt, "call() creates state on every call; Keras 3 requires it in __init__() or build()",
                            fix="move this assignment into def build(self, input_shape): and keep only its use "
                                "in call()")

    def _sublayer_builds(self, init: cst.FunctionDef, call: cst.FunctionDef, first: str) -> List[cst.BaseStatement]:
        sublayers = {}
        for stmt in init.body.body if isinstance(init.body, cst.IndentedBlock) else ():
            if _is_self_assign(stmt) and len(stmt.body[0].targets) == 1 and isinstance(stmt.body[0].value, cst.Call):
                path = self.ctx.keras_path(stmt.body[0].value.func)
                if path is not None and path.startswith("layers."):
                    sublayers[stmt.body[0].targets[0].target.attr.value] = path
        if not sublayers:
            return []
        reassigned = first in _assigned_locals(call.body)
        order: List[str] = []

        class _Calls(cst.CSTVisitor):
            def visit_Call(self, node: cst.Call) -> None:
                func = node.func
                if isinstance(func, cst.Attribute) and m.matches(func.value, m.Name("self")) \
                        and func.attr.value in sublayers and func.attr.value not in order:
                    name = func.attr.value
                    positional = [a for a in node.args if a.keyword is None]
                    # Exactly one tensor argument: build(input_shape) gets what call() gets
                    # (not e.g. MultiHeadAttention(q, v), whose build takes several shapes).
                    direct = (not reassigned and len(positional) == 1 and not positional[0].star
                              and m.matches(positional[0].value, m.Name(first)))
                    if direct or sublayers[name] in _SHAPE_FREE:
                        order.append(name)

        call.body.visit(_Calls())
        return [cst.parse_statement(f"self.{name}.build(input_shape)\n") for name in order]
