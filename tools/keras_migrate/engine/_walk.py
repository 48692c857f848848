"""Walks: a read-only libcst traversal in libcst's order, and ast.walk as a list.

`node.visit(visitor)` rebuilds (and re-validates) every node even for a CSTVisitor that
only looks, and calls two attribute hooks per field: a whole-module look-around costs
as much as the transformation itself. `walk(node, visitor)` calls the same visit_*/
leave_* methods on the same nodes in the same order (each type's fields in the order of
its `_visit_and_replace_children`, read once from libcst's source), with the same
meaning of `visit_* -> False` (skip the children), and skips whitespace and punctuation
subtrees unless the visitor asks about such nodes.
"""

from __future__ import annotations

import ast
import inspect
import re
import weakref
from typing import Dict, FrozenSet, List, Tuple, Type

import libcst as cst

__all__ = ["ast_children", "ast_walk", "children", "iter_nodes", "walk"]

# Nodes made of whitespace, comments and punctuation only (no names, no expressions).
_TRIVIA_BASES = (cst.BaseParenthesizableWhitespace, cst.TrailingWhitespace, cst.EmptyLine, cst.Comment,
                 cst.Newline, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket,
                 cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.Comma, cst.Dot, cst.Colon, cst.Semicolon,
                 cst.AssignEqual, cst.ImportStar, cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp,
                 cst.BaseUnaryOp, cst.BaseAugOp, cst.Asynchronous)


def _node_types():
    # MRO membership, not issubclass: these are ABCs, and issubclass fills their
    # per-class caches (megabytes for every pair of ~250 node types and ~25 bases).
    return [t for t in vars(cst).values() if isinstance(t, type) and cst.CSTNode in t.__mro__]


TRIVIA: FrozenSet[type] = frozenset(t for t in _node_types() if any(base in t.__mro__ for base in _TRIVIA_BASES))
# Nodes whose only children are trivia (a test derives the same set from libcst's
# field annotations).
LEAVES: FrozenSet[type] = frozenset({
    cst.Name, cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.FormattedStringText,
    cst.TemplatedStringText, cst.Ellipsis, cst.Pass, cst.Break, cst.Continue, cst.ParamSlash, cst.ParamStar})

_FIELD = re.compile(r'visit_\w+\(\s*self,\s*"(\w+)"')
_FIELDS: Dict[type, Tuple[str, ...]] = {}


def fields_in_visit_order(node_type: Type[cst.CSTNode]) -> Tuple[str, ...]:
    """The fields libcst visits, in its order (every visit_required/optional/sentinel/
    sequence call in the type's _visit_and_replace_children names its field)."""
    found = _FIELDS.get(node_type)
    if found is None:
        source = inspect.getsource(node_type._visit_and_replace_children)
        # dict: once each (ImportFrom names its `names` in both branches of a test).
        found = _FIELDS[node_type] = tuple(dict.fromkeys(_FIELD.findall(source)))
    return found


class _Dispatch:
    """A visitor class's visit_*/leave_* methods by node type (looked up once)."""

    def __init__(self, visitor_type: type) -> None:
        # libcst's own bases define a no-op for every hook: only the visitor's count.
        names = {name for klass in visitor_type.__mro__ if not klass.__module__.startswith("libcst")
                 and klass is not object for name in vars(klass)}
        if any(name.count("_") > 1 and name.startswith(("visit_", "leave_")) and
               name.split("_", 2)[1] in vars(cst) for name in names):
            raise TypeError(f"{visitor_type.__name__}: attribute hooks (visit_Node_attr) are not supported")
        self.visit: Dict[type, str] = {}
        self.leave: Dict[type, str] = {}
        asked = set()
        for name in names:
            kind, _, type_name = name.partition("_")
            node_type = getattr(cst, type_name, None)
            if kind in ("visit", "leave") and isinstance(node_type, type) and issubclass(node_type, cst.CSTNode):
                (self.visit if kind == "visit" else self.leave)[node_type] = name
                asked.add(node_type)
        # Trivia is skipped unless the visitor handles a trivia type.
        self.skip: FrozenSet[type] = frozenset() if asked & TRIVIA else TRIVIA


# Weak: visitor classes defined inside a function are new on every call, and their
# methods' closures hold what the call saw (contexts, trees).
_DISPATCH: "weakref.WeakKeyDictionary[type, _Dispatch]" = weakref.WeakKeyDictionary()


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """Like `node.visit(visitor)` for a cst.CSTVisitor with visit_<Node>/leave_<Node>
    methods (not overriding on_visit/on_leave)."""
    visitor_type = type(visitor)
    if visitor_type.on_visit is not cst.CSTVisitor.on_visit or visitor_type.on_leave is not cst.CSTVisitor.on_leave:
        raise TypeError(f"{visitor_type.__name__} overrides on_visit/on_leave: use node.visit")
    dispatch = _DISPATCH.get(visitor_type)
    if dispatch is None:
        dispatch = _DISPATCH[visitor_type] = _Dispatch(visitor_type)
    visit_names, leave_names, skip = dispatch.visit, dispatch.leave, dispatch.skip
    fields, order, sentinel = _FIELDS, fields_in_visit_order, cst.MaybeSentinel
    # A stack of nodes to enter, and of (node, leave method name) markers to leave.
    stack: list = [node]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        if type(item) is tuple:
            getattr(visitor, item[1])(item[0])
            continue
        node_type = type(item)
        name = visit_names.get(node_type)
        if name is not None and getattr(visitor, name)(item) is False:
            descend = False
        else:
            descend = True
        name = leave_names.get(node_type)
        if name is not None:
            push((item, name))
        if not descend:
            continue
        stack.extend(_children(item, skip, fields, order, sentinel)[::-1])


def _children(node: cst.CSTNode, skip, fields, order, sentinel) -> list:
    found = []
    for field in fields.get(type(node)) or order(type(node)):
        value = getattr(node, field)
        if type(value) is tuple or type(value) is list:
            found.extend(child for child in value if type(child) not in skip)
        elif value is not None and type(value) is not sentinel and type(value) not in skip:
            found.append(value)
    return found


def children(node: cst.CSTNode) -> list:
    """node.children without whitespace and punctuation nodes (which hold no names or
    expressions), in the same order, without libcst rebuilding `node` to list them."""
    return _children(node, TRIVIA, _FIELDS, fields_in_visit_order, cst.MaybeSentinel)


def iter_nodes(node: cst.CSTNode, stop: Tuple[type, ...] = ()):
    """`node` and its descendants, pre-order in libcst's order (a recursion over
    .children), without whitespace and punctuation nodes; instances of `stop` are
    yielded but not entered."""
    stack = [node]
    fields, order, sentinel = _FIELDS, fields_in_visit_order, cst.MaybeSentinel
    while stack:
        item = stack.pop()
        yield item
        if not isinstance(item, stop):
            stack.extend(_children(item, TRIVIA, fields, order, sentinel)[::-1])


def ast_walk(tree: ast.AST) -> List[ast.AST]:
    """list(ast.walk(tree)): the same nodes in the same order, without ast.walk's
    generator per node (about twice as fast)."""
    out = [tree]
    append, AST = out.append, ast.AST
    for node in out:  # grows while read: breadth first, as ast.walk
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, AST):
                append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        append(item)
    return out


def ast_children(node: ast.AST) -> List[ast.AST]:
    """list(ast.iter_child_nodes(node)), without the generators."""
    out = []
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, ast.AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend(item for item in value if isinstance(item, ast.AST))
    return out
