"""CST edit helpers shared by rules: the one place that builds names, keyword
arguments and argument lists, and spaces their commas.

Rules that rename, move, add or drop arguments use these instead of their own comma
loops, so that layout choices (", " between inline items, a trailing comma and
one-item-per-line layouts kept) are made once.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, TypeVar, Union

import libcst as cst

from keras_migrate.engine import node_code

__all__ = [
    "COMMA",
    "NO_SPACE",
    "as_keyword",
    "as_positional",
    "assigned_name",
    "class_method",
    "code",
    "comma_after",
    "comma_separated",
    "dotted",
    "drop_arg",
    "drop_module_import_if_unused",
    "keyword",
    "keyword_arg",
    "keyword_arg_value",
    "parenthesize",
    "prepend_arg",
    "respaced_like",
    "with_keyword",
]

# ", " between inline items; `k=v` without spaces.
COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
NO_SPACE = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))

_EMPTY = cst.Module([])
# Expressions that never need parentheses as the operand of `.attr`, `(...)` or an
# arithmetic operator.
_ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float,
          cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.List, cst.Tuple,
          cst.Dict, cst.Set, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)

# Anything with a `comma` field: Arg, Param, Element, DictElement, ImportAlias.
_Item = TypeVar("_Item", bound=cst.CSTNode)
_Comma = Union[cst.Comma, cst.MaybeSentinel]


def code(node: cst.CSTNode) -> str:
    return node_code(node, _EMPTY).strip()


def dotted(name: str) -> cst.BaseExpression:
    """`"keras.layers.Dense"` -> Attribute chain."""
    parts = name.split(".")
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def parenthesize(node: cst.BaseExpression) -> cst.BaseExpression:
    """`node` wrapped in parentheses unless it is an atom or already parenthesized."""
    if isinstance(node, _ATOMS) or getattr(node, "lpar", None):
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def assigned_name(stmt: cst.BaseStatement) -> Optional[str]:
    """`x = ...` / `x += ...` as a single simple statement -> "x"."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value
    if isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
        return small.target.value
    return None


# -- arguments ------------------------------------------------------------------------
def class_method(cls: cst.ClassDef, name: str) -> Optional[cst.FunctionDef]:
    """The method `name` defined in the class body itself (not inherited), or None."""
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return statement
    return None


def keyword_arg(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def keyword_arg_value(call: cst.Call, name: str) -> Optional[cst.BaseExpression]:
    arg = keyword_arg(call, name)
    return None if arg is None else arg.value


def keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    """A new `name=value` argument."""
    return cst.Arg(value=value, keyword=cst.Name(name), equal=NO_SPACE)


def as_keyword(arg: cst.Arg, name: str) -> cst.Arg:
    """`arg` passed as `name=` (its value and comma kept)."""
    return arg.with_changes(keyword=cst.Name(name), equal=NO_SPACE)


def as_positional(arg: cst.Arg) -> cst.Arg:
    """`arg` passed by position (its value and comma kept)."""
    return arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)


def prepend_arg(call: cst.Call, value: cst.BaseExpression) -> List[cst.Arg]:
    """The call's arguments with `value` first (`model.f(x)` -> `f(model, x)`)."""
    first = cst.Arg(value, comma=COMMA if call.args else cst.MaybeSentinel.DEFAULT)
    return [first, *call.args]


def drop_arg(args: Sequence[cst.Arg], index: int) -> List[cst.Arg]:
    """Remove args[index]; the previous argument inherits its comma (trailing commas and
    line layout survive)."""
    out = list(args)
    removed = out.pop(index)
    if index == len(out) and out:
        out[-1] = out[-1].with_changes(comma=removed.comma)
    return out


def with_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """Append `name=value` to a call (after the last argument, commas fixed up)."""
    args = list(call.args)
    new_arg = keyword(name, value)
    if args and args[-1].comma is cst.MaybeSentinel.DEFAULT and "\n" in _ws(args[-1].whitespace_after_arg):
        # `)` on a line of its own: it stays there, after the new argument.
        new_arg = new_arg.with_changes(whitespace_after_arg=args[-1].whitespace_after_arg)
        comma = COMMA
        if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma) and "\n" in _ws(args[-2].comma.whitespace_after):
            comma = args[-2].comma  # one argument per line
        elif len(args) == 1 and "\n" in _ws(call.whitespace_before_args):
            comma = cst.Comma(whitespace_after=call.whitespace_before_args)
        args[-1] = args[-1].with_changes(whitespace_after_arg=cst.SimpleWhitespace(""), comma=comma)
        return call.with_changes(args=[*args, new_arg])
    if args:
        # a trailing comma (often multi-line) keeps its layout; the new argument follows.
        args[-1] = comma_after(args[-1])
    if args and isinstance(args[-1].comma, cst.Comma) and "\n" in _ws(args[-1].comma.whitespace_after):
        new_arg = new_arg.with_changes(comma=args[-1].comma)
        # One argument per line: the old last argument's comma takes the separator
        # the other arguments use (newline + indentation), not the closing one.
        separator = None
        if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma) and "\n" in _ws(args[-2].comma.whitespace_after):
            separator = args[-2].comma
        elif "\n" in _ws(call.whitespace_before_args):
            separator = args[-1].comma.with_changes(whitespace_after=call.whitespace_before_args)
        if separator is not None:
            args[-1] = args[-1].with_changes(comma=separator)
    args.append(new_arg)
    return call.with_changes(args=args)


# -- commas -----------------------------------------------------------------------------
def comma_after(item: _Item) -> _Item:
    """`item` followed by ", " unless it has a comma already (a trailing comma and its
    layout are kept): ready for another item after it."""
    if item.comma is cst.MaybeSentinel.DEFAULT:
        return item.with_changes(comma=COMMA)
    return item


def comma_separated(items: Sequence[_Item], last: Optional[_Comma] = cst.MaybeSentinel.DEFAULT) -> List[_Item]:
    """Inline list layout: ", " after every item but the last, which gets `last` (None:
    keeps its own comma)."""
    out = [item.with_changes(comma=COMMA) for item in items[:-1]]
    if items:
        out.append(items[-1] if last is None else items[-1].with_changes(comma=last))
    return out


def respaced_like(items: Sequence[_Item], original: Sequence[cst.CSTNode]) -> List[_Item]:
    """Items keep their own comma where they have one (a one-per-line layout survives)
    and get ", " otherwise; the last takes the original list's last comma (a trailing
    comma survives)."""
    out = []
    for k, item in enumerate(items):
        if k == len(items) - 1:
            comma = original[-1].comma if original else cst.MaybeSentinel.DEFAULT
        else:
            comma = item.comma if isinstance(item.comma, cst.Comma) else COMMA
        out.append(item.with_changes(comma=comma))
    return out


def _ws(node) -> str:
    return node_code(node, _EMPTY) if isinstance(node, cst.CSTNode) else ""


def drop_module_import_if_unused(ctx, module: str) -> None:
    """Schedule `import <module> [as alias]` for removal once nothing uses it."""
    local = ctx.names.local_name_for(module)
    if local is not None:
        ctx.remove_import_if_unused(module, asname=None if local == module else local)


def is_tf_function(ctx, decorator: cst.BaseExpression) -> bool:
    """`@tf.function` or `@tf.function(...)` (a decorator's expression)."""
    target = decorator.func if isinstance(decorator, cst.Call) else decorator
    return ctx.qualified_name(target) == "tensorflow.function"
