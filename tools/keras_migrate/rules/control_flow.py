"""KM206 control_flow: Python if/for/while on tensor values in layer code -> keras.ops control flow.

Keras 2 ran call() through TF autograph, which turned such statements into graph
control flow; Keras 3 traces call() on every backend without autograph. Converted:

- `if t: x = A else: x = B` (and `return A` / `return B`, and an `if` without `else`
  assigning a name defined before) -> `x = keras.ops.cond(t, lambda: A, lambda: B)`;
- if/elif/else chains whose branches only assign names (several statements, several
  names) -> one function per branch taking and returning the names, and nested
  `keras.ops.cond` calls; all-`return` chains -> nested conds in one return;
- an early `if t: return A` followed by plain statements ending in `return B` ->
  `return keras.ops.cond(t, lambda: A, lambda: <the rest as a function>)`;
- `for i in tf.range(a, b): <assignments>` -> a body function + `keras.ops.fori_loop`;
- `while t: <assignments>` -> cond/body functions + `keras.ops.while_loop`;
- `tf.cond(<a variable>, ...)`: the predicate becomes `<variable>.value` (Keras 3's cond
  refuses a variable object on every backend; Keras 2 took tf.Variables).

A statement is tensor-valued when its condition/iterable calls a TF or keras.ops op, or
when the autograph rule's data flow found it tensor-dependent (NodeFacts.tensor_statements
in rules/_facts.py: `s = tf.reduce_sum(x); if s > 0:`); static tests on shapes, flags
and Python values stay Python. Converted statements are recorded in NodeFacts.converted
(see the autograph rule, which adds `@tf.function` for whatever is left and reports the
file as tensorflow-only).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, walk
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import in_keras_class_method
from keras_migrate.rules._facts import NodeFacts
from keras_migrate.rules._util import assigned_name, code
from keras_migrate.rules._variables import known_variable

__all__ = ["ControlFlow"]

_CONDS = frozenset({"tensorflow.cond", "tensorflow.compat.v1.cond", "tensorflow.compat.v2.cond"})
_WHILES = frozenset({"tensorflow.while_loop", "tensorflow.compat.v1.while_loop", "tensorflow.compat.v2.while_loop"})
_WHILE_REASON = ("a while loop over a layer's weights is trained through: JAX cannot differentiate while loops "
                 "(lax.while_loop), Keras 2 trained through tf.while_loop")
_STATIC_OPS = frozenset({"shape", "rank", "ndim", "size"})


def _chain(original: cst.If, updated: cst.If):
    """[(original If, updated test, updated body)] of an if/elif chain, and the else body."""
    chain = []
    node, new = original, updated
    while True:
        chain.append((node, new.test, new.body))
        if isinstance(new.orelse, cst.If):
            node, new = node.orelse, new.orelse
            continue
        return chain, (new.orelse.body if isinstance(new.orelse, cst.Else) else None)


def _single_return(block) -> Optional[cst.BaseExpression]:
    small = _single(block)
    return small.value if isinstance(small, cst.Return) and small.value is not None else None


def _bound_names(statements) -> List[str]:
    """Names the statements assign (in order), where a nested function would make them local."""
    names: List[str] = []

    class _V(cst.CSTVisitor):
        def visit_AssignTarget(self, node):
            for name in _target_names(node.target):
                if name not in names:
                    names.append(name)

        def visit_AugAssign(self, node):
            for name in _target_names(node.target):
                if name not in names:
                    names.append(name)

        def visit_Lambda(self, node):
            return False

    for stmt in statements:
        walk(stmt, _V())
    return names


def _target_names(target) -> List[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    return []


def _defined_before(function: cst.FunctionDef, stop: cst.CSTNode) -> Set[str]:
    """Parameters of `function` and names it binds before reaching `stop` (an original
    node of its body), in source order."""
    params = function.params
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)

    class _V(cst.CSTVisitor):
        done = False

        def on_visit(self, node):
            if self.done or node is stop:
                self.done = True
                return False
            if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)) and node is not function:
                return False
            if isinstance(node, cst.AssignTarget):
                names.update(_target_names(node.target))
            elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
                names.update(_target_names(node.target))
            elif isinstance(node, cst.For):
                names.update(_target_names(node.target))
            return True

    function.body.visit(_V())
    return names


def _mentions_weights(ctx, node: cst.CSTNode, tainted: Set[str]) -> bool:
    """Whether `node` reads a variable of the layer (`self.w`), calls something of the
    layer (`self.dense(x)`, `self._helper(x)`: weights may be inside), or reads a name of
    `tainted`."""
    found = []

    class _V(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            func = call.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self":
                found.append(call)

        def visit_Attribute(self, attribute: cst.Attribute) -> None:
            if known_variable(ctx, attribute) is not None:
                found.append(attribute)

        def visit_Name(self, name: cst.Name) -> None:
            if name.value in tainted:
                found.append(name)

    walk(node, _V())
    return bool(found)


def _weight_dependent(ctx, function: cst.FunctionDef, stop: cst.CSTNode, carried, body) -> bool:
    """Whether a loop's carried values (or its body) depend on the layer's weights, from
    the assignments before the loop (original nodes, in source order)."""
    tainted: Set[str] = set()

    class _V(cst.CSTVisitor):
        done = False

        def on_visit(self, node):
            if self.done or node is stop:
                self.done = True
                return False
            if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)) and node is not function:
                return False
            if isinstance(node, cst.Assign) and _mentions_weights(ctx, node.value, tainted):
                for target in node.targets:
                    tainted.update(_target_names(target.target))
            elif isinstance(node, cst.AugAssign) and _mentions_weights(ctx, node.value, tainted):
                tainted.update(_target_names(node.target))
            return True

    function.body.visit(_V())
    return any(name in tainted for name in carried) or _mentions_weights(ctx, body, set())


def _single(block) -> Optional[cst.BaseSmallStatement]:
    body = getattr(block, "body", ())
    if len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1:
        return body[0].body[0]
    return None


class ControlFlow(Rule):
    id = "KM206"
    NODE_KEYED = ('_early_returns', '_elifs')
    name = "control_flow"
    description = "Turn Python if/for/while on tensor values inside layer methods into keras.ops.cond / fori_loop / while_loop."
    part = Part.AGNOSTIC
    TRIGGERS = ("if ", "for ", "while ", "cond(")
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
            # JAX cannot differentiate while loops: said where gradients may flow.
            diagnostics=("KM206",),
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
        self._elifs: Set[int] = set()  # original `elif` If nodes (converted with their chain)
        # updated `if t: return A` statements (no else) -> their original node
        self._early_returns: Dict[int, cst.If] = {}

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

        walk(node, _Finder())
        return "tensor" if "tensor" in found else ("static" if found else "")

    def _tensor_valued(self, node: cst.CSTNode, original: cst.CSTNode) -> bool:
        facts = self.ctx.node_facts(NodeFacts)
        if facts.tensor_statements is not None and id(original) in facts.tensor_statements:
            return True
        kind = self._kind(node)
        if kind == "static":
            # Plain Python on static shapes in Keras 3: tell the autograph rule it is
            # handled (no @tf.function needed for it).
            facts.converted.add(id(original))
        return kind == "tensor"

    def _converted(self, original: cst.CSTNode) -> None:
        self.ctx.node_facts(NodeFacts).converted.add(id(original))
        self.fired()

    def _keras(self) -> str:
        return self.ctx.require_keras()

    # -- if ----------------------------------------------------------------------------
    def visit_If(self, node: cst.If) -> None:
        if isinstance(node.orelse, cst.If):
            self._elifs.add(id(node.orelse))

    def leave_If(self, original: cst.If, updated: cst.If):
        if id(original) in self._elifs or not self._active():
            return updated  # an elif is converted with the whole chain, at its first `if`
        chain, other = _chain(original, updated)
        if not all(self._tensor_valued(test, node) for node, test, _ in chain):
            return updated
        if other is None and len(chain) == 1 and _single_return(chain[0][2]) is not None:
            self._early_returns[id(original)] = original  # its block may complete it (leave_FunctionDef)
            return updated
        text = self._simple_cond(chain, other) or self._return_chain(chain, other)
        if text is not None:
            for node, _, _ in chain:
                self._converted(node)
            return cst.parse_statement(text + "\n").with_changes(leading_lines=updated.leading_lines)
        statements = self._branch_chain(original, chain, other)
        if statements is None:
            return updated
        for node, _, _ in chain:
            self._converted(node)
        statements[0] = statements[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(statements)

    def _simple_cond(self, chain, other) -> Optional[str]:
        """`if t: x = A [else: x = B]` -> `x = cond(t, lambda: A, lambda: B or x)`."""
        if len(chain) != 1:
            return None
        _, test, body = chain[0]
        then = _single(body)
        alternative = _single(other) if other is not None else None
        keras = self._keras()
        if isinstance(then, cst.Assign) and assigned_name(body.body[0]):
            name = then.targets[0].target.value
            if other is None:
                if name not in _defined_before(self.ctx.function_stack[-1], chain[0][0]):
                    return None  # `lambda: name` would read a name bound nowhere yet
                return f"{name} = {keras}.ops.cond({code(test)}, lambda: {code(then.value)}, lambda: {name})"
            if isinstance(alternative, cst.Assign) and assigned_name(other.body[0]) == name:
                return (f"{name} = {keras}.ops.cond({code(test)}, lambda: {code(then.value)}, "
                        f"lambda: {code(alternative.value)})")
        return None

    def _return_chain(self, chain, other) -> Optional[str]:
        """Every branch a single `return value` (and an else): nested conds in one return."""
        if other is None:
            return None
        values = [_single_return(body) for _, _, body in chain] + [_single_return(other)]
        if any(v is None for v in values):
            return None
        expression = code(values[-1])
        keras = self._keras()
        for (_, test, _), value in reversed(list(zip(chain, values))):
            expression = f"{keras}.ops.cond({code(test)}, lambda: {code(value)}, lambda: {expression})"
        return f"return {expression}"

    def _branch_chain(self, original: cst.If, chain, other) -> Optional[List[cst.BaseStatement]]:
        """Branches of name assignments only -> one function per branch and nested conds."""
        bodies = [body for _, _, body in chain] + ([other] if other is not None else [])
        assigned = []
        for body in bodies:
            names = self._carried(body.body)
            if names is None:
                return None
            assigned.append(names)
        carried = []
        for names in assigned:
            carried.extend(n for n in names if n not in carried)
        defined = _defined_before(self.ctx.function_stack[-1], original)
        params = [n for n in carried if n in defined]
        # A name first bound here must be bound on every path, as Python (and autograph) need.
        if any(n not in defined and (other is None or any(n not in names for names in assigned)) for n in carried):
            return None
        packed = carried[0] if len(carried) == 1 else f"({', '.join(carried)})"
        args = ", ".join(params)
        functions, calls = [], []
        for body in bodies:
            self._counter += 1
            name = f"_if_branch_{self._counter}"
            functions.append(self._function(name, args, list(body.body), packed))
            calls.append(f"{name}({args})")
        keras = self._keras()
        expression = calls[-1] if other is not None else packed
        tests = [test for _, test, _ in chain]
        for test, call in reversed(list(zip(tests, calls))):
            expression = f"{keras}.ops.cond({code(test)}, lambda: {call}, lambda: {expression})"
        target = carried[0] if len(carried) == 1 else ", ".join(carried)
        return functions + [cst.parse_statement(f"{target} = {expression}\n")]

    # -- if t: return A  ...  return B ---------------------------------------------------
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        if not self._early_returns or not isinstance(updated.body, cst.IndentedBlock):
            return updated
        body = list(updated.body.body)
        for index, stmt in enumerate(body):
            source = self._early_returns.pop(id(self.ctx.original_of(stmt)), None)
            if source is None:
                continue
            rest = body[index + 1:]
            replacement = self._early_return(original, source, stmt, rest)
            if replacement is not None:
                self._converted(source)
                body = body[:index] + replacement
                return updated.with_changes(body=updated.body.with_changes(body=body))
        return updated

    def _early_return(self, function, source: cst.If, stmt: cst.If, rest) -> Optional[List[cst.BaseStatement]]:
        """`if t: return A` + plain statements ending in `return B` -> one return of a cond."""
        if not rest or not all(isinstance(s, cst.SimpleStatementLine) for s in rest):
            return None
        last = rest[-1].body[-1] if len(rest[-1].body) else None
        if not isinstance(last, cst.Return) or last.value is None:
            return None
        if any(isinstance(small, cst.Return) for s in rest[:-1] for small in s.body):
            return None
        keras = self._keras()
        then = code(_single_return(stmt.body))
        test = code(stmt.test)
        if len(rest) == 1 and len(rest[0].body) == 1:
            line = f"return {keras}.ops.cond({test}, lambda: {then}, lambda: {code(last.value)})"
            return [cst.parse_statement(line + "\n").with_changes(leading_lines=stmt.leading_lines)]
        names = _bound_names(rest)
        defined = _defined_before(function, source)
        params = ", ".join(n for n in names if n in defined)
        self._counter += 1
        name = f"_if_rest_{self._counter}"
        helper = cst.parse_statement(f"def {name}({params}):\n    pass\n")
        helper = helper.with_changes(body=helper.body.with_changes(body=[s.with_changes(leading_lines=())
                                                                         for s in rest]),
                                     leading_lines=stmt.leading_lines)
        line = f"return {keras}.ops.cond({test}, lambda: {then}, lambda: {name}({params}))"
        return [helper, cst.parse_statement(line + "\n")]

    # -- tf.cond(<variable>, ...) -----------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self._active() and (self.ctx.qualified_name(original.func) in _WHILES
                               or self.ctx.keras_path(original.func) == "ops.while_loop"):
            # The condition carries no gradient: only the body and the loop values count.
            carried = [a.value for i, a in enumerate(original.args)
                       if (a.keyword is None and i in (1, 2)) or (a.keyword is not None
                                                                  and a.keyword.value in ("body", "loop_vars"))]
            self._while_on_jax(original, any(_mentions_weights(self.ctx, node, set()) for node in carried))
            return updated
        first = updated.args[0] if updated.args else None
        if first is None or (first.keyword is not None and first.keyword.value != "pred"):
            return updated
        if self.ctx.qualified_name(original.func) not in _CONDS and self.ctx.keras_path(original.func) != "ops.cond":
            return updated
        pred = updated.args[0]
        if known_variable(self.ctx, original.args[0].value) is None:
            return updated
        self.fired()
        value = cst.Attribute(value=pred.value, attr=cst.Name("value"))
        return updated.with_changes(args=[pred.with_changes(value=value), *updated.args[1:]])

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
        weights = _weight_dependent(self.ctx, self.ctx.function_stack[-1], original, carried, original.body)
        self._while_on_jax(original, weights)
        return cst.FlattenSentinel([cond_fn.with_changes(leading_lines=updated.leading_lines), body_fn, call])

    def _while_on_jax(self, node: cst.CSTNode, weights: bool) -> None:
        """JAX cannot differentiate lax.while_loop (Keras 3's while_loop on JAX); Keras 2
        trained through tf.while_loop. A loop over the layer's own weights is trained
        through: TensorFlow only. Otherwise gradients flow only if the layer's inputs
        depend on weights (layers before it): said, not decided."""
        if weights:
            self.ctx.keep_on_tensorflow(self.id, node, _WHILE_REASON)
            return
        self.report(node, "on JAX, keras.ops.while_loop cannot be differentiated: training fails if this loop's "
                          "values depend on weights (e.g. outputs of earlier layers)",
                    "if gradients flow through this loop, train on TensorFlow or PyTorch, or rewrite it as "
                    "keras.ops.fori_loop with Python-int bounds (a fixed number of steps)", backends=("jax",))

    # -- shared --------------------------------------------------------------------------
    @staticmethod
    def _carried(body: Sequence[cst.BaseStatement]) -> Optional[List[str]]:
        """Names a loop body assigns, when it consists of simple assignments only."""
        names: List[str] = []
        for stmt in body:
            name = assigned_name(stmt)
            if name is None:
                return None
            if name not in names:
                names.append(name)
        return names or None

    @staticmethod
    def _function(name: str, params: str, body: List[cst.BaseStatement], returns: str) -> cst.FunctionDef:
        fn = cst.parse_statement(f"def {name}({params}):\n    return {returns}\n")
        return fn.with_changes(body=fn.body.with_changes(body=list(body) + list(fn.body.body)))
