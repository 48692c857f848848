"""KM206 control_flow: Python if/for/while on tensor values in layer code -> keras.ops control flow.

Keras 2 ran call() through TF autograph, which turned such statements into graph
control flow; Keras 3 traces call() on every backend without autograph. Converted:

- `if t: x = A else: x = B` (and `return A` / `return B`, and an `if` without `else`
  assigning a name defined before) -> `x = keras.ops.cond(t, lambda: A, lambda: B)`;
- `for i in tf.range(a, b): <assignments>` -> a body function + `keras.ops.fori_loop`;
- `while t: <assignments>` -> cond/body functions + `keras.ops.while_loop`.

A statement is tensor-valued when its condition/iterable calls a TF or keras.ops op
(static tests on shapes, flags and Python values stay Python). Converted statements
are recorded in ctx.notes["autograph.converted"] (see the autograph rule, which adds
`@tf.function` for whatever is left and reports the file as tensorflow-only).
"""

from __future__ import annotations

from typing import List, Optional, Sequence

import libcst as cst

from keras_migrate.engine import Example, Part, Rule
from keras_migrate.rules._agnostic import in_keras_class_method
from keras_migrate.rules._args import code

__all__ = ["ControlFlow"]

CONVERTED_NOTE = "autograph.converted"
_STATIC_OPS = frozenset({"shape", "rank", "ndim", "size"})


def _assigned_name(stmt: cst.BaseStatement) -> Optional[str]:
    """`x = ...` / `x += ...` as a single simple statement -> "x"."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value
    if isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
        return small.target.value
    return None


def _single(block) -> Optional[cst.BaseSmallStatement]:
    body = getattr(block, "body", ())
    if len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1:
        return body[0].body[0]
    return None


class ControlFlow(Rule):
    id = "KM206"
    name = "control_flow"
    description = "Turn Python if/for/while on tensor values inside layer methods into keras.ops.cond / fori_loop / while_loop."
    part = Part.AGNOSTIC
    TRIGGERS = ("if ", "for ", "while ")
    EXAMPLES = (
        Example(
            before="""
            import keras

            class Gate(keras.layers.Layer):
                def call(self, x):
                    if keras.ops.mean(x) > 0:
                        y = x * 2.0
                    else:
                        y = x / 2.0
                    while keras.ops.max(y) > 4.0:
                        y = y / 2.0
                    return y
            """,
            after="""
            import keras

            class Gate(keras.layers.Layer):
                def call(self, x):
                    y = keras.ops.cond(keras.ops.mean(x) > 0, lambda: x * 2.0, lambda: x / 2.0)
                    def _loop_cond_1(y):
                        return keras.ops.max(y) > 4.0
                    def _loop_body_1(y):
                        y = y / 2.0
                        return (y,)
                    y, = keras.ops.while_loop(_loop_cond_1, _loop_body_1, (y,))
                    return y
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Acc(keras.layers.Layer):
                def call(self, x, training=None):
                    if training:
                        x = x + 1.0
                    total = keras.ops.zeros_like(x)
                    for i in tf.range(3):
                        total += x * keras.ops.cast(i + 1, x.dtype)
                    return total
            """,
            after="""
            import tensorflow as tf
            import keras

            class Acc(keras.layers.Layer):
                def call(self, x, training=None):
                    if training:
                        x = x + 1.0
                    total = keras.ops.zeros_like(x)
                    def _loop_body_1(i, total):
                        total += x * keras.ops.cast(i + 1, x.dtype)
                        return total
                    total = keras.ops.fori_loop(0, 3, _loop_body_1, total)
                    return total
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._counter = 0

    # -- helpers ---------------------------------------------------------------------
    def _active(self) -> bool:
        return in_keras_class_method(self.ctx) is not None

    def _kind(self, node: cst.CSTNode) -> str:
        """"tensor" when the expression calls a TF / keras.ops op, "static" when its only
        such calls are shape queries (static Python ints in Keras 3), else ""."""
        found = []
        ctx = self.ctx

        class _Finder(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> Optional[bool]:
                qualified = ctx.qualified_name(call.func) or ""
                if not (qualified.startswith("tensorflow.") or qualified.startswith("keras.ops.")):
                    return True
                found.append("static" if qualified.rsplit(".", 1)[-1] in _STATIC_OPS else "tensor")
                return False

        node.visit(_Finder())
        return "tensor" if "tensor" in found else ("static" if found else "")

    def _tensor_valued(self, node: cst.CSTNode, original: cst.CSTNode) -> bool:
        kind = self._kind(node)
        if kind == "static":
            # Plain Python on static shapes in Keras 3: tell the autograph rule it is
            # handled (no @tf.function needed for it).
            self.ctx.notes.setdefault(CONVERTED_NOTE, set()).add(id(original))
        return kind == "tensor"

    def _converted(self, original: cst.CSTNode) -> None:
        self.ctx.notes.setdefault(CONVERTED_NOTE, set()).add(id(original))
        self.fired()

    def _keras(self) -> str:
        return self.ctx.require_keras()

    # -- if ----------------------------------------------------------------------------
    def leave_If(self, original: cst.If, updated: cst.If):
        if not self._active():
            return updated
        if updated.orelse is not None and not isinstance(updated.orelse, cst.Else):
            return updated  # elif chains: left to autograph
        then = _single(updated.body)
        other = _single(updated.orelse.body) if updated.orelse is not None else None
        if not self._tensor_valued(original.test, original) or not isinstance(then, (cst.Return, cst.Assign)):
            return updated
        test = code(updated.test)
        keras = self._keras()
        text = None
        if isinstance(then, cst.Return) and isinstance(other, cst.Return) and then.value and other.value:
            text = f"return {keras}.ops.cond({test}, lambda: {code(then.value)}, lambda: {code(other.value)})"
        elif isinstance(then, cst.Assign) and _assigned_name(updated.body.body[0]):
            name = then.targets[0].target.value
            if other is None:
                text = f"{name} = {keras}.ops.cond({test}, lambda: {code(then.value)}, lambda: {name})"
            elif isinstance(other, cst.Assign) and _assigned_name(updated.orelse.body.body[0]) == name:
                text = f"{name} = {keras}.ops.cond({test}, lambda: {code(then.value)}, lambda: {code(other.value)})"
        if text is None:
            return updated
        self._converted(original)
        return cst.parse_statement(text + "\n").with_changes(leading_lines=updated.leading_lines)

    # -- for i in tf.range(...) --------------------------------------------------------
    def leave_For(self, original: cst.For, updated: cst.For):
        if not self._active() or original.orelse is not None or not isinstance(original.target, cst.Name):
            return updated
        if not isinstance(original.iter, cst.Call):
            return updated
        qualified = self.ctx.qualified_name(original.iter.func) or ""
        if qualified not in ("tensorflow.range", "keras.ops.arange"):
            return updated
        args = updated.iter.args if isinstance(updated.iter, cst.Call) else ()
        if any(a.keyword is not None or a.star for a in args) or not 1 <= len(args) <= 2:
            return updated
        carried = self._carried(updated.body.body)
        if carried is None:
            return updated
        lower, upper = ("0", code(args[0].value)) if len(args) == 1 else (code(args[0].value), code(args[1].value))
        self._counter += 1
        body_name = f"_loop_body_{self._counter}"
        loop_var = original.target.value
        state = ", ".join(carried)
        if len(carried) == 1:
            params, ret, init, target = f"{loop_var}, {carried[0]}", carried[0], carried[0], carried[0]
            prologue = []
        else:
            params, ret, init, target = f"{loop_var}, _carry", f"({state})", f"({state})", state
            prologue = [cst.parse_statement(f"{state} = _carry\n")]
        body_fn = self._function(body_name, params, prologue + list(updated.body.body), ret)
        call = cst.parse_statement(f"{target} = {self._keras()}.ops.fori_loop({lower}, {upper}, {body_name}, {init})\n")
        self._converted(original)
        return cst.FlattenSentinel([body_fn.with_changes(leading_lines=updated.leading_lines), call])

    # -- while -------------------------------------------------------------------------
    def leave_While(self, original: cst.While, updated: cst.While):
        if not self._active() or original.orelse is not None:
            return updated
        if not self._tensor_valued(original.test, original):
            return updated
        carried = self._carried(updated.body.body)
        if carried is None:
            return updated
        self._counter += 1
        cond_name, body_name = f"_loop_cond_{self._counter}", f"_loop_body_{self._counter}"
        params = ", ".join(carried)
        cond_fn = self._function(cond_name, params, [], code(updated.test))
        body_fn = self._function(body_name, params, list(updated.body.body), f"({params},)")
        call = cst.parse_statement(
            f"{params}, = {self._keras()}.ops.while_loop({cond_name}, {body_name}, ({params},))\n")
        self._converted(original)
        return cst.FlattenSentinel([cond_fn.with_changes(leading_lines=updated.leading_lines), body_fn, call])

    # -- shared --------------------------------------------------------------------------
    @staticmethod
    def _carried(body: Sequence[cst.BaseStatement]) -> Optional[List[str]]:
        """Names a loop body assigns, when it consists of simple assignments only."""
        names: List[str] = []
        for stmt in body:
            name = _assigned_name(stmt)
            if name is None:
                return None
            if name not in names:
                names.append(name)
        return names or None

    @staticmethod
    def _function(name: str, params: str, body: List[cst.BaseStatement], returns: str) -> cst.FunctionDef:
        fn = cst.parse_statement(f"def {name}({params}):\n    return {returns}\n")
        return fn.with_changes(body=fn.body.with_changes(body=list(body) + list(fn.body.body)))
