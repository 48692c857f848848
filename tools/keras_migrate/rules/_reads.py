"""Rule mixins for rules that rewrite attribute reads on receivers they recognise.

StoreTargets: the expressions a statement assigns to or deletes (`x.attr = ...`), which
are not reads. SymbolicNames: names bound to symbolic tensors (keras.Input(...) and what
is computed from them), per function scope, in source order. LoopTargets: names bound by
`for` loops and comprehensions (and `enumerate(...)` over them) whose iterable the rule
recognises (`_loop_source`).
Mix them in before Rule: `class R(StoreTargets, LoopTargets, Rule)`.
"""

from __future__ import annotations

from typing import Dict, Set

import libcst as cst

from keras_migrate.engine import iter_nodes
from keras_migrate.rules import _scan

__all__ = ["BindingCounter", "LoopTargets", "StoreTargets", "SymbolicNames"]

_INPUTS = frozenset({"Input", "layers.Input"})


class BindingCounter:
    """Counts the traversal's bindings as _scan.BindingVersions does over the ast, so that
    `self._versions.key(scope, name)` names the binding an ast pre-pass recorded for the
    same place (notebook-style files rebind `model`)."""

    def __init__(self, ctx) -> None:
        super().__init__(ctx)  # type: ignore[call-arg]
        self._versions = _scan.BindingVersions()

    def visit_Assign(self, node: cst.Assign) -> None:
        self._versions.count_cst(_scan.cst_scope(self.ctx), node)  # type: ignore[attr-defined]

    def visit_For(self, node: cst.For) -> None:
        self._versions.count_cst(_scan.cst_scope(self.ctx), node)  # type: ignore[attr-defined]

    def visit_With(self, node: cst.With) -> None:
        self._versions.count_cst(_scan.cst_scope(self.ctx), node)  # type: ignore[attr-defined]


class StoreTargets:
    NODE_KEYED = ("_stores",)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)  # type: ignore[call-arg]
        self._stores: Set[int] = set()

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._stores.add(id(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._stores.add(id(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._stores.add(id(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        self._stores.add(id(node.target))

    def is_store(self, node: cst.CSTNode) -> bool:
        return id(node) in self._stores


class SymbolicNames:
    """Which names hold symbolic tensors (a functional model being built) where the
    traversal is: `x = keras.Input(...)` and assignments computed from such names; a
    function's own names shadow the enclosing ones; `for` and `with ... as` rebind."""

    def __init__(self, ctx) -> None:
        super().__init__(ctx)  # type: ignore[call-arg]
        self._symbolic: Dict[_scan.Scope, Set[str]] = {}

    def is_symbolic(self, node: cst.CSTNode) -> bool:
        names = self._symbolic.get(_scan.cst_scope(self.ctx))  # type: ignore[attr-defined]
        if not names:
            return False
        return any(isinstance(n, cst.Name) and n.value in names for n in iter_nodes(node))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._symbolic[_scan.cst_scope(self.ctx)] = set()  # type: ignore[attr-defined]

    def _rebound(self, target: cst.BaseExpression) -> None:
        names = self._symbolic.get(_scan.cst_scope(self.ctx))  # type: ignore[attr-defined]
        if names:
            names.difference_update(_scan.cst_assigned_names(target))

    def visit_For(self, node: cst.For) -> None:
        self._rebound(node.target)  # `for x, y in dataset:` rebinds x to data

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            if item.asname is not None:
                self._rebound(item.asname.name)

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        value = original.value
        path = (self.ctx.keras_path(value.func) or "") if isinstance(value, cst.Call) else ""  # type: ignore[attr-defined]
        # keras.Input(...) is symbolic; keras.Model(inputs, outputs) / layers.Dense(...)
        # make a model or layer, not a tensor, whatever they were given.
        symbolic = path in _INPUTS or (not path.rpartition(".")[2][:1].isupper()
                                       and self.is_symbolic(value))  # type: ignore[attr-defined]
        names = self._symbolic.setdefault(_scan.cst_scope(self.ctx), set())  # type: ignore[attr-defined]
        for target in original.targets:
            for name in _scan.cst_assigned_names(target.target):
                if symbolic:
                    names.add(name)
                else:
                    names.discard(name)
        return updated


class LoopTargets:
    def __init__(self, ctx) -> None:
        super().__init__(ctx)  # type: ignore[call-arg]
        self.loop_names: Set[str] = set()

    def _loop_source(self, node: cst.BaseExpression) -> bool:
        raise NotImplementedError

    def visit_For(self, node: cst.For) -> None:
        self._loop(node.iter, node.target)

    # A comprehension's element is visited before its `for`: read the loops first.
    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node.for_in)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node.for_in)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node.for_in)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node.for_in)

    def _comprehension(self, for_in: cst.CompFor) -> None:
        while for_in is not None:
            self._loop(for_in.iter, for_in.target)
            for_in = for_in.inner_for_in

    def _loop(self, source: cst.BaseExpression, target: cst.BaseExpression) -> None:
        if isinstance(source, cst.Call) and isinstance(source.func, cst.Name) and source.func.value == "enumerate" \
                and source.args and isinstance(target, cst.Tuple) and len(target.elements) == 2:
            source, target = source.args[0].value, target.elements[1].value
        if self._loop_source(source) and isinstance(target, cst.Name):
            self.loop_names.add(target.value)
