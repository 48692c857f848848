"""Variables that become Keras 3 variables, and the tf.Variable methods they lack.

Shared by variable_tracking (layer/model attributes: `self.w = tf.Variable(...)`
becomes add_weight, and add_weight itself returned a tf.Variable in Keras 2; also
`<...>optimizer.iterations`, a Keras variable in Keras 3, as tf_keras' own callbacks
read it with read_value()),
tf_variable (other tf.Variables become keras.Variable in agnostic mode) and
control_flow (a variable as a cond predicate).

Keras 3 variables have assign/assign_add/assign_sub of the whole value and
`.value`; Keras 2 code also called TF-only methods. Rewrites, on receivers known
to be such variables:

    v.read_value()                 -> keras.ops.copy(v)       (a snapshot, as in TF)
    v.value()                      -> v.value
    v.sparse_read(i)               -> keras.ops.take(v, i, axis=0)
    v.scatter_nd_update(i, u)      -> scatter_nd_update(v, i, u)      (runtime; _add, _sub too)
    v[key].assign(x)               -> assign_slice(v, key, x)         (runtime; "add"/"sub")
    v.assign(x, read_value=False)  -> v.assign(x)             (TF-only keywords dropped)
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._util import code, comma_separated

__all__ = ["LAYER", "PLAIN", "class_and_bases", "known_variable", "rewrite_method", "variables"]

LAYER = "layer"  # self.x of a Keras layer/model class of the file
PLAIN = "plain"  # a tf.Variable anywhere else
_MAKERS = ("add_weight", "add_variable")
_SCATTERS = {"scatter_nd_update": "scatter_nd_update", "scatter_nd_add": "scatter_nd_add",
             "scatter_nd_sub": "scatter_nd_sub"}
_SLICE_MODES = {"assign": None, "assign_add": "add", "assign_sub": "sub"}
_TF_ONLY_KEYWORDS = frozenset({"use_locking", "read_value", "name"})

Key = Tuple[Optional[str], str]  # (class of a `self.` receiver, normalised expression text)


@per_file
def variables(ctx) -> Dict[Key, str]:
    """Assignment targets of the file that hold variables, with their kind (once per file)."""
    found: Dict[Key, str] = {}
    tree, resolver = _scan.file_ast(ctx), _scan.names(ctx)
    if tree is not None and ("Variable" in ctx.source or "add_weight" in ctx.source or "add_variable" in ctx.source):
        layer_classes = _scan.keras_layer_classes(ctx)
        metric_classes = _scan.keras_metric_classes(ctx)
        classes = {n.name for _, n in _scan.def_nodes(ctx) if isinstance(n, ast.ClassDef)}
        for enclosing, node in _scan.def_nodes(ctx):
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call)):
                continue
            func = node.value.func
            tf_variable = resolver is not None and resolver.qualified(func) == "tensorflow.Variable"
            maker = (isinstance(func, ast.Attribute) and func.attr in _MAKERS
                     and isinstance(func.value, ast.Name) and func.value.id == "self")
            if not (tf_variable or maker):
                continue
            target = node.targets[0]
            cls = next((name for name in reversed(enclosing) if name in classes), None)
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                # A Metric's add_weight() makes a Keras variable too (its tf.Variables are
                # tf_variable's, plain ones).
                layer = cls in layer_classes or (maker and cls in metric_classes)
                kind = LAYER if layer else (PLAIN if tf_variable else None)
                if kind is not None:
                    found[(cls, ast.unparse(target))] = kind
            elif isinstance(target, ast.Name) and tf_variable:
                found[(None, target.id)] = PLAIN
        found.update(_variable_parameters(ctx, found, classes))
    return found


def _variable_parameters(ctx, found: Dict[Key, str], classes: Set[str]) -> Dict[Key, str]:
    """Parameters of the file's plain functions that every call in the file passes a
    plain tf.Variable of the file (`def bump(v): v.read_value()`, `bump(counter)`),
    unless the name is another parameter's too or holds something else in the file
    (the table is keyed by name, file-wide)."""
    plain = {text for (cls, text), kind in found.items() if cls is None and kind == PLAIN}
    if not plain:
        return {}
    functions = {}
    for enclosing, node in _scan.def_nodes(ctx):
        if isinstance(node, ast.FunctionDef) and not classes.intersection(enclosing):
            functions.setdefault(node.name, []).append(node)
    passed: Dict[Tuple[str, int], Set[bool]] = {}
    for node in _scan.nodes(ctx, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in functions:
            for i, arg in enumerate(node.args):
                passed.setdefault((node.func.id, i), set()).add(isinstance(arg, ast.Name) and arg.id in plain)
    stored = {n.id for n in _scan.nodes(ctx, ast.Name) if isinstance(n.ctx, ast.Store)}
    parameters: Dict[str, int] = {}
    for arg in _scan.nodes(ctx, ast.arg):
        parameters[arg.arg] = parameters.get(arg.arg, 0) + 1
    result: Dict[Key, str] = {}
    for (name, position), kinds in passed.items():
        if kinds != {True} or len(functions[name]) != 1:
            continue
        params = functions[name][0].args.args
        if position < len(params) and params[position].arg not in stored and parameters[params[position].arg] == 1:
            result[(None, params[position].arg)] = PLAIN
    return result


def known_variable(ctx, node: cst.BaseExpression) -> Optional[str]:
    """The kind of variable `node` (as written in the CST) refers to, or None."""
    if not isinstance(node, (cst.Name, cst.Attribute)):
        return None
    if _optimizer_iterations(node):
        return LAYER  # a Keras variable in Keras 3 whatever the mode
    table = variables(ctx)
    if not table:
        return None
    text = _scan.expr_key(node)
    if text is None:
        return None
    if not (text.startswith("self.") and ctx.class_stack):
        return table.get((None, text))
    for cls in class_and_bases(ctx, ctx.class_stack[-1].name.value):
        kind = table.get((cls, text))
        if kind is not None:
            return kind
    return None


@per_file
def _file_bases(ctx) -> Dict[str, Tuple[str, ...]]:
    """The file's classes and the names of their bases that are classes of the file."""
    classes = [n for _, n in _scan.def_nodes(ctx) if isinstance(n, ast.ClassDef)]
    names = {n.name for n in classes}
    return {n.name: tuple(b.id for b in n.bases if isinstance(b, ast.Name) and b.id in names) for n in classes}


def class_and_bases(ctx, name: str) -> List[str]:
    """`name` and its ancestors defined in the file (a subclass reads `self.x` its base
    made), nearest first, each once."""
    bases = _file_bases(ctx)
    order, pending = [], [name]
    while pending:
        current = pending.pop(0)
        if current not in order:
            order.append(current)
            pending.extend(bases.get(current, ()))
    return order


def _optimizer_iterations(node: cst.BaseExpression) -> bool:
    """`self.model.optimizer.iterations` & co (callbacks read it with read_value())."""
    if not (isinstance(node, cst.Attribute) and node.attr.value == "iterations"):
        return False
    owner = node.value
    name = owner.attr.value if isinstance(owner, cst.Attribute) else getattr(owner, "value", "")
    return isinstance(name, str) and name.endswith("optimizer")


def rewrite_method(ctx, call: cst.Call, kinds) -> Optional[cst.BaseExpression]:
    """`call` rewritten for a Keras 3 variable when it is a TF-only method call on a
    variable of one of `kinds`, else None. Runtime helpers are imported as needed."""
    func = call.func
    if not isinstance(func, cst.Attribute) or any(a.star for a in call.args):
        return None
    method = func.attr.value
    receiver = func.value
    if method in _SLICE_MODES and isinstance(receiver, cst.Subscript):
        if known_variable(ctx, receiver.value) in kinds:
            return _assign_slice(ctx, receiver, call, _SLICE_MODES[method])
        return None
    if known_variable(ctx, receiver) not in kinds:
        return None
    args = [a for a in call.args if a.keyword is None or a.keyword.value not in _TF_ONLY_KEYWORDS]
    keras = ctx.require_keras()
    if method == "read_value" and not args:
        return cst.parse_expression(f"{keras}.ops.copy({code(receiver)})")
    if method == "value" and not call.args:
        return func
    if method == "sparse_read" and len(args) == 1 and args[0].keyword is None:
        return cst.parse_expression(f"{keras}.ops.take({code(receiver)}, {code(args[0].value)}, axis=0)")
    if method in _SCATTERS and len(args) == 2 and all(a.keyword is None for a in args):
        ctx.use_runtime(_SCATTERS[method])
        return cst.parse_expression(
            f"{_SCATTERS[method]}({code(receiver)}, {code(args[0].value)}, {code(args[1].value)})")
    if method in _SLICE_MODES and len(args) != len(call.args):
        return call.with_changes(args=comma_separated(args))
    return None


def _assign_slice(ctx, subscript: cst.Subscript, call: cst.Call, mode: Optional[str]):
    values = [a for a in call.args if a.keyword is None or a.keyword.value == "value"]
    if len(values) != 1 or any(a.keyword is not None and a.keyword.value not in _TF_ONLY_KEYWORDS | {"value"}
                               for a in call.args):
        return None
    key = _key_code(subscript)
    if key is None:
        return None
    ctx.use_runtime("assign_slice")
    extra = "" if mode is None else f', "{mode}"'
    return cst.parse_expression(
        f"assign_slice({code(subscript.value)}, {key}, {code(values[0].value)}{extra})")


def _key_code(subscript: cst.Subscript) -> Optional[str]:
    """`v[a, 1:n]` -> "(a, slice(1, n))"; None for keys assign_slice cannot take."""
    parts = []
    for element in subscript.slice:
        index = element.slice
        if isinstance(index, cst.Index):
            if index.star is not None or (isinstance(index.value, cst.Name) and index.value.value == "None"):
                return None
            if isinstance(index.value, cst.Ellipsis):
                return None
            parts.append(code(index.value))
        elif isinstance(index, cst.Slice):
            bounds = [code(b) if b is not None else "None" for b in (index.lower, index.upper, index.step)]
            parts.append(f"slice({', '.join(bounds)})")
        else:
            return None
    if len(parts) == 1:
        return parts[0]
    return f"({', '.join(parts)})"


