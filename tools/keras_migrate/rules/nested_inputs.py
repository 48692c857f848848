"""KM142 nested_inputs: deeply nested functional-model inputs -> one flat dict.

The guide (Keras 3.0): Model() rejects inputs nested more than one level (a dict of
dicts). Measured on the pinned Keras 3.15.1: nested dict inputs are accepted again, so
this rewrite is about portability to the Keras 3 versions the guide describes; it is
applied only where it is provably consistent, and everything else is left alone.

A dict literal of keras.Input leaves nested two or more levels (`{"foo": Input,
"bar": {"baz": Input}}`) that is the `inputs` of a keras.Model in the same scope is
flattened to `{"foo": ..., "bar_baz": ...}` when every other use of it is a subscript
chain down to a leaf (`inputs["bar"]["baz"]` -> `inputs["bar_baz"]`). The data fed to
that model's fit/predict/evaluate/__call__ is flattened the same way when it is a dict
literal (in the call, or a variable assigned once and only subscripted to leaves);
when other code feeds the model (a tf.data pipeline, a function's result) nothing is
flattened and an info diagnostic gives the exact flat keys to use.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules import _scan

__all__ = ["NestedInputs"]

_MODEL = ("Model", "models.Model")
_FEEDS = ("fit", "predict", "evaluate", "train_on_batch", "predict_on_batch", "test_on_batch")
Path = Tuple[str, ...]


def _leaf_paths(node: ast.AST, prefix: Path = ()) -> Optional[List[Path]]:
    """Paths to the non-dict leaves of a dict literal with string keys (None otherwise)."""
    if not isinstance(node, ast.Dict):
        return [prefix]
    out: List[Path] = []
    for key, value in zip(node.keys, node.values):
        name = _scan.string_value(key) if key is not None else None
        if name is None:
            return None
        inner = _leaf_paths(value, prefix + (name,))
        if inner is None:
            return None
        out.extend(inner)
    return out


def _chain(node: ast.AST) -> Optional[Tuple[str, Path]]:
    """`v["a"]["b"]` -> ("v", ("a", "b"))."""
    keys: List[str] = []
    while isinstance(node, ast.Subscript):
        key = _scan.string_value(node.slice)
        if key is None:
            return None
        keys.append(key)
        node = node.value
    if not isinstance(node, ast.Name) or not keys:
        return None
    return node.id, tuple(reversed(keys))


def _flat(path: Path) -> str:
    return "_".join(path)


class _Plan:
    def __init__(self, ctx) -> None:
        self.flatten: Set[Tuple[_scan.Scope, str]] = set()  # variables whose dict literal is flattened
        self.paths: Dict[Tuple[_scan.Scope, str], Set[Path]] = {}
        self.models: Dict[Tuple[_scan.Scope, str], Set[Path]] = {}  # model -> input leaf paths
        self.problems: List[Tuple[_scan.Scope, str, str]] = []
        self.inline_feeds: Set[str] = set()  # expr_key of nested feeding dict literals to flatten
        names = _scan.names(ctx)
        nodes = _scan.scoped_nodes(ctx)
        assigns: Dict[Tuple[_scan.Scope, str], List[ast.Assign]] = {}
        for scope, node in nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                assigns.setdefault((scope, node.targets[0].id), []).append(node)
        structures: Dict[Tuple[_scan.Scope, str], List[Path]] = {}
        # model -> the variables and inline literals that must be flattened together
        groups: Dict[Tuple[_scan.Scope, str], Dict[str, Set]] = {}
        for key, found in assigns.items():
            if len(found) != 1 or not isinstance(found[0].value, ast.Dict):
                continue
            paths = _leaf_paths(found[0].value)
            if not paths or max(len(p) for p in paths) < 2:
                continue
            structures[key] = paths
        if not structures:
            return
        # Models built from a nested input structure, and what feeds them.
        for scope, node in nodes:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and isinstance(node.value, ast.Call) and names.keras(node.value.func) in _MODEL):
                continue
            kw = _scan.call_keywords(node.value)
            arg = kw.get("inputs", node.value.args[0] if node.value.args else None)
            if isinstance(arg, ast.Name):
                key = (scope, arg.id) if (scope, arg.id) in structures else ((), arg.id)
                if key in structures and all(isinstance(_leaf_value(assigns[key][0].value, p), ast.Call)
                                             for p in structures[key]):
                    self.models[(scope, node.targets[0].id)] = set(structures[key])
                    self.flatten.add(key)
                    groups.setdefault((scope, node.targets[0].id), {"vars": {key}, "inline": set(), "failed": False})
        if not self.models:
            return
        feeders: Set[Tuple[_scan.Scope, str]] = set()
        for scope, node in nodes:
            if not isinstance(node, ast.Call):
                continue
            model = None
            if isinstance(node.func, ast.Attribute) and node.func.attr in _FEEDS and isinstance(node.func.value, ast.Name):
                model = node.func.value.id
            elif isinstance(node.func, ast.Name):
                model = node.func.id
            if model is None:
                continue
            mkey = (scope, model) if (scope, model) in self.models else ((), model)
            if mkey not in self.models or not node.args:
                continue
            data = node.args[0]
            wanted = self.models[mkey]
            if isinstance(data, ast.Name):
                dkey = (scope, data.id) if (scope, data.id) in assigns else ((), data.id)
                if dkey in structures and set(structures[dkey]) == wanted:
                    feeders.add(dkey)
                    groups[mkey]["vars"].add(dkey)
                    continue
            elif isinstance(data, ast.Dict) and set(_leaf_paths(data) or ()) == wanted:
                groups[mkey]["inline"].add(_scan.expr_key(data) or "")
                continue
            groups[mkey]["failed"] = True
            self.problems.append((scope, _scan.expr_key(node) or "", "feeds a model with nested inputs; flat keys would be "
                                        + ", ".join(repr(_flat(p)) for p in sorted(wanted))))
        self.flatten |= feeders
        # Every other use must be a subscript chain to a leaf.
        for key in list(self.flatten):
            self.paths[key] = set(structures[key])
        self._check_uses(nodes)
        # All or nothing per model: flat inputs with nested data would break the feeding.
        for group in groups.values():
            if group["vars"] <= self.flatten and not group["failed"]:
                self.inline_feeds |= group["inline"]
            else:
                for key in group["vars"]:
                    self.flatten.discard(key)
                    self.paths.pop(key, None)

    def _check_uses(self, nodes) -> None:
        loads: Dict[Tuple[_scan.Scope, str], int] = {}
        covered: Dict[Tuple[_scan.Scope, str], int] = {}
        inner_subscripts = set()
        for scope, node in nodes:
            if isinstance(node, ast.Subscript) and _scan.string_value(node.slice) is not None:
                inner_subscripts.add(id(node.value))
        for scope, node in nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                for key in ((scope, node.id), ((), node.id)):
                    if key in self.paths:
                        loads[key] = loads.get(key, 0) + 1
                        break
            elif isinstance(node, ast.Subscript) and id(node) not in inner_subscripts:
                chain = _chain(node)
                if chain is None:
                    continue
                for key in ((scope, chain[0]), ((), chain[0])):
                    if key in self.paths:
                        if chain[1] in self.paths[key]:
                            covered[key] = covered.get(key, 0) + 1
                        break
            elif isinstance(node, ast.Call):  # model construction / feeding: allowed uses
                for arg in list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "inputs"]:
                    if isinstance(arg, ast.Name):
                        for key in ((scope, arg.id), ((), arg.id)):
                            if key in self.paths:
                                covered[key] = covered.get(key, 0) + 1
                                break
        for key in list(self.paths):
            if loads.get(key, 0) != covered.get(key, 0):
                self.flatten.discard(key)
                del self.paths[key]


def _leaf_value(node: ast.AST, path: Path) -> ast.AST:
    for key in path:
        for k, v in zip(node.keys, node.values):
            if _scan.string_value(k) == key:
                node = v
                break
    return node


def _flat_dict(node: cst.Dict, prefix: Path = ()) -> List[cst.DictElement]:
    out: List[cst.DictElement] = []
    for element in node.elements:
        key = element.key.evaluated_value
        if isinstance(element.value, cst.Dict):
            out.extend(_flat_dict(element.value, prefix + (key,)))
        else:
            out.append(element.with_changes(key=cst.SimpleString(repr(_flat(prefix + (key,))).replace("'", '"'))
                                            if prefix else element.key))
    return out


def _flattened(node: cst.Dict) -> cst.Dict:
    elements = _flat_dict(node)
    # Separators: what the original top-level entries used (one per line or inline).
    first, last = node.elements[0].comma, node.elements[-1].comma
    if len(node.elements) == 1 or not isinstance(first, cst.Comma):
        first = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    fixed = [element.with_changes(comma=last if i == len(elements) - 1 else first)
             for i, element in enumerate(elements)]
    return node.with_changes(elements=fixed)


class NestedInputs(Rule):
    id = "KM142"
    name = "nested_inputs"
    description = "Flatten functional-model inputs nested more than one level deep into one dict, with the feeding code."
    TRIGGERS = ("Input",)
    EXAMPLES = (
        Example(
            before="""
            import keras

            inputs = {
                "foo": keras.Input(shape=(1,), name="foo"),
                "bar": {
                    "baz": keras.Input(shape=(1,), name="bar"),
                },
            }
            outputs = inputs["foo"] + inputs["bar"]["baz"]
            model = keras.Model(inputs, outputs)
            model.predict({"foo": a, "bar": {"baz": b}})
            """,
            after="""
            import keras

            inputs = {
                "foo": keras.Input(shape=(1,), name="foo"),
                "bar_baz": keras.Input(shape=(1,), name="bar"),
            }
            outputs = inputs["foo"] + inputs["bar_baz"]
            model = keras.Model(inputs, outputs)
            model.predict({"foo": a, "bar_baz": b})
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._plan: Optional[_Plan] = None
        if "{" in ctx.source:
            plan = _Plan(ctx)
            if plan.flatten or plan.problems:
                self._plan = plan
                self._problems = {(scope, key): why for scope, key, why in plan.problems}

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        plan = self._plan
        if plan is None or len(original.targets) != 1 or not isinstance(original.targets[0].target, cst.Name):
            return updated
        key = (_scan.cst_scope(self.ctx), original.targets[0].target.value)
        if key not in plan.flatten or not isinstance(updated.value, cst.Dict):
            return updated
        self.fired()
        return updated.with_changes(value=_flattened(updated.value))

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        plan = self._plan
        if plan is None or not isinstance(original.value, cst.Subscript):
            return updated
        keys: List[str] = []
        node: cst.BaseExpression = original
        while isinstance(node, cst.Subscript):
            if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index) \
                    or not isinstance(node.slice[0].slice.value, cst.SimpleString):
                return updated
            keys.append(node.slice[0].slice.value.evaluated_value)
            node = node.value
        if not isinstance(node, cst.Name):
            return updated
        scope = _scan.cst_scope(self.ctx)
        key = (scope, node.value) if (scope, node.value) in plan.paths else ((), node.value)
        path = tuple(reversed(keys))
        if key not in plan.paths or path not in plan.paths[key]:
            return updated
        self.fired()
        return cst.Subscript(value=cst.Name(node.value), slice=[cst.SubscriptElement(cst.Index(
            cst.SimpleString('"' + _flat(path) + '"')))])

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        plan = self._plan
        if plan is None:
            return updated
        func = original.func
        feeding = (isinstance(func, cst.Attribute) and func.attr.value in _FEEDS) or isinstance(func, cst.Name)
        if not feeding:
            return updated
        why = None
        if self._problems:
            why = self._problems.get((_scan.cst_scope(self.ctx), _scan.expr_key(original) or ""))
        if why is not None:
            self.report(original, f"this call {why} (the model's nested inputs were left nested: Keras 3.15 "
                                  "accepts them, the Keras 3 versions the guide describes do not)",
                        fix="feed a flat dict and flatten the model's inputs dict the same way",
                        severity=Severity.INFO)
        if not plan.inline_feeds or not updated.args or not isinstance(updated.args[0].value, cst.Dict):
            return updated
        if _scan.expr_key(original.args[0].value) not in plan.inline_feeds:
            return updated
        args = list(updated.args)
        args[0] = args[0].with_changes(value=_flattened(args[0].value))
        self.fired()
        return updated.with_changes(args=args)
