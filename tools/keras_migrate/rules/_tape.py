"""tf.GradientTape blocks -> a forward function + keras_migrate_runtime.value_and_grad(s).

Shared by the train_step rule (KM205, a Keras model's train_step/test_step) and the
gradient_tape rule (KM209, custom training loops anywhere else). The transformation:

    with tf.GradientTape() as tape:              def forward():
        logits = model(x, training=True)              logits = model(x, training=True)
        loss = loss_fn(y, logits)            ->        loss = loss_fn(y, logits)
    grads = tape.gradient(loss, variables)             return loss, logits
                                                  (loss, logits), grads = value_and_grad(forward, variables)

The forward function returns the loss (first) and every name the block binds that code
outside the block reads. Several tapes over one block (`with tf.GradientTape() as
g_tape, tf.GradientTape() as d_tape:`) become value_and_grads(forward, [(0, g_vars),
(1, d_vars)]), and so do a persistent tape's several gradient calls. A block opening
with `tape.watch(x)` whose one gradient is taken with respect to the watched tensors
becomes value_and_input_grad(forward, [x, ...]), forward taking them as parameters;
such a watched tape nested in another's block (or sharing its `with` statement, watching
a tensor the block computes) becomes one inside the outer forward function.
Where the block cannot become a function with the same meaning (another watched tape, a
nested tape over variables, reads of a name it reassigns, a return in the block, ...),
the tape is left as is and a Blocker names the construct.
"""

from __future__ import annotations

import ast
import collections
import dataclasses
import functools
import re
import textwrap
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

import libcst as cst

from keras_migrate.engine import ast_walk, iter_nodes, module_code, walk, ast_children
from keras_migrate.rules import _scan
from keras_migrate.rules._util import code, is_tf_function

__all__ = ["Blocker", "Conversion", "convert_body", "names_in", "GRADIENT_TAPE"]

GRADIENT_TAPE = "tensorflow.GradientTape"


@dataclass(frozen=True)
class Blocker:
    """Why one tape stays on TensorFlow: `construct` is the exact code, `kind` the category."""

    node: cst.CSTNode
    construct: str
    kind: str
    statement: Optional[cst.CSTNode] = None  # the `with` statement left as is

    def message(self) -> str:
        return f"{self.kind}: `{self.construct}`"


@dataclass
class Conversion:
    body: List[cst.BaseStatement]
    converted: int = 0
    blockers: List[Blocker] = field(default_factory=list)
    runtime: Set[str] = field(default_factory=set)
    first: Optional[cst.CSTNode] = None  # the first tape statement converted


class _Names(cst.CSTVisitor):
    """Identifiers read or written as plain names (not attribute names, not keywords)."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: collections.Counter = collections.Counter()

    def visit_Name(self, node: cst.Name) -> None:
        self.counts[node.value] += 1

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        walk(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)
        return False


def names_in(*nodes: cst.CSTNode) -> collections.Counter:
    visitor = _Names()
    for node in nodes:
        walk(node, visitor)
    return visitor.counts


class _Context:
    """What one conversion needs from the caller: qualified names, the scope's names."""

    def __init__(self, ctx, scope: cst.CSTNode) -> None:
        self.ctx = ctx
        self._scope = scope
        # Targets of the `for` loops around the statement being converted.
        self.loop_names: List[List[str]] = []
        # A function AutoGraph converts on TensorFlow (@tf.function, which gradient_tape
        # renames only after converting the body): a loop over a dataset becomes a graph loop, and a name it
        # binds that a nested function reads "must be defined before the loop".
        self.autograph = isinstance(scope, cst.FunctionDef) and any(
            is_tf_function(ctx, d.decorator) for d in scope.decorators)

    # Both only once a tape block is found: most functions of a file that mentions
    # GradientTape have none, and walking each one's names was a quarter of the run.
    @functools.cached_property
    def scope_names(self) -> collections.Counter:
        return names_in(self._scope)

    @functools.cached_property
    def lazy_roots(self) -> FrozenSet[str]:
        """`self` and the names bound to a model nothing builds before its first call:
        `Sequential([...])` without an input shape, or an instance of a class of the
        file, that the file never builds by hand (`<name>.build(...)`)."""
        tree, names = _scan.file_ast(self.ctx), _scan.names(self.ctx)
        if tree is None or names is None:
            return frozenset({"self"})
        classes = _scan.keras_layer_classes(self.ctx)
        found = set()
        for node in _scan.nodes(self.ctx, ast.Assign):
            value = node.value
            if not (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(value, ast.Call)):
                continue
            name = node.targets[0].id
            sequential = names.keras(value.func) in ("Sequential", "models.Sequential") and not any(
                word in (ast.get_source_segment(self.ctx.source, value) or "Input") for word in _SHAPED)
            own = isinstance(value.func, ast.Name) and value.func.id in classes
            if (sequential or own) and name not in _scan.built_explicitly(self.ctx):
                found.add(name)
        return frozenset(found | {"self"})

    @functools.cached_property
    def words(self) -> Set[str]:
        return set(re.findall(r"[A-Za-z_]\w*", self.ctx.source))

    def free_name(self, *candidates: str, avoid: Set[str] = frozenset()) -> str:
        """A name the source does not use (each generated function or gradients name is
        used right after its definition, so two blocks may share one; `avoid`: names
        generated inside the block being converted)."""
        taken = self.words | avoid
        for name in candidates:
            if name not in taken:
                return name
        base, n = candidates[-1], 1
        while f"{base}_{n}" in taken:
            n += 1
        return f"{base}_{n}"


def convert_body(ctx, statements: Sequence[cst.BaseStatement], scope: cst.CSTNode) -> Conversion:
    """Convert every GradientTape block in `statements` (recursing into compound
    statements, not into nested functions or classes, which are converted on their own)."""
    result = Conversion(body=[])
    result.body = _suite(_Context(ctx, scope), list(statements), result)
    return result


def _suite(c: _Context, statements: List[cst.BaseStatement], result: Conversion) -> List[cst.BaseStatement]:
    out: List[cst.BaseStatement] = []
    i = 0
    while i < len(statements):
        stmt = statements[i]
        tapes = _tape_names(c, stmt) if isinstance(stmt, cst.With) else None
        if tapes is None:
            out.append(_descend(c, stmt, result))
            i += 1
            continue
        if isinstance(tapes, Blocker):
            result.blockers.append(dataclasses.replace(tapes, statement=stmt))
            out.append(stmt)
            i += 1
            continue
        # The statements the tapes' gradient calls may be in: up to one that rebinds a tape.
        end = i + 1
        while end < len(statements) and not _rebinds(statements[end], tapes):
            end += 1
        after = statements[i + 1:end]
        nested = _nest_watched_tape(c, stmt, tapes, after)
        converted = _convert(c, nested[0], nested[1], after) if nested else None
        if converted is None or isinstance(converted, Blocker):
            # (a failed nested form is reported as written, on the statement's own nodes)
            converted = _convert(c, stmt, tapes, after)
        if isinstance(converted, Blocker):
            result.blockers.append(dataclasses.replace(converted, statement=stmt))
            out.append(stmt)
            i += 1
            continue
        head, rest, runtime, inner = converted
        result.converted += 1 + inner
        result.first = result.first or stmt
        result.runtime |= runtime
        out.extend(head)
        # What followed the block (its gradient statements gone) may hold more tapes.
        statements = statements[:i + 1] + rest + statements[end:]
        i += 1
    return out


def _descend(c: _Context, stmt: cst.BaseStatement, result: Conversion) -> cst.BaseStatement:
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef, cst.SimpleStatementLine)):
        return stmt
    if isinstance(stmt, cst.For):
        c.loop_names.append(_scan.cst_assigned_names(stmt.target))
        try:
            return _descend_blocks(c, stmt, result)
        finally:
            c.loop_names.pop()
    return _descend_blocks(c, stmt, result)


def _descend_blocks(c: _Context, stmt: cst.BaseStatement, result: Conversion) -> cst.BaseStatement:
    changes = {}
    for attr in ("body", "orelse", "finalbody"):
        block = getattr(stmt, attr, None)
        if isinstance(block, cst.IndentedBlock):
            changes[attr] = block.with_changes(body=_suite(c, list(block.body), result))
        elif isinstance(block, (cst.Else, cst.Finally)) and isinstance(block.body, cst.IndentedBlock):
            changes[attr] = block.with_changes(body=block.body.with_changes(
                body=_suite(c, list(block.body.body), result)))
        elif isinstance(block, cst.If):  # elif
            changes[attr] = _descend(c, block, result)
    if isinstance(stmt, cst.Try):
        changes["handlers"] = [h.with_changes(body=h.body.with_changes(body=_suite(c, list(h.body.body), result)))
                               for h in stmt.handlers]
    return stmt.with_changes(**changes) if changes else stmt


def _is_tape(c: _Context, expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Call) and c.ctx.qualified_name(expr.func) == GRADIENT_TAPE


def _tape_names(c: _Context, stmt: cst.With):
    """The tape names of a `with tf.GradientTape() as t[, ...]:` statement; None when it
    is not a tape block, a Blocker when it is one that cannot be converted."""
    if not any(_is_tape(c, item.item) for item in stmt.items):
        return None
    names = []
    for item in stmt.items:
        if not _is_tape(c, item.item):
            return Blocker(stmt, code(item.item), "another context manager in the tf.GradientTape statement")
        if item.item.args and _persistent(item.item) is None:
            return Blocker(stmt, code(item.item), "tf.GradientTape with arguments other than persistent= "
                                                 "(watch_accessed_variables tapes)")
        if item.asname is None or not isinstance(item.asname.name, cst.Name):
            return Blocker(stmt, code(item.item), "tf.GradientTape without `as name`")
        names.append(item.asname.name.value)
    if stmt.asynchronous is not None:
        return Blocker(stmt, "async with", "async with tf.GradientTape")
    return tuple(names)


def _persistent(tape: cst.Call) -> Optional[bool]:
    """persistent=True/False as the tape's only argument -> its value; None otherwise.
    A persistent tape's several gradient calls differentiate one forward pass: what
    value_and_grads does with several (loss, variables) targets."""
    if len(tape.args) == 1 and tape.args[0].keyword is not None and tape.args[0].keyword.value == "persistent":
        value = tape.args[0].value
        if isinstance(value, cst.Name) and value.value in ("True", "False"):
            return value.value == "True"
    return None if tape.args else False


def _sources(sources: cst.BaseExpression, lazy_roots: FrozenSet[str]) -> str:
    """The gradient sources as the call passes them. A model's own weights are read after
    the forward pass, as Keras 2's tape read them (`lambda: self.trainable_weights`): a
    subclassed model Keras 3 cannot build ahead (its call() does not take the data) gets
    them in its first step's forward pass; so does a model of the file that nothing
    builds before (`lambda: model.trainable_variables`, see _Context.lazy_roots)."""
    text = code(sources)
    return f"lambda: {text}" if _weights_read(sources, lazy_roots) else text


_WEIGHT_LISTS = ("trainable_weights", "trainable_variables")
# What gives a Sequential model its input shape (then it is built when made).
_SHAPED = ("input_shape", "input_dim", "Input", "batch_input_shape", "batch_shape")


def _weights_read(node: cst.BaseExpression, roots: FrozenSet[str] = frozenset({"self"})) -> bool:
    """`self.trainable_weights`, `self.dense.trainable_weights` (a layer built by its
    first call inside the block: keras.io's forwardforward), `g.trainable_weights +
    d.trainable_weights`: attribute reads only, rooted at `roots`, at least one of a
    weight list."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _plain_chain(node.left, roots) and _plain_chain(node.right, roots) and (
            _weights_read(node.left, roots) or _weights_read(node.right, roots))
    return isinstance(node, cst.Attribute) and node.attr.value in _WEIGHT_LISTS and _plain_chain(node, roots)


def _plain_chain(node: cst.BaseExpression, roots: FrozenSet[str]) -> bool:
    """Attribute reads rooted at one of `roots` (`self`: the layers a layer or model owns)."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _plain_chain(node.left, roots) and _plain_chain(node.right, roots)
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name) and node.value in roots


def _leading_watches(block: List[cst.BaseStatement], tapes: Tuple[str, ...]):
    """(names watched by the block's opening `tape.watch(name)` statements, the rest)."""
    watched: List[str] = []
    for k, stmt in enumerate(block):
        name = _watched_name(stmt, tapes)
        if name is None:
            if watched and k:
                block[k] = stmt.with_changes(leading_lines=block[0].leading_lines)
            return watched, block[k:]
        watched.append(name)
    return watched, []


def _watched_name(stmt: cst.BaseStatement, tapes: Tuple[str, ...]) -> Optional[str]:
    """x of a `tape.watch(x)` statement on one of `tapes`."""
    small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
    call = small.value if isinstance(small, cst.Expr) else None
    if (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
            and isinstance(call.func.value, cst.Name) and call.func.value.value in tapes
            and call.func.attr.value == "watch" and len(call.args) == 1 and call.args[0].keyword is None
            and isinstance(call.args[0].value, cst.Name)):
        return call.args[0].value.value
    return None


def _nest_watched_tape(c: _Context, stmt: cst.With, tapes: Tuple[str, ...], after: List[cst.BaseStatement]):
    """(the statement with one tape nested in the other, (outer tape,)), or None.

    `with tf.GradientTape() as gp, tf.GradientTape() as total:` whose block computes x,
    watches it (`gp.watch(x)`) and takes gp's gradient before the block ends (keras.io's
    StyleGAN gradient penalty) means: gp differentiates with respect to x the ops after
    the watch; total records everything. Written nested (`with total: ...` holding `with
    gp: gp.watch(x) ...` up to gp's gradient call) it has the same gradients, and the
    inner tape becomes value_and_input_grad inside total's forward function. Only when
    nothing before the watch reads x (gp would have recorded those ops too)."""
    if len(tapes) != 2 or any(_persistent(item.item) for item in stmt.items):
        return None
    block = list(stmt.body.body)
    for inner_index, inner in enumerate(tapes):
        outer = tapes[1 - inner_index]
        start = next((k for k, b in enumerate(block) if _watched_name(b, (inner,)) is not None), None)
        if not start:  # none, or at the top (already the supported one-tape shape)
            continue
        stop = start
        while stop < len(block) and _watched_name(block[stop], (inner,)) is not None:
            stop += 1
        watched = {_watched_name(b, (inner,)) for b in block[start:stop]}
        end = next((k for k in range(stop, len(block)) if _calls_gradient(block[k], (inner,))), None)
        if end is None or _calls_gradient(block[end], (outer,)) \
                or any(_calls_gradient(b, (outer,)) for b in block[:end]):
            continue
        uses = names_in(*block, *after)[inner]
        if uses != (stop - start) + names_in(block[end])[inner]:
            continue  # the inner tape used elsewhere
        before = _block_ast(block[:start])
        if any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in watched
               for n in ast_walk(before)):
            continue
        item = stmt.items[inner_index]
        nested = cst.parse_statement(f"with {code(item.item)} as {inner}:\n    pass\n")
        nested = nested.with_changes(body=nested.body.with_changes(body=block[start:end]),
                                     leading_lines=block[start].leading_lines)
        body = block[:start] + [nested] + block[end:]
        outer_item = stmt.items[1 - inner_index].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return stmt.with_changes(items=[outer_item], body=stmt.body.with_changes(body=body)), (outer,)
    return None


def _is_del_of(stmt: cst.BaseStatement, tapes: Tuple[str, ...]) -> bool:
    """`del tape` (releasing a persistent tape's resources): no use once converted."""
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Del) \
        and isinstance(stmt.body[0].target, cst.Name) and stmt.body[0].target.value in tapes


def _rebinds(stmt: cst.BaseStatement, tapes: Tuple[str, ...]) -> bool:
    return isinstance(stmt, cst.With) and any(
        item.asname is not None and isinstance(item.asname.name, cst.Name) and item.asname.name.value in tapes
        for item in stmt.items)


@dataclass
class _Gradient:
    call: cst.Call
    tape: str
    loss: str
    sources: cst.BaseExpression
    target: Optional[str] = None  # `target = tape.gradient(...)` (the statement goes)
    # `lambda: <weights>` when the variables are a name assigned weight lists after the
    # block (read after the forward pass, as Keras 2's tape did; the assignment stays).
    lazy_sources: Optional[str] = None

    def sources_text(self, lazy_roots: FrozenSet[str]) -> str:
        return self.lazy_sources or _sources(self.sources, lazy_roots)


class _GradientCalls(cst.CSTVisitor):
    def __init__(self, tapes: Tuple[str, ...]) -> None:
        super().__init__()
        self.tapes = tapes
        self.calls: List[cst.Call] = []
        self.other: List[cst.CSTNode] = []

    def visit_Call(self, node: cst.Call) -> Optional[bool]:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in self.tapes \
                and func.attr.value == "gradient":
            self.calls.append(node)
            for arg in node.args:
                walk(arg.value, self)
            return False
        return None

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.tapes:
            self.other.append(node)


def _gradient(c: _Context, call: cst.Call) -> Optional[_Gradient]:
    args = {}
    for k, arg in enumerate(call.args):
        if arg.star:
            return None
        name = arg.keyword.value if arg.keyword is not None else ("target", "sources")[k] if k < 2 else None
        if name not in ("target", "sources") or name in args:
            return None
        args[name] = arg.value
    if set(args) != {"target", "sources"} or not isinstance(args["target"], cst.Name):
        return None
    return _Gradient(call, call.func.value.value, args["target"].value, args["sources"])


def _convert(c: _Context, with_stmt: cst.With, tapes: Tuple[str, ...], after: List[cst.BaseStatement]):
    """([variable lists, def forward, values/grads assignment], `after` rewritten, runtime
    symbol), or a Blocker."""
    block = list(with_stmt.body.body)
    # `grads = tape.gradient(...)` inside the block, and what follows it there (often
    # apply_gradients): run after the forward function. A non-persistent tape is spent by
    # its gradient call, so recording or not what follows changes nothing.
    hoisted: List[cst.BaseStatement] = []
    split = next((k for k, stmt in enumerate(block) if _calls_gradient(stmt, tapes)), None)
    if split is not None:
        block, hoisted = block[:split], block[split:]
    if not block:
        return Blocker(with_stmt, "with tf.GradientTape()", "empty tf.GradientTape block")
    after = [stmt for stmt in hoisted + list(after) if not _is_del_of(stmt, tapes)]
    persistent = {item.asname.name.value for item in with_stmt.items if _persistent(item.item)}
    # `tape.watch(x)` opening the block: gradients with respect to tensors bound before it
    # (a gradient penalty), which become the forward function's parameters.
    watched, block = _leading_watches(block, tapes)
    if watched and (len(tapes) != 1 or tapes[0] in persistent):
        return Blocker(with_stmt, f"{tapes[0]}.watch", "tape.watch on a persistent tape or one of several tapes")
    if not block:
        return Blocker(with_stmt, "with tf.GradientTape()", "empty tf.GradientTape block")
    # Watched tapes nested in the block (a gradient penalty written inline) are converted
    # first: their value_and_input_grad runs inside this forward function, as a
    # gradient_penalty method's does. Other nested tapes stay a blocker.
    written = block
    inner = Conversion(body=[])
    if any(isinstance(n, cst.With) and _tape_names(c, n) is not None for b in block for n in _walk_cst(b)):
        block = _suite(c, block, inner)
        if inner.blockers:
            return inner.blockers[0]
        if inner.runtime - {"value_and_input_grad"}:
            node = next(n for b in written for n in _walk_cst(b) if isinstance(n, cst.With) and n is not with_stmt
                        and _tape_names(c, n) is not None)
            return Blocker(node, code(node.items[0].item), "nested tf.GradientTape (higher-order gradients)")
    blocker = _block_blocker(c, with_stmt, block, tapes)
    if blocker is not None:
        return blocker
    finder = _GradientCalls(tapes)
    for stmt in after:
        walk(stmt, finder)
    if finder.other:
        node = finder.other[0]
        return Blocker(with_stmt, f"{node.value} (used other than tape.gradient(target, sources) after the block)",
                       "tf.GradientTape used after its block other than by one tape.gradient call")
    gradients = []
    for call in finder.calls:
        gradient = _gradient(c, call)
        if gradient is None:
            return Blocker(call, code(call), "tape.gradient with arguments other than (loss name, variables)")
        gradients.append(gradient)
    used = collections.Counter(g.tape for g in gradients)
    for tape in tapes:
        if used[tape] != 1 and not (tape in persistent and used[tape] > 1):
            return Blocker(with_stmt, f"{tape}.gradient", "a tf.GradientTape whose gradient is taken "
                                                           f"{used[tape]} times after its block")
    inputs: List[str] = []
    if watched:
        if len(gradients) != 1:
            return Blocker(with_stmt, f"{tapes[0]}.watch", "a watched tf.GradientTape whose gradient is taken "
                                                           "more than once")
        sources = gradients[0].sources
        items = [sources] if isinstance(sources, cst.Name) else [e.value for e in sources.elements] \
            if isinstance(sources, (cst.List, cst.Tuple)) else []
        inputs = [item.value for item in items if isinstance(item, cst.Name) and item.value in watched]
        if not items or len(inputs) != len(items) or len(set(inputs)) != len(inputs):
            return Blocker(gradients[0].call, code(gradients[0].call),
                           "tape.gradient with respect to other than the watched tensors (each once)")
    # `variables = a.trainable_weights + b.trainable_weights` inside the block (stylegan,
    # sam): no call, nothing the block computes; evaluated before the forward function.
    prelude = _variable_lists(block, gradients)
    block = [stmt for stmt in block if all(stmt is not p for p in prelude)]
    if not block:
        return Blocker(with_stmt, "with tf.GradientTape()", "empty tf.GradientTape block")
    bound_all, bound_sure, carried = _analyse_block(block)
    if set(inputs) & bound_all:
        return Blocker(with_stmt, sorted(set(inputs) & bound_all)[0], "a watched tensor rebound in the "
                                                                        "tf.GradientTape block")
    bound_sure = bound_sure | set(carried)  # a parameter: bound on every path
    # A name the block reads and then rebinds (`loss += ...` on a total started before
    # the block) starts from its current value: a parameter with that default.
    unbound = [name for name in carried if not c.scope_names[name] > names_in(*block)[name]]
    if unbound:
        return Blocker(with_stmt, unbound[0], "the tf.GradientTape block reads a name it binds only later")
    traced = _python_value_use(c, block, bound_all)
    if traced is not None:
        return Blocker(with_stmt, traced, "a tensor of the tf.GradientTape block used as a Python/NumPy value "
                                          "(JAX differentiates a traced function)")
    # Statements between the block and each gradient call must not change what the
    # gradient call reads (its variables are now taken before the block runs).
    for gradient in gradients:
        sources = set(names_in(gradient.sources))
        if sources & bound_all:
            return Blocker(gradient.call, code(gradient.call),
                           "tape.gradient over variables the tf.GradientTape block computes")
        position = next(k for k, stmt in enumerate(after) if _contains(stmt, gradient.call))
        if _stores(after[position]) & sources:
            # `for layers, opt in parts: g = tape.gradient(loss, layers.trainable_variables)`
            # (a persistent tape, handson-ml2): one gradient per iteration, of variables
            # only the loop binds; hoisted before the loop it would read them unbound.
            return Blocker(gradient.call, code(gradient.call),
                           "tape.gradient over variables bound around the call (a loop variable)")
        for stmt in after[:position]:
            if not (_stores(stmt) & sources):
                continue
            # `trainable_vars = self.student.trainable_variables` between the block and
            # the gradient call (keras.io's distiller): taken before the forward function.
            if not _variable_list(stmt, sources, bound_all):
                return Blocker(gradient.call, code(gradient.call),
                               "tape.gradient over variables computed after the tf.GradientTape block")
            value = stmt.body[0].value
            if isinstance(gradient.sources, cst.Name) and _weights_read(value):
                # `variables = self.encoder.trainable_weights + self.head.trainable_weights`
                # after the block: a layer first called in the block has weights only then.
                gradient.lazy_sources = f"lambda: {code(value)}"
                continue
            if all(stmt is not p for p in prelude):
                prelude.append(stmt)
        if gradient.loss not in bound_sure:
            return Blocker(gradient.call, code(gradient.call),
                           "tape.gradient of a loss not assigned (unconditionally) in the tf.GradientTape block")
    after = [stmt for stmt in after if all(stmt is not p for p in prelude)]
    # `name = tape.gradient(...)` statements go; other calls become a fresh name.
    kept_after: List[cst.BaseStatement] = []
    replacements: Dict[int, str] = {}
    for stmt in after:
        gradient = _assigned_gradient(stmt, gradients)
        if gradient is not None:
            gradient.target = stmt.body[0].targets[0].target.value
            # The gradients now exist from the block on: nothing before their statement
            # may use that name for something else.
            if kept_after and names_in(*kept_after)[gradient.target]:
                return Blocker(with_stmt, gradient.target, "a gradients name also used between the "
                                                           "tf.GradientTape block and its tape.gradient call")
            continue
        kept_after.append(stmt)
    for gradient in gradients:
        if gradient.target is None:
            gradient.target = c.free_name(f"{gradient.tape}_gradients")
            replacements[id(gradient.call)] = gradient.target
    # The names the forward function returns: the losses, then what later code reads.
    losses: List[str] = []
    for gradient in gradients:
        if gradient.loss not in losses:
            losses.append(gradient.loss)
    inside = names_in(*[stmt for stmt in written if all(stmt is not p for p in prelude)])
    outside = c.scope_names - inside
    returned = list(losses)
    for name in _binding_order(block):
        if name in returned or name not in bound_all or not outside[name]:
            continue
        if name not in bound_sure:
            return Blocker(with_stmt, name, "a name assigned conditionally in the tf.GradientTape block and "
                                            "used after it")
        returned.append(name)
    forward = c.free_name("forward", f"{tapes[0]}_forward", avoid=bound_all)
    values = returned[0] if len(returned) == 1 else "(" + ", ".join(returned) + ")"
    if inputs:
        runtime = "value_and_input_grad"
        call = f"value_and_input_grad({forward}, {code(gradients[0].sources)})"
        grads = gradients[0].target
    elif len(gradients) == 1:
        runtime = "value_and_grad"
        call = f"value_and_grad({forward}, {gradients[0].sources_text(c.lazy_roots)})"
        grads = gradients[0].target
    else:
        runtime = "value_and_grads"
        targets = ", ".join(f"({losses.index(g.loss)}, {g.sources_text(c.lazy_roots)})" for g in gradients)
        call = f"value_and_grads({forward}, [{targets}])"
        grads = "(" + ", ".join(g.target for g in gradients) + ")"
    ret = cst.parse_statement(f"return {', '.join(returned)}\n")
    if c.autograph:
        # Loop targets the block reads, bound when the function is defined (AutoGraph).
        read = names_in(*block)
        carried = carried + sorted({name for names in c.loop_names for name in names
                                    if read[name] and name not in bound_all and name not in inputs} - set(carried))
    params = ", ".join(inputs + [f"{name}={name}" for name in carried])
    fn = cst.parse_statement(f"def {forward}({params}):\n    pass\n")
    fn = fn.with_changes(body=fn.body.with_changes(body=block + [ret]), leading_lines=with_stmt.leading_lines)
    assign = cst.parse_statement(f"{values}, {grads} = {call}\n")
    if replacements:
        kept_after = [s.visit(_Replace(replacements)) for s in kept_after]
    if prelude:
        prelude[0] = prelude[0].with_changes(leading_lines=with_stmt.leading_lines)
        fn = fn.with_changes(leading_lines=[])
    return prelude + [fn, assign], kept_after, {runtime} | inner.runtime, inner.converted


def _variable_lists(block, gradients: List["_Gradient"]) -> List[cst.BaseStatement]:
    """Top-level `name = <attribute arithmetic>` statements of the block that only name a
    gradient call's variables (no call, no name the block binds, bound once)."""
    wanted = set()
    for gradient in gradients:
        wanted |= set(names_in(gradient.sources))
    bound_all = _analyse_block(block)[0]
    stores = collections.Counter(n.id for n in ast_walk(_block_ast(block))
                                 if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return [stmt for stmt in block
            if _variable_list(stmt, wanted, bound_all - _stores(stmt)) and stores[_stores(stmt).pop()] == 1]


def _variable_list(stmt, wanted: Set[str], bound: Set[str]) -> bool:
    """`name = a.trainable_weights + b.trainable_weights`: one name among `wanted`, a value
    with no call and no name in `bound` (safe to evaluate earlier)."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Assign) and len(stmt.body[0].targets) == 1
            and isinstance(stmt.body[0].targets[0].target, cst.Name)):
        return False
    value = stmt.body[0].value
    return (stmt.body[0].targets[0].target.value in wanted
            and not any(isinstance(n, cst.Call) for n in _walk_cst(value))
            and not (set(names_in(value)) & bound))


def _stores(stmt) -> Set[str]:
    tree = _block_ast([stmt])
    return {n.id for n in ast_walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}


def _contains(stmt: cst.CSTNode, node: cst.CSTNode) -> bool:
    return any(n is node for n in _walk_cst(stmt))


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: Dict[int, str]) -> None:
        super().__init__()
        self.replacements = replacements

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        name = self.replacements.get(id(original))
        return cst.Name(name) if name is not None else updated


def _calls_gradient(stmt: cst.BaseStatement, tapes: Tuple[str, ...]) -> bool:
    finder = _GradientCalls(tapes)
    walk(stmt, finder)
    return bool(finder.calls)


def _assigned_gradient(stmt: cst.BaseStatement, gradients: List[_Gradient]) -> Optional[_Gradient]:
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign)):
        return None
    assign = stmt.body[0]
    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
        return None
    return next((g for g in gradients if g.call is assign.value), None)


# -- the block itself (Python's ast: loads, stores and their order) ---------------------

def _block_ast(block: List[cst.BaseStatement]) -> ast.Module:
    return ast.parse(textwrap.dedent(module_code(cst.Module(body=block))))


def _block_blocker(c: _Context, with_stmt: cst.With, block, tapes) -> Optional[Blocker]:
    for stmt in block:
        for node in _walk_cst(stmt):
            if isinstance(node, cst.With) and any(_is_tape(c, item.item) for item in node.items):
                return Blocker(node, code(node.items[0].item), "nested tf.GradientTape (higher-order gradients)")
            if isinstance(node, cst.Call):
                qualified = c.ctx.qualified_name(node.func) or ""
                if qualified.endswith(("py_function", "numpy_function", "py_func")) and qualified.startswith("tensorflow"):
                    return Blocker(node, code(node.func), "tf.py_function in the tf.GradientTape block")
                func = node.func
                if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in tapes:
                    kind = ("tape.watch (gradients with respect to tensors)" if func.attr.value == "watch"
                            else "the tape used inside its own block")
                    return Blocker(node, code(node), kind)
                if isinstance(func, cst.Attribute) and func.attr.value in ("train_step", "test_step") \
                        and isinstance(func.value, cst.Call) and code(func.value) == "super()":
                    return Blocker(node, code(node), "super().train_step in the tf.GradientTape block")
            if isinstance(node, cst.Name) and node.value in tapes:
                return Blocker(node, node.value, "the tape used inside its own block")
    tree = _block_ast(block)
    for node in _walk_scope(tree, loops=0):
        stmt, depth = node
        if isinstance(stmt, (ast.Return, ast.Yield, ast.YieldFrom, ast.Await)):
            return Blocker(with_stmt, type(stmt).__name__.lower(), "`return`/`yield` inside the tf.GradientTape block")
        if isinstance(stmt, (ast.Global, ast.Nonlocal)):
            return Blocker(with_stmt, ast.unparse(stmt), "global/nonlocal inside the tf.GradientTape block")
        if isinstance(stmt, (ast.Break, ast.Continue)) and depth == 0:
            return Blocker(with_stmt, ast.unparse(stmt), "break/continue out of the tf.GradientTape block")
    return None


def _walk_cst(node: cst.CSTNode):
    """`node` and what it contains, outside nested functions, classes and lambdas."""
    return iter_nodes(node, stop=(cst.FunctionDef, cst.ClassDef, cst.Lambda))


def _walk_scope(node, loops: int):
    """(node, loop depth) in one function scope: nested functions/classes/lambdas skipped."""
    for child in ast_children(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield child, loops
        yield from _walk_scope(child, loops + isinstance(child, (ast.For, ast.While, ast.AsyncFor)))


def _analyse_block(block):
    """(names bound anywhere, names bound on every path) of the block, or the name it
    reads before binding (a nested function would see it unbound)."""
    tree = _block_ast(block)
    bound_all: Set[str] = set()
    first: Dict[str, str] = {}

    def event(name: str, kind: str) -> None:
        first.setdefault(name, kind)
        if kind == "store":
            bound_all.add(name)

    def visit(node) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                visit(decorator)
            event(node.name, "store")
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            local = {n.id for g in node.generators for n in ast_walk(g.target) if isinstance(n, ast.Name)}
            for n in ast_walk(node):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in local:
                    event(n.id, "load")
            return
        if isinstance(node, ast.Assign):
            visit(node.value)
            for target in node.targets:
                visit(target)
            return
        if isinstance(node, ast.AugAssign):
            if isinstance(node.target, ast.Name):
                event(node.target.id, "load")
            visit(node.value)
            visit(node.target)
            return
        if isinstance(node, ast.AnnAssign):
            if node.value is not None:
                visit(node.value)
            visit(node.target)
            return
        if isinstance(node, ast.For):
            visit(node.iter)
            visit(node.target)
            for child in node.body + node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Name):
            event(node.id, "store" if isinstance(node.ctx, (ast.Store, ast.Del)) else "load")
            return
        if isinstance(node, ast.alias):
            event((node.asname or node.name).split(".")[0], "store")
            return
        if isinstance(node, ast.NamedExpr):
            visit(node.value)
            visit(node.target)
            return
        for child in ast_children(node):
            visit(child)

    visit(tree)
    carried = [name for name in sorted(bound_all) if first[name] == "load"]
    return bound_all, _bound_sure(tree.body), carried


_TO_PYTHON = ("float", "int", "bool", "len", "list")


def _python_value_use(c: _Context, block, bound: Set[str]) -> Optional[str]:
    """Code that turns a tensor computed in the block into a Python/NumPy value (`np.f(t)`,
    `t.numpy()`, `float(t)`, `if t:`): fine eagerly, impossible on JAX's traced values."""
    numpy = {c.ctx.names.local_name_for("numpy")} - {None}
    tree = _block_ast(block)
    for node, _ in _walk_scope(tree, loops=0):
        reads = None
        if isinstance(node, ast.Call):
            func = node.func
            args = list(node.args) + [k.value for k in node.keywords]
            if isinstance(func, ast.Attribute) and func.attr == "numpy" and not args:
                return ast.unparse(node)
            root = func
            while isinstance(root, ast.Attribute):
                root = root.value
            if (isinstance(root, ast.Name) and root.id in numpy) or (
                    isinstance(func, ast.Name) and func.id in _TO_PYTHON):
                reads = args
        elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
            reads = [node.test]
        if reads and any(isinstance(n, ast.Name) and n.id in bound for r in reads for n in ast_walk(r)):
            return ast.unparse(node if not isinstance(node, (ast.If, ast.While)) else node.test)
    return None


def _bound_sure(statements) -> Set[str]:
    """Names every path through these statements binds (if/for/while/try bodies excluded)."""
    names: Set[str] = set()
    for stmt in statements:
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                names.update(n.id for n in ast_walk(target) if isinstance(n, ast.Name))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    names.update(n.id for n in ast_walk(item.optional_vars) if isinstance(n, ast.Name))
            names |= _bound_sure(stmt.body)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif isinstance(stmt, ast.Expr):
            names.update(n.target.id for n in ast_walk(stmt.value)
                         if isinstance(n, ast.NamedExpr) and isinstance(n.target, ast.Name))
    return names


def _binding_order(block) -> List[str]:
    """Names the block binds, in source order."""
    tree = _block_ast(block)
    seen: List[Tuple[int, int, str]] = []
    for node in ast_walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            seen.append((node.lineno, node.col_offset, node.id))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            seen.append((node.lineno, node.col_offset, node.name))
    order: List[str] = []
    for _, _, name in sorted(seen):
        if name not in order:
            order.append(name)
    return order
