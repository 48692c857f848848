"""KM231 loss_identifiers: loss names Keras 3 no longer resolves, in compile() and losses.get().

`compile(loss="logcosh")` and `loss="kullback_leibler_divergence"` worked in Keras 2
and raise "Could not interpret loss identifier" in Keras 3 on every backend; the Keras 3
names compute the same loss (spec LOSS_STRING_RENAMES, checked against both libraries by
tests/keras_migrate/spec). Strings inside loss lists and per-output dicts are renamed too.
Metric strings are the log_keys rule's (their history keys matter there). The same
names elsewhere (a config dict, a variable later passed to compile) cannot be told loss
from metric: they get a warning with both fixes, so the crash is not silent.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import argument, file_uses_keras
from keras_migrate.spec._keras3_renames import KERAS2_COMPILE_PARAMETERS, LOSS_STRING_RENAMES
from keras_migrate.spec._log_keys import METRIC_FUNCTION_STRINGS

__all__ = ["LossIdentifiers"]

_LOSS_POSITION = KERAS2_COMPILE_PARAMETERS.index("loss")
# compile() arguments holding loss / metric identifiers (this rule's and log_keys')
_IDENTIFIER_ARGS = {name: KERAS2_COMPILE_PARAMETERS.index(name)
                    for name in ("loss", "metrics", "weighted_metrics")}


class LossIdentifiers(Rule):
    id = "KM231"
    name = "loss_identifiers"
    description = "Rename loss identifier strings Keras 3 dropped (\"logcosh\" -> \"log_cosh\", ...) in compile() and losses.get()."
    NODE_KEYED = ("_handled",)
    TRIGGERS = tuple(LOSS_STRING_RENAMES) + tuple(METRIC_FUNCTION_STRINGS)
    EXAMPLES = (
        Example(
            before="""
            import keras
            model.compile("adam", "logcosh")
            model.compile(optimizer="adam", loss={"a": "kullback_leibler_divergence", "b": "mse"})
            loss = keras.losses.get("logcosh")
            """,
            after="""
            import keras
            model.compile("adam", "log_cosh")
            model.compile(optimizer="adam", loss={"a": "kl_divergence", "b": "mse"})
            loss = keras.losses.get("log_cosh")
            """,
        ),
        Example(
            before="""
            import keras
            CONFIG = {"loss": "logcosh", "epochs": 3}
            """,
            diagnostics=("KM231",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._handled = set()  # ids of strings in compile()/get() identifier arguments, or dict keys

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("compile", "get"):
            for i, arg in enumerate(node.args):
                name = arg.keyword.value if arg.keyword is not None else None
                if (name in _IDENTIFIER_ARGS or name == "identifier"
                        or (name is None and (i in _IDENTIFIER_ARGS.values() or func.attr.value == "get"))):
                    self._handled.update(id(n) for n in _strings(arg.value))

    def visit_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        self._handled.update(id(n) for n in _strings(node))  # history["logcosh"]: a log key

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._handled.update(id(n) for n in _strings(node.key))  # a label

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        name = _string(node)
        if name in LOSS_STRING_RENAMES or name in METRIC_FUNCTION_STRINGS:
            if id(node) not in self._handled and file_uses_keras(self.ctx):
                metric = METRIC_FUNCTION_STRINGS.get(name)
                fixes = []
                if name in LOSS_STRING_RENAMES:
                    fixes.append(f'as a loss write "{LOSS_STRING_RENAMES[name]}"')
                if metric is not None:
                    fixes.append(f'as a metric keras.metrics.{metric.cls}(name="{metric.key}")')
                self.report(node, f'"{name}" is no Keras 3 loss or metric identifier (Keras 3 raises "Could not '
                                  f'interpret ... identifier" where it reaches compile())', "; ".join(fixes))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not isinstance(func, cst.Attribute) or not file_uses_keras(self.ctx):
            return updated
        if func.attr.value == "compile":
            position, keyword = _LOSS_POSITION, "loss"
        elif func.attr.value == "get" and self.ctx.keras_path(func) == "losses.get":
            position, keyword = 0, "identifier"
        else:
            return updated
        arg = argument(updated, keyword, position)
        if arg is None:
            return updated
        value = self._renamed(arg.value)
        if value is arg.value:
            return updated
        self.fired()
        return updated.with_changes(args=[a.with_changes(value=value) if a is arg else a for a in updated.args])

    def _renamed(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """`node` (a string, list/tuple of them or per-output dict) with dropped names renamed."""
        if isinstance(node, (cst.List, cst.Tuple, cst.Dict)):
            kind = cst.DictElement if isinstance(node, cst.Dict) else cst.Element
            elements = [e.with_changes(value=self._renamed(e.value)) if isinstance(e, kind) else e
                        for e in node.elements]
            if any(a is not b for a, b in zip(elements, node.elements)):
                return node.with_changes(elements=elements)
            return node
        new = LOSS_STRING_RENAMES.get(_string(node) or "")
        if new is None:
            return node
        return cst.SimpleString(f"{node.prefix}{node.quote}{new}{node.quote}")


def _strings(node: cst.CSTNode):
    """The string literals in an argument (lists, dicts, ... included)."""
    if isinstance(node, cst.SimpleString):
        yield node
        return
    for child in node.children:
        yield from _strings(child)


def _string(node: cst.BaseExpression) -> Optional[str]:
    return node.evaluated_value if isinstance(node, cst.SimpleString) else None
