"""Rule mixins for rules that rewrite attribute reads on receivers they recognise.

StoreTargets: the expressions a statement assigns to or deletes (`x.attr = ...`), which
are not reads. LoopTargets: names bound by `for` loops and comprehensions (and
`enumerate(...)` over them) whose iterable the rule recognises (`_loop_source`).
Mix them in before Rule: `class R(StoreTargets, LoopTargets, Rule)`.
"""

from __future__ import annotations

from typing import Set

import libcst as cst

__all__ = ["LoopTargets", "StoreTargets"]


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
