"""Argument-list helpers for rules that rename, move or drop call arguments."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import libcst as cst

from keras_migrate.rules._facts import FileFacts

__all__ = [
    "as_keyword",
    "bind",
    "code",
    "drop_arg",
    "file_uses_keras",
    "has_star",
    "is_string",
    "keyword_arg_value",
    "keras3_path",
    "parenthesize",
]

_EMPTY = cst.Module([])
_NO_SPACE = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)
# Expressions that never need parentheses as the operand of `.attr`, `(...)` or an
# arithmetic operator.
_ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float,
          cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.List, cst.Tuple,
          cst.Dict, cst.Set, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node).strip()


def has_star(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def is_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))


def as_keyword(arg: cst.Arg, name: str) -> cst.Arg:
    return arg.with_changes(keyword=cst.Name(name), equal=_NO_SPACE)


def drop_arg(args: Sequence[cst.Arg], index: int) -> List[cst.Arg]:
    """Remove args[index]; the previous argument inherits its comma (trailing commas and
    line layout survive)."""
    out = list(args)
    removed = out.pop(index)
    if index == len(out) and out:
        out[-1] = out[-1].with_changes(comma=removed.comma)
    return out


def bind(call: cst.Call, params: Sequence[str]) -> Optional[Dict[str, cst.Arg]]:
    """Bind a call's arguments to `params` (positional by order, then keywords).
    None when the call cannot be bound statically (*args/**kwargs, unknown keyword,
    too many positionals, duplicates)."""
    bound: Dict[str, cst.Arg] = {}
    position = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if position >= len(params):
                return None
            bound[params[position]] = arg
            position += 1
        else:
            name = arg.keyword.value
            if name not in params or name in bound:
                return None
            bound[name] = arg
    return bound


def parenthesize(node: cst.BaseExpression) -> cst.BaseExpression:
    """`node` wrapped in parentheses unless it is an atom or already parenthesized."""
    if isinstance(node, _ATOMS) or getattr(node, "lpar", None):
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def file_uses_keras(ctx) -> bool:
    """True once an import bound a Keras name, or tensorflow in a file that mentions
    keras (cached when true)."""
    facts = ctx.facts(FileFacts)
    if facts.uses_keras:
        return True
    from keras_migrate.spec import keras_path

    found = any(
        keras_path(target) is not None
        # `import tensorflow as tf` + `tf.keras.X` uses
        or (target == "tensorflow" and "keras" in ctx.source)
        for target in ctx.names.bindings.values()
    )
    if found:
        facts.uses_keras = True
    return found


def keyword_arg_value(call: cst.Call, name: str) -> Optional[cst.BaseExpression]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def keras3_path(ctx, node: cst.CSTNode) -> Optional[str]:
    """Keras-relative Keras 3 path of a name ("optimizers.legacy.Adam" ->
    "optimizers.Adam"), or None when it is not a Keras name."""
    from keras_migrate.spec import keras_path, map_keras_name

    qualified = ctx.qualified_name(node)
    if qualified is None or keras_path(qualified) is None:
        return None
    mapped = map_keras_name(qualified)
    if mapped is None or not mapped.startswith("keras"):
        return keras_path(qualified)
    return mapped[len("keras."):] if mapped != "keras" else ""
