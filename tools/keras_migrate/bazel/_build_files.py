"""Editing BUILD files (Starlark is Python syntax, so libcst keeps their formatting).

Edits: add a dependency to a target; turn a `py_test` or a `keras2_test` into a
`keras_backend_test` (one py_test per Keras backend), adding the `load` it needs; and the
rollout markers: add or remove the `keras2` tag, turn a `py_test` into a `keras2_test`.
"""

from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from keras_migrate.bazel._contract import KERAS2_TAG, LEGACY_KERAS_ENV
from keras_migrate.rules._util import keyword_arg

__all__ = ["BuildFile"]


def _string_value(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    return None


def _append_arg(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """Add `name = value` as the last argument, following the call's layout."""
    args = list(call.args)
    multiline = any(isinstance(a.comma, cst.Comma) and "\n" in cst.Module([]).code_for_node(a.comma) for a in args)
    indent = "    "
    new_arg = cst.Arg(
        keyword=cst.Name(name), value=value,
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(" "), whitespace_after=cst.SimpleWhitespace(" ")),
    )
    if multiline:
        last = args[-1]
        if not isinstance(last.comma, cst.Comma):
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), empty_lines=[], indent=True,
                last_line=cst.SimpleWhitespace(indent))))
            new_arg = new_arg.with_changes(comma=cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), empty_lines=[], indent=True, last_line=cst.SimpleWhitespace(""))))
        else:
            # `x = 1,\n)`: reuse the trailing comma's layout for the new last argument.
            new_arg = new_arg.with_changes(comma=last.comma)
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), empty_lines=[], indent=True,
                last_line=cst.SimpleWhitespace(indent))))
    elif args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.append(new_arg)
    return call.with_changes(args=args)


def _dict_expr(entries: Dict[str, str]) -> cst.Dict:
    return cst.Dict([
        cst.DictElement(cst.SimpleString(repr_star(k)), cst.SimpleString(repr_star(v)))
        for k, v in sorted(entries.items())
    ])


def repr_star(value: str) -> str:
    """A Starlark string literal (double quotes, like buildifier)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# LEGACY_KERAS_ENV pins tf.keras to Keras 2 (tf_keras); meaningless once the code imports
# Keras 3, and the per-backend tests set KERAS_BACKEND themselves.


def _without_env_key(call: cst.Call, key: str) -> cst.Call:
    env = keyword_arg(call, "env")
    if env is None or not isinstance(env.value, cst.Dict):
        return call
    elements = [e for e in env.value.elements
                if not (isinstance(e, cst.DictElement) and _string_value(e.key) == key)]
    if len(elements) == len(env.value.elements):
        return call
    if not elements:
        args = [a for a in call.args if a is not env]
        if args and env is call.args[-1]:
            args[-1] = args[-1].with_changes(comma=env.comma)
        return call.with_changes(args=args)
    elements[-1] = elements[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=[
        a.with_changes(value=env.value.with_changes(elements=elements)) if a is env else a for a in call.args
    ])


def _list_contains(node: cst.BaseExpression, value: str) -> bool:
    """Whether `value` is an element of a list literal in `node` (`[...]`, or `x + [...]`)."""
    if isinstance(node, cst.List):
        return any(_string_value(e.value) == value for e in node.elements)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _list_contains(node.left, value) or _list_contains(node.right, value)
    return False


def _without_value(node: cst.BaseExpression, value: str) -> Optional[cst.BaseExpression]:
    """`node` without the string `value` in its list literals; None when that leaves
    nothing (an empty list, or `[] + []`); `node` itself when `value` is not there."""
    if isinstance(node, cst.List):
        elements = [e for e in node.elements if _string_value(e.value) != value]
        if len(elements) == len(node.elements):
            return node
        if not elements:
            return None
        if elements[-1] is not node.elements[-1]:
            # The last element went: the new last one takes its comma (trailing or none).
            elements[-1] = elements[-1].with_changes(comma=node.elements[-1].comma)
        return node.with_changes(elements=elements)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, right = _without_value(node.left, value), _without_value(node.right, value)
        if left is node.left and right is node.right:
            return node
        if left is None or right is None:
            return right if left is None else left
        return node.with_changes(left=left, right=right)
    return node


def _without_list_value(call: cst.Call, attr: str, value: str) -> cst.Call:
    """`call` without `value` in its `attr` list (the argument dropped when left empty);
    `call` itself when there is nothing to remove."""
    arg = keyword_arg(call, attr)
    if arg is None:
        return call
    new_value = _without_value(arg.value, value)
    if new_value is arg.value:
        return call
    if new_value is None:
        args = [a for a in call.args if a is not arg]
        if args and arg is call.args[-1]:
            args[-1] = args[-1].with_changes(comma=arg.comma)
        return call.with_changes(args=args)
    return call.with_changes(args=[a.with_changes(value=new_value) if a is arg else a for a in call.args])


def _decode(raw: bytes):
    """Bazel reads BUILD files as Latin-1 bytes, so a Latin-1 comment is legal there:
    UTF-8 when the bytes are, else Latin-1 (which maps every byte, so writing back with it
    keeps each untouched byte)."""
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


class BuildFile:
    """Raises OSError (cannot read) or ValueError (libcst cannot parse it)."""

    def __init__(self, path: str, raw: Optional[bytes] = None) -> None:
        self.path = path
        if raw is None:
            with open(path, "rb") as handle:
                raw = handle.read()
        self.original, self.encoding = _decode(raw)
        try:
            self.module = cst.parse_module(self.original)
        except cst.ParserSyntaxError as exc:
            raise ValueError(f"syntax error at line {exc.raw_line}: {exc.message}") from None

    def encoded(self) -> bytes:
        return self.code.encode(self.encoding)

    @property
    def code(self) -> str:
        return self.module.code

    @property
    def changed(self) -> bool:
        return self.code != self.original

    def _find_call(self, name: str):
        for index, stmt in enumerate(self.module.body):
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            expr = stmt.body[0]
            if isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call):
                call = expr.value
                name_arg = keyword_arg(call, "name")
                if name_arg is not None and _string_value(name_arg.value) == name:
                    return index, call
        return None, None

    def _replace_call(self, index: int, call: cst.Call) -> None:
        stmt = self.module.body[index]
        new_stmt = stmt.with_changes(body=[stmt.body[0].with_changes(value=call)])
        body = list(self.module.body)
        body[index] = new_stmt
        self.module = self.module.with_changes(body=body)

    def call_text(self, name: str) -> Optional[str]:
        """The source of the call that declares `name` (None: no such call)."""
        _, call = self._find_call(name)
        return None if call is None else self.module.code_for_node(call)

    def rule_kind(self, name: str) -> Optional[str]:
        _, call = self._find_call(name)
        if call is None or not isinstance(call.func, cst.Name):
            return None
        return call.func.value

    def add_dep(self, name: str, label: str) -> bool:
        return self._add_to_list(name, "deps", label)

    def add_tag(self, name: str, tag: str) -> bool:
        """Adds `tag` to the target's tags (unless there); False when nothing changed."""
        return self._add_to_list(name, "tags", tag)

    def _add_to_list(self, name: str, attr: str, value: str) -> bool:
        index, call = self._find_call(name)
        if call is None:
            return False
        current = keyword_arg(call, attr)
        if current is None:
            call = _append_arg(call, attr, cst.List([cst.Element(cst.SimpleString(repr_star(value)))]))
        elif isinstance(current.value, cst.List):
            values = [_string_value(e.value) for e in current.value.elements]
            if value in values:
                return False
            elements = list(current.value.elements)
            new = cst.Element(cst.SimpleString(repr_star(value)))
            if elements and isinstance(elements[-1].comma, cst.Comma):
                new = new.with_changes(comma=elements[-1].comma)
                elements[-1] = elements[-1].with_changes(comma=elements[0].comma if len(elements) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            elif elements:
                elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            elements.append(new)
            call = call.with_changes(args=[
                a.with_changes(value=current.value.with_changes(elements=elements)) if a is current else a
                for a in call.args
            ])
        elif _list_contains(current.value, value):
            return False
        else:
            # `x = select(...)` or a variable: `+ [value]` keeps it valid.
            call = call.with_changes(args=[
                a.with_changes(value=cst.BinaryOperation(a.value, cst.Add(), cst.List([cst.Element(cst.SimpleString(repr_star(value)))])))
                if a is current else a for a in call.args
            ])
        self._replace_call(index, call)
        return True

    def remove_tag(self, name: str, tag: str) -> bool:
        """Removes `tag` from the target's tags (a list literal, or a list literal added
        to something else), dropping a `tags` argument left empty; False when nothing
        changed."""
        index, call = self._find_call(name)
        if call is None:
            return False
        new_call = _without_list_value(call, "tags", tag)
        if new_call is call:
            return False
        self._replace_call(index, new_call)
        return True

    def to_backend_test(self, name: str, unsupported: Dict[str, str], macro_load: str) -> bool:
        """py_test(name=...) or keras2_test(name=...) -> keras_backend_test(name=...,
        unsupported_backends=...): no TF_USE_LEGACY_KERAS, no keras2 tag (the code is
        Keras 3 now)."""
        index, call = self._find_call(name)
        if call is None or not isinstance(call.func, cst.Name) or call.func.value not in ("py_test", "keras2_test"):
            return False
        was = call.func.value
        call = call.with_changes(func=cst.Name("keras_backend_test"))
        call = _without_env_key(call, LEGACY_KERAS_ENV)
        call = _without_list_value(call, "tags", KERAS2_TAG)
        if unsupported and keyword_arg(call, "unsupported_backends") is None:
            call = _append_arg(call, "unsupported_backends", _dict_expr(unsupported))
        self._replace_call(index, call)
        self.ensure_load(macro_load, "keras_backend_test")
        self._drop_unused_load_symbol(was)
        return True

    def to_keras2_test(self, name: str, macro_load: str) -> bool:
        """py_test(name=...) -> keras2_test(name=...): the test of Keras 2 code not migrated
        yet keeps running under Keras 2 (the macro sets TF_USE_LEGACY_KERAS and the tag)."""
        index, call = self._find_call(name)
        if call is None or not isinstance(call.func, cst.Name) or call.func.value != "py_test":
            return False
        call = call.with_changes(func=cst.Name("keras2_test"))
        call = _without_env_key(call, LEGACY_KERAS_ENV)
        self._replace_call(index, call)
        self.ensure_load(macro_load, "keras2_test")
        self._drop_unused_load_symbol("py_test")
        return True

    def _load_statements(self):
        for index, stmt in enumerate(self.module.body):
            if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
                expr = stmt.body[0]
                if isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call) and \
                        isinstance(expr.value.func, cst.Name) and expr.value.func.value == "load":
                    yield index, expr.value

    def ensure_load(self, label: str, symbol: str) -> None:
        last = -1
        for index, call in self._load_statements():
            last = index
            if _string_value(call.args[0].value) == label:
                symbols = [_string_value(a.value) for a in call.args[1:] if a.keyword is None]
                if symbol in symbols:
                    return
                args = list(call.args)
                args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                args.append(cst.Arg(cst.SimpleString(repr_star(symbol))))
                self._replace_call(index, call.with_changes(args=args))
                return
        stmt = cst.parse_statement(f"load({repr_star(label)}, {repr_star(symbol)})\n")
        body = list(self.module.body)
        body.insert(last + 1, stmt)
        if last == -1 and len(body) > 1:
            # A new first statement: keep the file's header comment above it.
            header = body[1].leading_lines
            body[0] = body[0].with_changes(leading_lines=header)
            body[1] = body[1].with_changes(leading_lines=[cst.EmptyLine()])
        self.module = self.module.with_changes(body=body)

    def _drop_unused_load_symbol(self, symbol: str) -> None:
        uses = self.code.count(symbol + "(")
        if uses:
            return
        for index, call in list(self._load_statements()):
            positional = [a for a in call.args[1:] if a.keyword is None]
            if any(_string_value(a.value) == symbol for a in positional):
                args = [a for a in call.args if not (a.keyword is None and a is not call.args[0] and _string_value(a.value) == symbol)]
                if len(args) == 1:
                    body = list(self.module.body)
                    del body[index]
                    self.module = self.module.with_changes(body=body)
                else:
                    args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    self._replace_call(index, call.with_changes(args=args))
                return
