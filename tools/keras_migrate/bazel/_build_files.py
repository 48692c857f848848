"""Editing BUILD files (Starlark is Python syntax, so libcst keeps their formatting).

Two edits: add a dependency to a target, and turn a `py_test` into a
`keras_backend_test` (one py_test per Keras backend), adding the `load` it needs.
"""

from __future__ import annotations

from typing import Dict, List, Optional

import libcst as cst

from keras_migrate.bazel._contract import LEGACY_KERAS_ENV
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

    def rule_kind(self, name: str) -> Optional[str]:
        _, call = self._find_call(name)
        if call is None or not isinstance(call.func, cst.Name):
            return None
        return call.func.value

    def add_dep(self, name: str, label: str) -> bool:
        index, call = self._find_call(name)
        if call is None:
            return False
        deps = keyword_arg(call, "deps")
        if deps is None:
            call = _append_arg(call, "deps", cst.List([cst.Element(cst.SimpleString(repr_star(label)))]))
        elif isinstance(deps.value, cst.List):
            values = [_string_value(e.value) for e in deps.value.elements]
            if label in values:
                return False
            elements = list(deps.value.elements)
            new = cst.Element(cst.SimpleString(repr_star(label)))
            if elements and isinstance(elements[-1].comma, cst.Comma):
                new = new.with_changes(comma=elements[-1].comma)
                elements[-1] = elements[-1].with_changes(comma=elements[0].comma if len(elements) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            elif elements:
                elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            elements.append(new)
            call = call.with_changes(args=[
                a.with_changes(value=deps.value.with_changes(elements=elements)) if a is deps else a for a in call.args
            ])
        else:
            # deps = select(...) or a variable: `+ [label]` keeps it valid.
            call = call.with_changes(args=[
                a.with_changes(value=cst.BinaryOperation(a.value, cst.Add(), cst.List([cst.Element(cst.SimpleString(repr_star(label)))])))
                if a is deps else a for a in call.args
            ])
        self._replace_call(index, call)
        return True

    def to_backend_test(self, name: str, unsupported: Dict[str, str], macro_load: str) -> bool:
        """py_test(name=...) -> keras_backend_test(name=..., unsupported_backends=...)."""
        index, call = self._find_call(name)
        if call is None or not isinstance(call.func, cst.Name) or call.func.value != "py_test":
            return False
        call = call.with_changes(func=cst.Name("keras_backend_test"))
        call = _without_env_key(call, LEGACY_KERAS_ENV)
        if unsupported and keyword_arg(call, "unsupported_backends") is None:
            call = _append_arg(call, "unsupported_backends", _dict_expr(unsupported))
        self._replace_call(index, call)
        self.ensure_load(macro_load, "keras_backend_test")
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
