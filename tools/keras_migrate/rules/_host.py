"""Eager host code: TensorFlow-only ops in functions that only module-level code and
Keras callbacks call.

keras.io's OCR examples decode predictions and measure edit distances on the host
(`tf.sparse.from_dense`, `tf.edit_distance`, one-argument `tf.where`, `tf.strings`), in
plain functions a callback or the script calls. That code runs eagerly, never under a
backend's tracing: TensorFlow stays installed and converts NumPy and CPU backend arrays,
as at module level. What such ops return are TF tensors (sparse ones too), which
keras.ops cannot take on JAX; so in such a function the TF-only calls, the TF calls on
their results (through the function's local names), the TF calls around them and the
TF calls in their arguments stay as written; every other TF op is rewritten as
anywhere else, and the file is not kept on TensorFlow for them.

Not host code: functions passed as values (losses, map functions), decorated, called
from model code, or that build Keras layers and models (their TF ops meet KerasTensors).
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, Optional, Set

import libcst as cst

from keras_migrate.engine import ast_children, iter_nodes, ast_walk
from keras_migrate.rules._facts import FileFacts, per_file
from keras_migrate.rules._scan import file_ast, names as ast_names
from keras_migrate.spec import keras_path
from keras_migrate.spec._tf_ops import (
    TENSORFLOW_ONLY_APIS, TF_NO_EQUIVALENT_BY_NAME, TF_OPS_BY_NAME, owned_elsewhere)

__all__ = ["host_kept_calls"]

_TF = "tensorflow."
_ONE_ARGUMENT_WHERE = frozenset({"tensorflow.where", "tensorflow.where_v2", "tensorflow.compat.v2.where"})
_TF_ONLY_PREFIXES = tuple(p[len(_TF):] for entry in TENSORFLOW_ONLY_APIS for p in entry.prefixes if p.startswith(_TF))


def _callback_classes(ctx) -> FrozenSet[str]:
    return ctx.facts(FileFacts).keras_subclasses("callbacks.", "Callback")


def _builds_keras_objects(function: ast.FunctionDef, names) -> bool:
    """Makes Keras layers, Inputs or models: its TF ops may meet KerasTensors."""
    for node in ast_walk(function):
        if isinstance(node, ast.Call):
            path = names.keras(node.func) or ""
            if path.startswith(("layers.", "Input", "Model", "Sequential", "models.")):
                return True
    return False


@per_file
def host_functions(ctx) -> FrozenSet[str]:
    """Module-level functions that only ever run eagerly on the host: every use of the
    name is a direct call at module level, in a Keras callback's method, or in another
    such function; undecorated, building no Keras layers or models."""
    tree, names = file_ast(ctx), ast_names(ctx)
    if tree is None or names is None:
        return frozenset()
    candidates = {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.decorator_list
                  and not _builds_keras_objects(n, names)}
    if not candidates:
        return frozenset()
    callbacks = _callback_classes(ctx)
    # name -> contexts of its uses: None (a host place) or the calling candidate's name;
    # "" marks a use that is not a host call.
    uses: Dict[str, Set[Optional[str]]] = {}
    for top in tree.body:
        if isinstance(top, ast.FunctionDef) and top.name in candidates:
            place: Optional[str] = top.name
        elif isinstance(top, ast.ClassDef):
            place = None if top.name in callbacks else ""
        elif isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)):
            place = ""
        else:
            place = None
        if isinstance(top, ast.ClassDef):  # its methods run where the class's instances are used
            stack = [(item, place) for method in top.body for item in (
                method.body if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) else [method])]
        elif isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack = [(item, place) for item in top.body + top.decorator_list]
        else:
            stack = [(top, place)]
        while stack:
            node, where = stack.pop()
            if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                where = ""  # nested functions may run anywhere (tf.data maps, Lambda layers, models)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in candidates:
                uses.setdefault(node.func.id, set()).add(where)
                children = [c for c in ast_children(node) if c is not node.func]
            else:
                if isinstance(node, ast.Name) and node.id in candidates and isinstance(node.ctx, ast.Load):
                    uses.setdefault(node.id, set()).add("")
                children = ast_children(node)
            stack.extend((child, where) for child in children)
    host = {name for name in candidates if uses.get(name) and "" not in uses[name]}
    changed = True
    while changed:  # a function called only from host functions is one too
        changed = False
        for name in sorted(host):
            if any(where is not None and where not in host for where in uses[name]):
                host.discard(name)
                changed = True
    return frozenset(host)


def _host_function(ctx) -> Optional[cst.FunctionDef]:
    """The outermost function being visited when it is host code: a host function, or a
    method of a Keras callback."""
    if not ctx.function_stack:
        return None
    outer = ctx.function_stack[0]
    if ctx.class_stack:
        return outer if ctx.class_stack[0].name.value in _callback_classes(ctx) and len(ctx.class_stack) == 1 else None
    return outer if outer.name.value in host_functions(ctx) else None


def _tf_only(qualified: str, call: cst.Call) -> bool:
    if qualified in _ONE_ARGUMENT_WHERE and len(call.args) == 1:
        return True  # the indices of True elements: a data-dependent shape (KM200 refuses it)
    if not qualified.startswith(_TF) or keras_path(qualified) is not None or qualified in TF_OPS_BY_NAME:
        return False
    rel = qualified[len(_TF):]
    if qualified in TF_NO_EQUIVALENT_BY_NAME or rel.startswith(_TF_ONLY_PREFIXES):
        return True
    return not owned_elsewhere(rel)


class _Kept:
    """Per function (by id of the original FunctionDef): ids of the original Call nodes,
    and of their function expressions, kept as written."""

    def __init__(self, ctx) -> None:
        self.by_function: Dict[int, FrozenSet[int]] = {}


def host_kept_calls(ctx) -> FrozenSet[int]:
    """In host code (see the module docstring): ids of the original TF calls (and their
    function expressions) that stay as written; empty elsewhere."""
    function = _host_function(ctx)
    if function is None:
        return frozenset()
    cache = ctx.node_facts(_Kept).by_function
    found = cache.get(id(function))
    if found is None:
        found = cache[id(function)] = _kept_in(ctx, function)
    return found


def _kept_in(ctx, function: cst.FunctionDef) -> FrozenSet[int]:
    nodes = list(iter_nodes(function.body))
    tf_calls = [n for n in nodes if isinstance(n, cst.Call)
                and (ctx.qualified_name(n.func) or "").startswith(_TF) and keras_path(ctx.qualified_name(n.func)) is None]
    if not tf_calls:
        return frozenset()
    inside = {id(call): {id(n) for n in iter_nodes(call)} for call in tf_calls}
    names_in = {id(call): {n.value for n in iter_nodes(call) if isinstance(n, cst.Name)} for call in tf_calls}
    kept = {id(call) for call in tf_calls if _tf_only(ctx.qualified_name(call.func), call)}
    if not kept:
        return frozenset()
    # each assignment: (ids of its value's nodes, names its value reads, names it binds)
    assigns = [({id(n) for n in iter_nodes(a.value)},
                {n.value for n in iter_nodes(a.value) if isinstance(n, cst.Name)},
                {n.value for t in a.targets for n in iter_nodes(t.target) if isinstance(n, cst.Name)})
               for a in nodes if isinstance(a, cst.Assign)]
    tainted: Set[str] = set()
    changed = True
    while changed:
        changed = False
        for values, value_names, targets in assigns:  # names holding what kept calls return
            if (kept & values or tainted & value_names) and not targets <= tainted:
                tainted |= targets
                changed = True
        for call in tf_calls:
            if id(call) in kept:
                continue
            # on a kept value, around a kept call, or inside a kept call's arguments
            if names_in[id(call)] & tainted or kept & (inside[id(call)] - {id(call)}) \
                    or any(id(call) in inside[k] for k in kept):
                kept.add(id(call))
                changed = True
    return frozenset(kept | {id(call.func) for call in tf_calls if id(call) in kept}
                     | {id(n) for call in tf_calls if id(call) in kept for n in iter_nodes(call.func)})
