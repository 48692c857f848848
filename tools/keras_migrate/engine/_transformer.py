"""One traversal for all rules.

libcst's default on_visit/on_leave look a method up by name for every node, and its
traversal rebuilds every node; with a dozen rules both dominate the run. We resolve each
rule's visit_*/leave_* methods once into per-node-type dispatch tables, so a node nobody
cares about costs one dict lookup, and rebuild only the nodes above a change.
"""

from __future__ import annotations

import functools
import inspect
import re
import weakref
from typing import Callable, Dict, FrozenSet, List, Sequence, Tuple, Type, Union

import libcst as cst

from keras_migrate.engine._context import RuleContext
from keras_migrate.engine._regions import Region
from keras_migrate.engine._rule import Rule
from keras_migrate.engine._walk import LEAVES, TRIVIA, fields_in_visit_order

__all__ = ["BatchedTransformer", "transform"]

_VisitFn = Callable[[cst.CSTNode], object]
_LeaveFn = Callable[[cst.CSTNode, cst.CSTNode], Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel]]


def _node_type(name: str) -> Type[cst.CSTNode]:
    node_type = getattr(cst, name, None)
    if not (isinstance(node_type, type) and issubclass(node_type, cst.CSTNode)):
        raise TypeError(f"no libcst node type {name!r}")
    return node_type


# How libcst's _visit_and_replace_children visits each field (read once per node type
# from its source, as engine._walk reads the order). A field holding a sequence is
# visited as one; a field holding one child says what its removal (RemovalSentinel)
# leaves: None (optional), MaybeSentinel.DEFAULT (sentinel), or nothing (required: refused).
_SEQUENCE, _OPTIONAL, _SENTINEL, _REQUIRED = "sequence", "optional", "sentinel", "required"
_VISIT_CALL = re.compile(r'visit_(\w+?)\(\s*self,\s*"(\w+)"')
_KIND_OF_CALL = {"sequence": _SEQUENCE, "body_sequence": _SEQUENCE, "optional": _OPTIONAL,
                 "sentinel": _SENTINEL, "required": _REQUIRED}
_field_kinds: Dict[type, Tuple[Tuple[str, str], ...]] = {}


def _kinds_of(node_type: type) -> Tuple[Tuple[str, str], ...]:
    kinds: Dict[str, str] = {}
    source = inspect.getsource(node_type._visit_and_replace_children)
    for call, field in _VISIT_CALL.findall(source):
        # ImportFrom visits `names` as one node (ImportStar) or as a sequence: the
        # value's own type decides between the two at run time; the one-child call
        # tells what a removal leaves.
        kind = _KIND_OF_CALL[call]
        if kinds.get(field, _SEQUENCE) is _SEQUENCE:
            kinds[field] = kind
    found = _field_kinds[node_type] = tuple(kinds.items())
    if tuple(field for field, _ in found) != fields_in_visit_order(node_type):
        raise TypeError(f"cannot read how libcst visits {node_type.__name__}")
    return found


def _single(parent: cst.CSTNode, field: str, kind: str, result: object) -> object:
    """What libcst puts in a one-child field for what the leave_* methods returned."""
    if isinstance(result, cst.CSTNode):
        return result
    if isinstance(result, cst.RemovalSentinel) and kind is _OPTIONAL:
        return None
    if isinstance(result, cst.RemovalSentinel) and kind is _SENTINEL:
        return cst.MaybeSentinel.DEFAULT
    raise TypeError(f"{type(result).__name__} returned for {type(parent).__name__}.{field}, "
                    "which cannot be removed or hold several nodes")


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


def rebuild(root: cst.CSTNode, entering, leaving, on_visit, on_leave, skip, leaves):
    """libcst's transformer traversal of `root`, calling on_visit(node) for node types in
    `entering` (False: skip the children) and on_leave(original, updated) for those in
    `leaving`; libcst rebuilds (and re-validates) every node of the tree, which cost more
    than all the rules together: here a node whose children nothing changed is passed on
    as it is (on_leave then sees updated is original, as libcst does after a visit that
    returned False), and a tree nobody changed comes back as the same object. Nodes of
    `skip` are not entered, nor the children of `leaves`."""
    field_kinds = _field_kinds
    node_base, flatten = cst.CSTNode, cst.FlattenSentinel

    def visit(node):
        node_type = type(node)
        if node_type in entering:
            descend = on_visit(node)
        else:
            descend = True
        updated = node
        if descend and node_type not in leaves:
            changes = None
            for field, kind in field_kinds.get(node_type) or _kinds_of(node_type):
                value = getattr(node, field)
                if type(value) is tuple or type(value) is list:
                    new = None
                    for k, child in enumerate(value):
                        result = child if type(child) in skip else visit(child)
                        if new is None:
                            if result is child:
                                continue
                            new = list(value[:k])
                        if isinstance(result, node_base):
                            new.append(result)
                        elif isinstance(result, flatten):
                            new.extend(result.nodes)
                        # RemovalSentinel: dropped
                    if new is not None:
                        if changes is None:
                            changes = {}
                        changes[field] = tuple(new)
                elif isinstance(value, node_base) and type(value) not in skip:
                    result = visit(value)
                    if result is not value:
                        if changes is None:
                            changes = {}
                        changes[field] = _single(node, field, kind, result)
            if changes is not None:
                updated = node.with_changes(**changes)
        if node_type in leaving:
            return on_leave(node, updated)
        return updated

    return visit(root)


class _TransformerDispatch:
    """A CSTTransformer class's visit_*/leave_* methods by node type (looked up once)."""

    def __init__(self, transformer_type: type) -> None:
        self.visit: Dict[type, str] = {}
        self.leave: Dict[type, str] = {}
        for klass in transformer_type.__mro__:
            if klass.__module__.startswith("libcst") or klass is object:
                continue  # libcst's bases define a no-op for every hook
            for attr in vars(klass):
                kind, _, type_name = attr.partition("_")
                node_type = getattr(cst, type_name.split("_", 1)[0], None)
                if kind not in ("visit", "leave") or not (isinstance(node_type, type)
                                                          and issubclass(node_type, cst.CSTNode)):
                    continue
                if "_" in type_name:
                    raise TypeError(f"{transformer_type.__name__}.{attr}: attribute hooks are not supported")
                (self.visit if kind == "visit" else self.leave).setdefault(node_type, attr)
        busy = set(self.visit) | set(self.leave)
        self.skip: FrozenSet[type] = frozenset() if busy & TRIVIA else TRIVIA
        self.leaves: FrozenSet[type] = frozenset() if busy & TRIVIA else LEAVES


_TRANSFORMER_DISPATCH: "weakref.WeakKeyDictionary[type, _TransformerDispatch]" = weakref.WeakKeyDictionary()


def transform(node: cst.CSTNode, transformer: cst.CSTTransformer):
    """`node.visit(transformer)` for a cst.CSTTransformer with visit_<Node>/leave_<Node>
    methods (not on_visit/on_leave, nor attribute hooks), rebuilding only the nodes above
    a change (see rebuild)."""
    transformer_type = type(transformer)
    if (transformer_type.on_visit is not cst.CSTTransformer.on_visit
            or transformer_type.on_leave is not cst.CSTTransformer.on_leave):
        raise TypeError(f"{transformer_type.__name__} overrides on_visit/on_leave: use node.visit")
    dispatch = _TRANSFORMER_DISPATCH.get(transformer_type)
    if dispatch is None:
        dispatch = _TRANSFORMER_DISPATCH[transformer_type] = _TransformerDispatch(transformer_type)
    visits, leaves = dispatch.visit, dispatch.leave

    def on_visit(node):
        return getattr(transformer, visits[type(node)])(node) is not False

    def on_leave(original, updated):
        return getattr(transformer, leaves[type(original)])(original, updated)

    return rebuild(node, visits, leaves, on_visit, on_leave, dispatch.skip, dispatch.leaves)


class BatchedTransformer:
    """Every active rule's visit_*/leave_* methods, dispatched in ONE traversal
    (transform()), with libcst's meaning: visit_* -> False skips the children; leave_*
    returns the node to put in place (or RemovalSentinel / FlattenSentinel)."""

    def __init__(self, ctx: RuleContext, rules: Sequence[Rule]) -> None:
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
        # about) have nothing to do.
        busy = set(self._visit) | set(self._leave) | set(self._regions) | _TRACKED | _COMPOUND
        # Whitespace and punctuation (two thirds of the nodes) hold nothing but more of
        # the same: unless a rule asks about such nodes, they are not entered (they stay
        # as parsed), nor are the leaves (names, numbers, strings) whose only children
        # they are.
        if busy & TRIVIA:
            self._skip: FrozenSet[type] = frozenset()
            self._leaves: FrozenSet[type] = frozenset()
        else:
            self._skip, self._leaves = TRIVIA, LEAVES
        self._entering: Dict[type, Tuple[bool, Sequence[Region], Sequence[_VisitFn]]] = {
            t: (t in _TRACKED, self._regions.get(t, ()), self._visit.get(t, ())) for t in busy}
        self._leaving = {t: (t in _TRACKED, self._regions.get(t, ()), self._leave.get(t, ()), t in _COMPOUND)
                         for t in busy}

    def transform(self, module: cst.Module) -> cst.Module:
        """What `module.visit(transformer)` gave with libcst's CSTTransformer, rebuilding
        only the nodes on the way to a change (see rebuild)."""
        result = rebuild(module, self._entering, self._leaving, self.on_visit, self.on_leave, self._skip,
                         self._leaves)
        if not isinstance(result, cst.Module):
            raise TypeError(f"the module was replaced by {type(result).__name__}")
        return result

    def on_visit(self, node: cst.CSTNode) -> bool:
        node_type = type(node)
        tracked, regions, visits = self._entering[node_type]
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
        return visit_children

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):
        node_type = type(original_node)
        tracked, regions, handlers, compound = self._leaving[node_type]
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

    def _record_alias(self, node: cst.Assign) -> None:
        if len(node.targets) != 1:
            return
        target = node.targets[0].target
        if isinstance(target, cst.Name) and isinstance(node.value, (cst.Name, cst.Attribute)):
            self.ctx.names.record_alias(target.value, node.value)
