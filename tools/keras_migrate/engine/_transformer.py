"""One traversal for all rules.

libcst's default on_visit/on_leave look a method up by name for every node; with a
dozen rules that dominates the run. We resolve each rule's visit_*/leave_* methods once
into per-node-type dispatch tables, so a node nobody cares about costs one dict lookup.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Type, Union

import libcst as cst

from keras_migrate.engine._context import RuleContext
from keras_migrate.engine._regions import Region
from keras_migrate.engine._rule import Rule
from keras_migrate.engine._walk import LEAVES, TRIVIA

__all__ = ["BatchedTransformer"]

_VisitFn = Callable[[cst.CSTNode], object]
_LeaveFn = Callable[[cst.CSTNode, cst.CSTNode], Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel]]


def _node_type(name: str) -> Type[cst.CSTNode]:
    node_type = getattr(cst, name, None)
    if not (isinstance(node_type, type) and issubclass(node_type, cst.CSTNode)):
        raise TypeError(f"no libcst node type {name!r}")
    return node_type


_SKIP = object()
_FIELD_NAMES: Dict[type, Tuple[str, ...]] = {
    t: tuple(f.name for f in dataclasses.fields(t)) for t in LEAVES}


def _copy(node: cst.CSTNode) -> cst.CSTNode:
    """What libcst's rebuild of a leaf gives (its children are kept as they are): a new
    node with the same fields, without the dataclass constructor and validation."""
    copy = object.__new__(type(node))
    for name in _FIELD_NAMES[type(node)]:
        object.__setattr__(copy, name, getattr(node, name))
    return copy


@functools.lru_cache(maxsize=512)
def _handlers(rule_type: type) -> Tuple[Tuple[bool, type, str], ...]:
    """(is a visit, node type, method name) of a rule class's visit_*/leave_* methods, in
    dir() order (read once per class, not once per file)."""
    found = []
    for attr in dir(rule_type):
        if attr.startswith("visit_"):
            found.append((True, _node_type(attr[6:]), attr))
        elif attr.startswith("leave_"):
            found.append((False, _node_type(attr[6:]), attr))
    return tuple(found)


# Node types the traversal itself keeps track of (class/function stacks, imports, aliases).
_TRACKED = frozenset({cst.ClassDef, cst.FunctionDef, cst.Import, cst.ImportFrom, cst.Assign})
# Compound statements: what the rules made of each is recorded (RuleContext.original_of).
_COMPOUND = frozenset(t for t in vars(cst).values()
                      if isinstance(t, type) and issubclass(t, cst.BaseCompoundStatement)
                      and t is not cst.BaseCompoundStatement)


class BatchedTransformer(cst.CSTTransformer):
    def __init__(self, ctx: RuleContext, rules: Sequence[Rule]) -> None:
        super().__init__()
        self.ctx = ctx
        self.rules = list(rules)
        self._visit: Dict[type, List[_VisitFn]] = {}
        self._leave: Dict[type, List[_LeaveFn]] = {}
        for rule in self.rules:
            for is_visit, node_type, attr in _handlers(type(rule)):
                (self._visit if is_visit else self._leave).setdefault(node_type, []).append(getattr(rule, attr))
        # The regions the rules declared, by the node type that opens them (each once).
        self._regions: Dict[type, List[Region]] = {}
        for rule in self.rules:
            for region in type(rule).regions:
                listed = self._regions.setdefault(region.node_type, [])
                if region not in listed:
                    listed.append(region)
        # One lookup per node: most nodes (whitespace, punctuation, names nobody asks
        # about) have nothing to do, and libcst calls on_visit/on_leave for every one.
        busy = set(self._visit) | set(self._leave) | set(self._regions) | _TRACKED | _COMPOUND
        # Whitespace and punctuation (two thirds of the nodes) hold nothing but more of
        # the same: unless a rule asks about such nodes, libcst need not enter (and
        # rebuild) them; they stay as parsed. Then names, numbers and strings (whose
        # children are only that) need not be entered either: libcst's rebuild of such
        # a node is replaced by a plain copy (a new node, as rules have always seen).
        skip = not busy & TRIVIA
        leaves = LEAVES if skip else frozenset()
        busy |= leaves
        self._entering: Dict[type, object] = {
            t: (t in _TRACKED, self._regions.get(t, ()), self._visit.get(t, ()), t in leaves) for t in busy}
        self._leaving = {t: (t in _TRACKED, self._regions.get(t, ()), self._leave.get(t, ()), t in _COMPOUND)
                         for t in busy}
        if skip:
            self._entering.update(dict.fromkeys(TRIVIA, _SKIP))
        self._copy_on_leave: Optional[cst.CSTNode] = None  # the leaf on_visit did not let libcst enter

    def on_visit(self, node: cst.CSTNode) -> bool:
        node_type = type(node)
        entry = self._entering.get(node_type)
        if entry is None:
            return True
        if entry is _SKIP:
            return False
        tracked, regions, visits, leaf = entry
        ctx = self.ctx
        if tracked:
            self._enter(node_type, node)
        for region in regions:
            if region.opens(ctx, node):
                ctx._open_region(region, node)
        visit_children = True
        for fn in visits:
            if fn(node) is False:
                visit_children = False
        if leaf and visit_children:
            self._copy_on_leave = node  # on_leave comes next: nothing is entered in between
            return False
        return visit_children

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):
        node_type = type(original_node)
        entry = self._leaving.get(node_type)
        if entry is None:
            return updated_node
        if original_node is self._copy_on_leave:
            self._copy_on_leave = None
            updated_node = _copy(original_node)
        tracked, regions, handlers, compound = entry
        result = updated_node
        for fn in handlers:
            result = fn(original_node, result)
            # A rule may replace the node by one of another type or remove it: later
            # rules for this node type no longer apply.
            if type(result) is not node_type:
                break
        if compound and isinstance(result, cst.CSTNode):
            self.ctx._left[id(result)] = (result, original_node)
        for region in regions:
            self.ctx._close_region(region, original_node)
        if tracked:
            self._leave_tracked(node_type)
        return result

    def _enter(self, node_type: type, node: cst.CSTNode) -> None:
        ctx = self.ctx
        if node_type is cst.ClassDef:
            ctx.class_stack.append(node)
        elif node_type is cst.FunctionDef:
            ctx.function_stack.append(node)
        elif node_type is cst.Import:
            ctx.names.record_import(node)
            ctx.import_depth += 1
        elif node_type is cst.ImportFrom:
            ctx.names.record_import_from(node)
            ctx.import_depth += 1
        elif node_type is cst.Assign and not ctx.function_stack and not ctx.class_stack:
            self._record_alias(node)

    def _leave_tracked(self, node_type: type) -> None:
        if node_type is cst.ClassDef:
            self.ctx.class_stack.pop()
        elif node_type is cst.FunctionDef:
            self.ctx.function_stack.pop()
        elif node_type is cst.Import or node_type is cst.ImportFrom:
            self.ctx.import_depth -= 1

    # libcst calls these for attribute slots; nothing to dispatch there.
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None

    def _record_alias(self, node: cst.Assign) -> None:
        if len(node.targets) != 1:
            return
        target = node.targets[0].target
        if isinstance(target, cst.Name) and isinstance(node.value, (cst.Name, cst.Attribute)):
            self.ctx.names.record_alias(target.value, node.value)
