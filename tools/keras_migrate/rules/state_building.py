"""KM148 state_building: state created lazily in call() -> a build() that creates it.

Keras 3 locks a layer's state once it is built: sub-layers or weights first created in
call() (`if self.proj is None: self.proj = Dense(...)`, `if not hasattr(self, "w"):
self.w = self.add_weight(...)`) fail. The guarded creation moves into build(input_shape)
(created before call() when missing); `<first call() argument>.shape` becomes
`input_shape`. Creation that reads other call() locals is diagnosed.

Also the guide's own case: a layer without build() whose call() feeds sub-layers made in
__init__ gets a build() that builds them, where the input shape is known exactly (the
sub-layer receives call()'s first argument unchanged, or ignores shapes: Embedding).

Subclassed models built explicitly (`model.build((None, 4))`, `self.build(...)` in the
class): Keras 2's Model.build(input_shape) ran call() on placeholders, so every weight
(sub-layers', lazily created ones') existed before the first call, ready for
set_weights() / load_weights() / summary(). Keras 3's default build() creates nothing
(and set_weights() then fails: "expecting 0 weights"). Such a model's build() (added, or
the file's own through `super().build(input_shape)`) ends with
keras_migrate_runtime.build_by_calling(self, input_shape), which does what Keras 2 did.
A call() that needs more than its inputs (and `training`) is diagnosed: Keras 2 refused
to build it from a shape too.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk, iter_nodes, walk
from keras_migrate.rules import _scan
from keras_migrate.rules._agnostic import is_keras_class
from keras_migrate.rules._facts import per_file

__all__ = ["StateBuilding"]

# Sub-layers whose build() does not depend on the input shape.
_SHAPE_FREE = frozenset({"layers.Embedding"})
_STATE_MAKERS = ("add_weight", "add_variable")
_MODEL_BASES = frozenset({"Model", "models.Model"})
_TRACE = "build_by_calling"


def _guarded_attr(test: cst.BaseExpression) -> Optional[str]:
    """`self.x is None` / `not hasattr(self, "x")` -> "x"."""
    # Plain isinstance checks: importing libcst.matchers alone costs a second.
    if (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and _is_self_attr(test.left)
            and isinstance(test.comparisons[0].operator, (cst.Is, cst.Equal))
            and _is_name(test.comparisons[0].comparator, "None")):
        return test.left.attr.value
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        call = test.expression
        if (isinstance(call, cst.Call) and _is_name(call.func, "hasattr") and len(call.args) == 2
                and _is_name(call.args[0].value, "self") and isinstance(call.args[1].value, cst.SimpleString)):
            return call.args[1].value.evaluated_value
    return None


def _is_name(node, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


def _is_self_attr(node) -> bool:
    return isinstance(node, cst.Attribute) and _is_name(node.value, "self")


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.loads: Set[str] = set()
        self.shape_of: Set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> Optional[bool]:
        if isinstance(node.value, cst.Name) and node.attr.value == "shape":
            self.shape_of.add(node.value.value)
        else:
            walk(node.value, self)  # not node.attr: an attribute name is no variable
        return False

    def visit_Arg(self, node: cst.Arg) -> Optional[bool]:
        walk(node.value, self)  # not the keyword
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
            and all(_is_self_attr(t.target)
                    for t in stmt.body[0].targets))


def _assigns_self_attr(body: cst.BaseSuite, attr: str) -> bool:
    """Does `body` assign self.<attr> (anywhere in it, tuple targets included)?"""
    for node in iter_nodes(body):
        if (isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign))
                and any(_is_self_attr(t) and t.attr.value == attr for t in iter_nodes(node.target))):
            return True
    return False


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

    walk(body, _V())
    return found


class StateBuilding(Rule):
    id = "KM148"
    name = "state_building"
    description = "Move sub-layers and weights created lazily in call() into build(), and build sub-layers whose input shape is known."
    TRIGGERS = ("def call",)
    EXAMPLES = (
        # A model whose later layers take earlier layers' outputs: a build() making only
        # the first would leave the others unbuilt when a .keras file is reloaded (their
        # saved weights lost, silently); Keras 3's own build runs call() and makes all.
        Example(
            before="""
            from tensorflow import keras

            class Regressor(keras.models.Model):
                def __init__(self, output_dim, **kwargs):
                    super().__init__(**kwargs)
                    self.hidden1 = keras.layers.Dense(30, activation="elu")
                    self.out = keras.layers.Dense(output_dim)

                def call(self, inputs):
                    return self.out(self.hidden1(inputs))
            """,
        ),
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
        # A subclassed model built from a shape: Keras 2 ran call() to create every weight.
        Example(
            before="""
            import keras

            class Net(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.hidden = keras.layers.Dense(8, activation="relu")
                    self.out = keras.layers.Dense(1)

                def call(self, x):
                    return self.out(self.hidden(x))

            model = Net()
            model.build((None, 4))
            model.set_weights(weights)
            """,
            after="""
            import keras
            from keras_migrate_runtime import build_by_calling

            class Net(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.hidden = keras.layers.Dense(8, activation="relu")
                    self.out = keras.layers.Dense(1)

                def build(self, input_shape):
                    build_by_calling(self, input_shape)

                def call(self, x):
                    return self.out(self.hidden(x))

            model = Net()
            model.build((None, 4))
            model.set_weights(weights)
            """,
        ),
        # keras-attention: build() makes the sub-layers and compute_output_shape is declared,
        # so Keras 3 never runs call() on placeholders, which built them in Keras 2.
        Example(
            before="""
            from tensorflow.keras.layers import Dense, Layer

            class Attention(Layer):
                def build(self, input_shape):
                    with K.name_scope(self.name):
                        self.score = Dense(input_shape[-1], use_bias=False)
                    super().build(input_shape)

                def compute_output_shape(self, input_shape):
                    return input_shape[0], input_shape[-1]

                def call(self, inputs, training=None):
                    return self.score(inputs[:, -1, :])
            """,
            after="""
            from tensorflow.keras.layers import Dense, Layer
            from keras_migrate_runtime import build_by_calling

            class Attention(Layer):
                def build(self, input_shape):
                    with K.name_scope(self.name):
                        self.score = Dense(input_shape[-1], use_bias=False)
                    super().build(input_shape)
                    build_by_calling(self, input_shape)

                def compute_output_shape(self, input_shape):
                    return input_shape[0], input_shape[-1]

                def call(self, inputs, training=None):
                    return self.score(inputs[:, -1, :])
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
        # TensorFlow's time-series tutorial: the guard reads an attribute set in __init__
        # and creates nothing (nor does a hasattr() check that only branches).
        Example(
            before="""
            from keras import layers

            class Baseline(layers.Layer):
                def __init__(self, label_index=None):
                    super().__init__()
                    self.label_index = label_index

                def call(self, inputs):
                    if self.label_index is None:
                        return inputs
                    if not hasattr(self, "scale"):
                        inputs = inputs * 2.0
                    return inputs[:, :, self.label_index]
            """,
        ),
    )

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        if not isinstance(updated.body, cst.IndentedBlock) or not is_keras_class(self.ctx, original, layer=True):
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
        has_guard = any(isinstance(stmt, cst.If) and _guarded_attr(stmt.test) is not None for stmt in call.body.body)
        locals_: Set[str] = set()
        if has_guard:  # the CST walk over call() is paid only where a lazy guard exists
            locals_ = _assigned_locals(call.body) | set(params[2:]) | {p.name.value for p in call.params.kwonly_params}
        moved: List[cst.BaseStatement] = []
        kept: List[cst.BaseStatement] = []
        for stmt, anchor in zip(call.body.body, _original_statements(original, call_i, call)):
            lazy = self._lazy(stmt, first, locals_) if has_guard else None
            if lazy is None:
                kept.append(stmt)
                self._report_unguarded(stmt, anchor)
            elif isinstance(lazy, str):
                kept.append(stmt)
                self.report(anchor, f"state is created lazily in call() ({lazy}); Keras 3 requires it in "
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
        traced = self._traced_model(original, call, members[build_i] if build_i is not None else None)
        if not traced and build_i is not None and not moved and self._untraced_sublayers(members, call, build_i):
            build = members[build_i]
            shape = build.params.params[1].name.value
            self.fired()
            members[build_i] = build.with_changes(body=build.body.with_changes(
                body=list(build.body.body) + [self._trace_line(shape)]))
            return updated.with_changes(body=updated.body.with_changes(body=members))
        if moved:
            members[call_i] = call.with_changes(body=call.body.with_changes(body=kept or [
                cst.SimpleStatementLine([cst.Pass()])]))
            build_lines = moved
        elif build_i is None and init_i is not None and library_bases and not traced:
            build_lines = self._sublayer_builds(original.name.value)
        if traced and build_i is not None:
            # The file's build() reaches Keras 2's Model.build through super(): trace there,
            # after what call() used to create lazily.
            members[build_i] = self._trace_in_super_build(members[build_i], build_lines)
            self.fired()
            return updated.with_changes(body=updated.body.with_changes(body=members))
        if traced:
            build_lines = build_lines + [self._trace_line()]
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
            others = [m for i, m in enumerate(members) if i != call_i and isinstance(m, cst.FunctionDef)]
            if not members[call_i].leading_lines and (not others or any(m.leading_lines for m in others)):
                # Unless the class writes its methods without blank lines, call() gets one.
                members[call_i] = members[call_i].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
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
        if not _assigns_self_attr(stmt.body, attr):
            return None  # `if self.label_index is None: return inputs`: a read, not a creation
        if not all(_is_self_assign(s) for s in body):
            return f"self.{attr} is created under a condition with other code"
        names = _Names()
        for s in body:
            walk(s, names)
        bad = sorted(names.loads & (locals_ | {first}))
        if bad:
            return f"self.{attr} is built from call() values {', '.join(bad)}"
        if first in names.shape_of:
            body = [s.visit(_ShapeToInputShape(first)) for s in body]
        return [s.with_changes(leading_lines=()) for s in body]

    def _report_unguarded(self, stmt: cst.BaseStatement, anchor: cst.CSTNode) -> None:
        if not _is_self_assign(stmt):
            return
        value = stmt.body[0].value
        if isinstance(value, cst.Call):
            func = value.func
            creates = (_is_self_attr(func)
                       and func.attr.value in _STATE_MAKERS)
            path = self.ctx.keras_path(func)
            if creates or (path is not None and path.startswith("layers.")):
                self.report(anchor, "call() creates state on every call; Keras 3 requires it in __init__() or build()",
                            fix="move this assignment into def build(self, input_shape): and keep only its use "
                                "in call()")

    # -- subclassed models built from a shape ------------------------------------------
    def _traced_model(self, cls: cst.ClassDef, call: cst.FunctionDef, build: Optional[cst.FunctionDef]) -> bool:
        """True when `cls` is a subclassed model that the file builds explicitly and whose
        build() must therefore run call() as Keras 2 did."""
        if cls.name.value not in _explicitly_built(self.ctx):
            return False
        if not any(self.ctx.keras_path(b.value) in _MODEL_BASES for b in cls.bases):
            return False
        if build is not None and not self._calls_super_build(build):
            return False  # the class builds its state itself, as in Keras 2
        if not _traceable_from_inputs(call):
            self.report(cls.name, f"{cls.name.value}.build(input_shape) does not create the weights in Keras 3 "
                                  "(Keras 2 ran call() on placeholders), and this call() needs more than its inputs",
                        fix="call the model on a batch of real data (model(x, ...)) instead of model.build(shape) "
                            "before set_weights()/load_weights()/summary()")
            return False
        return True

    def _untraced_sublayers(self, members, call: cst.FunctionDef, build_i: int) -> bool:
        """A layer whose build() makes sub-layers and which declares compute_output_shape:
        Keras 2 ran call() on placeholders when a functional model or Sequential used it,
        building those sub-layers; Keras 3 asks compute_output_shape instead, so they stay
        unbuilt (fewer weights, count_params(), and a .keras reload fails: keras-attention)."""
        if not any(isinstance(m, cst.FunctionDef) and m.name.value == "compute_output_shape" for m in members):
            return False
        build = members[build_i]
        if len(build.params.params) != 2 or not isinstance(build.body, cst.IndentedBlock):
            return False
        if any(isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == _TRACE
               for n in iter_nodes(build.body)):
            return False  # traced already (a second run)
        makes = any(isinstance(n, cst.Assign) and isinstance(n.value, cst.Call)
                    and (self.ctx.keras_path(n.value.func) or "").startswith("layers.")
                    and any(_is_self_attr(t.target) for t in n.targets) for n in iter_nodes(build.body))
        if not makes:
            return False
        return _traceable_from_inputs(call)

    @staticmethod
    def _calls_super_build(build: cst.FunctionDef) -> bool:
        return any(_super_build_arg(stmt) is not None for stmt in build.body.body)

    def _trace_in_super_build(self, build: cst.FunctionDef, before: List[cst.BaseStatement]) -> cst.FunctionDef:
        body = []
        for stmt in build.body.body:
            arg = _super_build_arg(stmt)
            if arg is None:
                body.append(stmt)
                continue
            line = self._trace_line(cst.Module([]).code_for_node(arg))
            body.extend(before)
            body.append(line.with_changes(leading_lines=stmt.leading_lines))
            before = []
        return build.with_changes(body=build.body.with_changes(body=body + before))

    def _trace_line(self, shape: str = "input_shape") -> cst.SimpleStatementLine:
        self.ctx.use_runtime(_TRACE)
        return cst.parse_statement(f"{_TRACE}(self, {shape})\n")

    def _sublayer_builds(self, class_name: str) -> List[cst.BaseStatement]:
        names = _sublayer_plan(self.ctx).get(class_name, ())
        return [cst.parse_statement(f"self.{name}.build(input_shape)\n") for name in names]


def _traceable_from_inputs(call: cst.FunctionDef) -> bool:
    """call() needs nothing but its inputs (and `training`): build_by_calling can run it."""
    required = [p.name.value for p in call.params.params[2:] if p.default is None]
    required += [p.name.value for p in call.params.kwonly_params if p.default is None]
    return all(name == "training" for name in required)


@per_file
def _sublayer_plan(ctx) -> Dict[str, List[str]]:
    """Per Keras layer class of the file (from its ast, once): the sub-layers made in
    __init__ that call() feeds in a way that fixes their build shape, in call order."""
    plan: Dict[str, List[str]] = {}
    seen: Set[str] = set()
    resolver = _scan.names(ctx)
    layer_classes = _scan.keras_layer_classes(ctx)
    models = _scan.keras_subclasses(ctx, "Model") | _scan.keras_subclasses(ctx, "models.")
    for _, node in _scan.scoped_nodes(ctx):
        if not isinstance(node, ast.ClassDef) or node.name not in layer_classes:
            continue
        if node.name in seen:  # two classes of one name: no guess
            plan.pop(node.name, None)
            continue
        seen.add(node.name)
        methods = {f.name: f for f in node.body if isinstance(f, ast.FunctionDef)}
        init, call = methods.get("__init__"), methods.get("call")
        if init is None or call is None or len(call.args.args) < 2:
            continue
        first = call.args.args[1].arg
        sublayers = {}
        for stmt in init.body:
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], ast.Attribute)
                    and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id == "self"
                    and isinstance(stmt.value, ast.Call)):
                path = resolver.keras(stmt.value.func) or ""
                if path.startswith("layers."):
                    sublayers[stmt.targets[0].attr] = path
        if not sublayers:
            continue
        walked = list(ast_walk(call))
        reassigned = any(isinstance(n, ast.Name) and n.id == first and not isinstance(n.ctx, ast.Load)
                         for n in walked)
        order: List[str] = []
        used: Set[str] = set()
        calls = sorted((n for n in walked if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
        for n in calls:
            func = n.func
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and func.value.id == "self" and func.attr in sublayers and func.attr not in order):
                continue
            used.add(func.attr)
            # Exactly one tensor argument: build(input_shape) gets what call() gets
            # (not e.g. MultiHeadAttention(q, v), whose build takes several shapes).
            direct = (not reassigned and len(n.args) == 1 and isinstance(n.args[0], ast.Name)
                      and n.args[0].id == first)
            if direct or sublayers[func.attr] in _SHAPE_FREE:
                order.append(func.attr)
        if order and used - set(order) and node.name in models and not any(
                isinstance(n, (ast.If, ast.While, ast.IfExp)) for n in walked):
            # A model whose build() would make only some sub-layers: reloading a .keras
            # file builds it and loads the weights, and the sub-layers left unbuilt then
            # start from new random values (handson-ml2's Regressor: other predictions,
            # silently). Keras 3's own build runs call() symbolically and makes all; not
            # through Python branches on tensors, which the partial build() lets fit()
            # trace instead (then kept, with that reload caveat).
            continue
        if order:
            plan[node.name] = order
    return plan


def _super_build_arg(stmt: cst.BaseStatement) -> Optional[cst.BaseExpression]:
    """`super().build(x)` as a statement -> x."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)):
        return None
    call = stmt.body[0].value
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "build"
            and isinstance(call.func.value, cst.Call) and _is_name(call.func.value.func, "super")):
        return None
    if len(call.args) != 1 or call.args[0].star or (call.args[0].keyword is not None
                                                    and call.args[0].keyword.value != "input_shape"):
        return None
    return call.args[0].value


@per_file
def _explicitly_built(ctx) -> Set[str]:
    """The file's Keras classes that some `.build(shape)` call targets: `self.build(...)`
    inside the class, or `x.build(...)` where `x` (a name or `self.attr`) is assigned an
    instance of the class somewhere in the file; and the file's classes they inherit from."""
    found: Set[str] = set()
    classes = _scan.keras_layer_classes(ctx)
    if classes and ".build(" in ctx.source:
        instances: Dict[str, Set[str]] = {}
        builds: List[Tuple[Tuple[str, ...], str]] = []
        bases: Dict[str, Set[str]] = {}
        for enclosing, node in _scan.def_nodes(ctx):
            if isinstance(node, ast.ClassDef) and node.name in classes:
                bases.setdefault(node.name, set()).update(
                    b.id for b in node.bases if isinstance(b, ast.Name) and b.id in classes)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                    and isinstance(node.value.func, ast.Name) and node.value.func.id in classes:
                for target in node.targets:
                    if isinstance(target, (ast.Name, ast.Attribute)):
                        instances.setdefault(ast.unparse(target), set()).add(node.value.func.id)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "build"
                  and (node.args or node.keywords)):
                builds.append((enclosing, ast.unparse(node.func.value)))
        for enclosing, receiver in builds:
            if receiver == "self":
                found.update(name for name in enclosing if name in classes)
            else:
                found.update(instances.get(receiver, ()))
        pending = list(found)
        while pending:  # a build() added to a base class serves the subclass too
            for base in bases.get(pending.pop(), ()):
                if base not in found:
                    found.add(base)
                    pending.append(base)
    return found


def _original_statements(original: cst.ClassDef, index: int, call: cst.FunctionDef) -> Sequence[cst.CSTNode]:
    """The original statements of the class's call() (whose updated form is `call`, member
    `index`), to report at (updated nodes have no position); the updated ones when other
    rules changed the class or call() body shape."""
    members = original.body.body if isinstance(original.body, cst.IndentedBlock) else ()
    before = members[index] if index < len(members) else None
    if (isinstance(before, cst.FunctionDef) and before.name.value == "call"
            and isinstance(before.body, cst.IndentedBlock) and len(before.body.body) == len(call.body.body)):
        return before.body.body
    return call.body.body
