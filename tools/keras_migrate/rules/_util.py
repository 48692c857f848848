"""Small CST helpers shared by rules."""

from __future__ import annotations

from typing import Optional

import libcst as cst

__all__ = ["dotted", "keyword_arg", "with_keyword"]


def dotted(name: str) -> cst.BaseExpression:
    """`"keras.layers.Dense"` -> Attribute chain."""
    parts = name.split(".")
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def keyword_arg(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def with_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """Append `name=value` to a call (after the last argument, commas fixed up)."""
    args = list(call.args)
    if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    # else: a trailing comma (often multi-line) keeps its layout; the new argument follows.
    new_arg = cst.Arg(value=value, keyword=cst.Name(name),
                      equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                            whitespace_after=cst.SimpleWhitespace("")))
    if args and isinstance(args[-1].comma, cst.Comma) and "\n" in _ws(args[-1].comma.whitespace_after):
        new_arg = new_arg.with_changes(comma=args[-1].comma)
        # One argument per line: the old last argument's comma takes the separator
        # the other arguments use (newline + indentation), not the closing one.
        separator = None
        if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma) and "\n" in _ws(args[-2].comma.whitespace_after):
            separator = args[-2].comma
        elif "\n" in _ws(call.whitespace_after_lpar):
            separator = args[-1].comma.with_changes(whitespace_after=call.whitespace_after_lpar)
        if separator is not None:
            args[-1] = args[-1].with_changes(comma=separator)
    args.append(new_arg)
    return call.with_changes(args=args)


def _ws(node) -> str:
    return cst.Module([]).code_for_node(node) if isinstance(node, cst.CSTNode) else ""
