"""KM147 none_in_nested_args: None inside nested call() arguments -> optional arguments.

The guide (Keras 3.0): None entries are not allowed in nested tensor arguments of
Layer.call() nor in its nested return values. Measured on the pinned Keras 3.15.1 (TF,
JAX and torch backends): nested *arguments* holding None work again, nested *return
values* holding None still fail ("All operation outputs must be tensors").

- `return x, None` / `return [x, None]` / `{"a": x, "b": None}` in a layer's call() is
  diagnosed (no mechanical fix: callers index the result), at any depth (`x, (h, None)`),
  through conditional expressions (`x, (w if flag else None)`) and through names of
  call() assigned None (`state = None ... return x, state`). Only functional models
  fail (eager calls and subclassed models still work): a warning, not a rewrite.
- The guide's Solution 2 is applied where it is mechanical: a layer of the file whose
  call(self, inputs) starts with `a, b = inputs` (and uses `inputs` nowhere else), every
  call site of which passes a list/tuple literal of that length, one of them with a
  None: call() becomes `call(self, a, b=None)` and the call sites pass the tensors as
  arguments (`layer([x, None])` -> `layer(x)`, `layer([x, y])` -> `layer(x, b=y)`).
  Names Keras fills in itself (`mask`, `training`) are not used as parameters: such
  layers are diagnosed instead.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk, is_docstring
from keras_migrate.rules import _scan
from keras_migrate.rules._util import NO_SPACE, comma_separated, keyword

__all__ = ["NoneInNestedArgs"]

_RESERVED = frozenset({"mask", "training", "self"})


class _Plan:
    """Per layer class: the unpacked names, if its call sites allow the rewrite."""

    def __init__(self, ctx) -> None:
        self.classes: Dict[str, List[str]] = {}  # class -> parameter names (a, b, ...)
        self.instances: Dict[Tuple[_scan.Scope, str], str] = {}  # layer variables -> class
        self.blocked: Dict[str, str] = {}  # class -> why not (reported at the class)
        nodes = _scan.scoped_nodes(ctx)
        layer_classes = _scan.keras_layer_classes(ctx)
        candidates: Dict[str, List[str]] = {}
        for _, node in nodes:
            if isinstance(node, ast.ClassDef) and node.name in layer_classes:
                unpacked = _unpacking(node)
                if unpacked is not None:
                    candidates[node.name] = unpacked
        if not candidates:
            return
        for scope, node in nodes:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                    and node.value.func.id in candidates):
                self.instances[(scope, node.targets[0].id)] = node.value.func.id
        sites: Dict[str, List[ast.Call]] = {name: [] for name in candidates}
        for scope, node in nodes:
            if not isinstance(node, ast.Call):
                continue
            cls = self._class_of_call(scope, node.func)
            if cls in candidates:
                sites[cls].append(node)
        for name, params in candidates.items():
            calls = sites[name]
            # Every use of the class must be a construction we saw applied somewhere.
            ok = bool(calls) and all(
                len(c.args) == 1 and not c.keywords and isinstance(c.args[0], (ast.List, ast.Tuple))
                and len(c.args[0].elts) == len(params) and not any(isinstance(e, ast.Starred) for e in c.args[0].elts)
                for c in calls)
            has_none = any(_is_none(e) for c in calls for e in (c.args[0].elts if c.args and isinstance(
                c.args[0], (ast.List, ast.Tuple)) else ()))
            if not has_none:
                continue
            if set(params) & _RESERVED:
                self.blocked[name] = "its unpacked names include one Keras fills in itself (mask/training)"
            elif not ok:
                self.blocked[name] = "not every call site passes a list of the same length"
            else:
                self.classes[name] = params

    def _class_of_call(self, scope, func) -> Optional[str]:
        if isinstance(func, ast.Call) and isinstance(func.func, ast.Name):
            return func.func.id  # Layer(...)(args)
        if isinstance(func, ast.Name):
            return self.instances.get((scope, func.id)) or self.instances.get(((), func.id))
        return None


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _unpacking(cls: ast.ClassDef) -> Optional[List[str]]:
    call = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "call"), None)
    if call is None or len(call.args.args) != 2 or call.args.vararg or call.args.kwarg or call.args.kwonlyargs:
        return None
    param = call.args.args[1].arg
    body = call.body
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):  # docstring
        body = body[1:]
        first = body[0] if body else None
    if not (isinstance(first, ast.Assign) and len(first.targets) == 1
            and isinstance(first.targets[0], (ast.Tuple, ast.List)) and isinstance(first.value, ast.Name)
            and first.value.id == param and all(isinstance(e, ast.Name) for e in first.targets[0].elts)):
        return None
    uses = sum(1 for n in ast_walk(call) if isinstance(n, ast.Name) and n.id == param)
    if uses != 1:
        return None
    return [e.id for e in first.targets[0].elts]


class NoneInNestedArgs(Rule):
    id = "KM147"
    name = "none_in_nested_args"
    description = "Turn None entries of nested layer-call arguments into optional call() arguments; diagnose None in nested call() results."
    TRIGGERS = ("None",)
    EXAMPLES = (
        Example(
            before="""
            import keras

            class MaybeMask(keras.layers.Layer):
                def call(self, inputs):
                    values, scale = inputs
                    if scale is None:
                        return values * 2.0
                    return values * scale

            layer = MaybeMask()
            a = layer([x, None])
            b = MaybeMask()([x, y])
            """,
            after="""
            import keras

            class MaybeMask(keras.layers.Layer):
                def call(self, values, scale=None):
                    if scale is None:
                        return values * 2.0
                    return values * scale

            layer = MaybeMask()
            a = layer(x)
            b = MaybeMask()(x, scale=y)
            """,
        ),
        Example(
            before="""
            import keras

            class Split(keras.layers.Layer):
                def call(self, x):
                    return x, None
            """,
            diagnostics=("KM147",),
        ),
        Example(
            before="""
            import keras

            class Attention(keras.layers.Layer):
                def call(self, x, return_scores=False):
                    scores = keras.ops.softmax(x) if return_scores else None
                    return {"output": x, "extras": (x, scores)}
            """,
            diagnostics=("KM147",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._plan: Optional[_Plan] = None
        self._none_names: List[Optional[Set[str]]] = []

    def _get_plan(self) -> _Plan:
        if self._plan is None:
            self._plan = _Plan(self.ctx)
        return self._plan

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        plan = self._get_plan()
        why = plan.blocked.get(node.name.value)
        if why is not None:
            self.report(node, f"{node.name.value}.call() is passed None inside a list; the guide's fix (an "
                              f"optional argument) is not applied automatically: {why}",
                        fix="define call(self, first, other=None) and call the layer as layer(x, other=y)")

    # -- None inside nested call() results ----------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        in_layer_call = (node.name.value == "call" and self.ctx.class_stack and len(self.ctx.function_stack) == 1
                         and self.ctx.class_stack[-1].name.value in _scan.keras_layer_classes(self.ctx))
        # Names of call() that may hold None (`state = None`, `a if c else None`).
        self._none_names.append(set() if in_layer_call else None)

    def visit_Assign(self, node: cst.Assign) -> None:
        names = self._none_names[-1] if self._none_names else None
        if names is None or not _may_be_none(node.value, names):
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                names.add(target.target.value)

    def leave_Return(self, original: cst.Return, updated: cst.Return):
        names = self._none_names[-1] if self._none_names else None
        if names is None or original.value is None:
            return updated
        if _nested_none(original.value, names):
            self.report(original, "Keras 3 layers cannot return None inside a nested result: a functional model "
                                  "(keras.Input) fails with 'All operation outputs must be tensors' (eager calls "
                                  "and subclassed models still work)",
                        fix="return only tensors (drop the None entry, or return a placeholder tensor such as "
                            "keras.ops.zeros_like(x)) and update the callers")
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        if self._none_names:
            self._none_names.pop()
        if original.name.value != "call" or not self.ctx.class_stack or len(self.ctx.function_stack) != 1:
            return updated
        params = self._get_plan().classes.get(self.ctx.class_stack[-1].name.value)
        if params is None:
            return updated
        body = list(updated.body.body)
        index = 0
        if is_docstring(body[0]):
            index = 1
        del body[index]
        new_params = [updated.params.params[0], updated.params.params[1].with_changes(name=cst.Name(params[0]))]
        for name in params[1:]:
            new_params.append(cst.Param(cst.Name(name), default=cst.Name("None"), equal=NO_SPACE))
        new_params = comma_separated(new_params)
        self.fired()
        return updated.with_changes(params=updated.params.with_changes(params=new_params),
                                    body=updated.body.with_changes(body=body))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        plan = self._plan
        if plan is None or not plan.classes:
            return updated
        func = original.func
        cls = None
        if isinstance(func, cst.Call) and isinstance(func.func, cst.Name):
            cls = func.func.value
        elif isinstance(func, cst.Name):
            scope = _scan.cst_scope(self.ctx)
            cls = plan.instances.get((scope, func.value)) or plan.instances.get(((), func.value))
        params = plan.classes.get(cls) if cls else None
        if params is None or len(updated.args) != 1 or not isinstance(updated.args[0].value, (cst.List, cst.Tuple)):
            return updated
        elements = [e.value for e in updated.args[0].value.elements]
        args = [cst.Arg(elements[0])]
        for name, value in zip(params[1:], elements[1:]):
            if isinstance(value, cst.Name) and value.value == "None":
                continue
            args.append(keyword(name, value))
        args = comma_separated(args, last=None)
        self.fired()
        return updated.with_changes(args=args)


def _is_none_name(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _may_be_none(node: cst.BaseExpression, names: Set[str]) -> bool:
    """`None`, a name of `names`, or a conditional expression with such a branch."""
    if _is_none_name(node) or (isinstance(node, cst.Name) and node.value in names):
        return True
    if isinstance(node, cst.IfExp):
        return _may_be_none(node.body, names) or _may_be_none(node.orelse, names)
    return False


def _entries(node: cst.BaseExpression) -> Optional[List[cst.BaseExpression]]:
    if isinstance(node, (cst.Tuple, cst.List)):
        return [e.value for e in node.elements]
    if isinstance(node, cst.Dict):
        return [e.value for e in node.elements if isinstance(e, cst.DictElement)]
    return None


def _nested_none(node: cst.BaseExpression, names: Set[str]) -> bool:
    """A returned value that is a tuple/list/dict holding (at any depth) an entry that
    may be None. A bare `return None` is no nested result."""
    if isinstance(node, cst.IfExp):
        return _nested_none(node.body, names) or _nested_none(node.orelse, names)
    entries = _entries(node)
    if entries is None:
        return False
    return any(_may_be_none(e, names) or _nested_none(e, names) for e in entries)

