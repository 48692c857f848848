"""KM161 regularizers: weight regularizers whose Keras 3 counterparts compute other losses.

Measured with kernel/recurrent/bias regularizers on LSTM, GRU, SimpleRNN (also inside
Bidirectional, RNN(cell), stacked cells) and Dense, tf_keras 2.21 against Keras 3.15:
the regularizers themselves give the same losses, except for these API differences:

* `regularizers.l1_l2()` defaults to l1=0.01, l2=0.01 in Keras 2; Keras 3's `l1_l2` is
  the L1L2 class, which defaults to 0.0 for both: the missing factors are written out;
* the string "l1_l2" meant `l1_l2()` (0.01, 0.01); Keras 3 does not know it (an
  error): it becomes `keras.regularizers.L1L2(l1=0.01, l2=0.01)`;
* `regularizers.l1(l=...)` / `l2(l=...)` (Keras 2's backwards-compatible keyword) is a
  TypeError in Keras 3: the keyword becomes `l1=` / `l2=`;
* Keras 3 leaves the regularizers of non-trainable weights out of `model.losses` (and
  so out of the training loss): Keras 2 kept them. A frozen layer (`trainable=False`,
  `layer.trainable = False`) with regularizers therefore reports a smaller loss, by a
  constant (its gradients are zero in both). No rewrite can put them back into
  Keras 3's `losses`: diagnosed with the manual fix.
"""

from __future__ import annotations

import ast
import re
from typing import Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules import _scan
from keras_migrate.rules._args import bind, has_star
from keras_migrate.rules._util import code, with_keyword

__all__ = ["Regularizers"]

# Keras 2's regularizers.l1_l2(l1=0.01, l2=0.01) (a function; Keras 3: the class's 0.0).
_L1L2_DEFAULT = "0.01"
_OLD_KEYWORD = {"regularizers.l1": "l1", "regularizers.L1": "l1", "regularizers.l2": "l2", "regularizers.L2": "l2"}
_REGULARIZER_KEYWORD = re.compile(r"(\w+_)?regularizer")
_REGULARIZED = re.compile(r"regularizer\s*=\s*(?!None\b)")
_FROZEN_FIX = (
    "the weights train the same (frozen weights get no gradient either way); to report Keras 2's loss, "
    "add the frozen weights' penalties in compute_loss(): return super().compute_loss(...) + "
    "sum(w.regularizer(w) for w in self.non_trainable_weights if w.regularizer is not None)"
)


class Regularizers(Rule):
    id = "KM161"
    NODE_KEYED = ('_not_references',)
    name = "regularizers"
    description = ("Keep Keras 2's regularizer factors: l1_l2() defaults and the \"l1_l2\" string (0.01, 0.01), "
                   "l1/l2(l=...); diagnose regularized weights that are frozen (Keras 3 drops their losses).")
    TRIGGERS = ("l1_l2", "regularizer", "l=")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            from tensorflow.keras import layers, regularizers

            rnn = layers.LSTM(8, kernel_regularizer=regularizers.l1_l2(), recurrent_regularizer=regularizers.l1_l2(l1=1e-4))
            gru = layers.GRU(8, bias_regularizer="l1_l2", kernel_regularizer=regularizers.l2(l=1e-3))
            """,
            after="""
            import tensorflow as tf
            from tensorflow.keras import layers, regularizers
            import keras

            rnn = layers.LSTM(8, kernel_regularizer=regularizers.l1_l2(l1=0.01, l2=0.01), recurrent_regularizer=regularizers.l1_l2(l1=1e-4, l2=0.01))
            gru = layers.GRU(8, bias_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.01), kernel_regularizer=regularizers.l2(l2=1e-3))
            """,
        ),
        Example(
            before="""
            import keras

            encoder = keras.layers.Bidirectional(keras.layers.GRU(4, kernel_regularizer=keras.regularizers.l2(0.01)))
            encoder.trainable = False
            """,
            diagnostics=("KM161",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._not_references: Set[int] = set()
        # Regularizers anywhere in the file (`*_regularizer=`, add_weight(regularizer=)).
        self._regularized = _REGULARIZED.search(ctx.source) is not None
        self._regularized_names = _regularized_names(ctx) if self._regularized else frozenset()

    # -- bookkeeping ---------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._not_references.add(id(node.attr))  # `regularizers.l1_l2`: the whole attribute is checked

    def visit_Call(self, node: cst.Call) -> None:
        self._not_references.add(id(node.func))
        self._frozen_constructor(node)

    # -- l1_l2 passed around uncalled: its defaults cannot be written out --------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        self._uncalled_l1_l2(original)
        return updated

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        self._uncalled_l1_l2(original)
        return updated

    def _uncalled_l1_l2(self, node) -> None:
        if self.ctx.import_depth or id(node) in self._not_references or self.ctx.keras_path(node) != "regularizers.l1_l2":
            return
        self.report(node, "regularizers.l1_l2 defaults to l1=0.01, l2=0.01 in Keras 2; Keras 3's l1_l2 (the L1L2 "
                          "class) defaults to 0.0 for both",
                    "call it with both factors: l1_l2(l1=0.01, l2=0.01)")

    # -- rewrites ------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        path = self.ctx.keras_path(original.func)
        if path == "regularizers.l1_l2":
            updated = self._l1_l2(original, updated)
        elif path in _OLD_KEYWORD:
            updated = self._old_keyword(updated, _OLD_KEYWORD[path])
        elif path == "regularizers.get" and updated.args and _is_l1_l2_string(updated.args[0].value):
            self.fired()
            return self._l1l2_instance()
        return self._string_arguments(updated)

    def _l1_l2(self, original: cst.Call, call: cst.Call) -> cst.Call:
        bound = bind(original, ("l1", "l2"))
        if bound is None or has_star(original):
            self.report(original, "regularizers.l1_l2 defaults to l1=0.01, l2=0.01 in Keras 2, 0.0 in Keras 3",
                        "pass both factors explicitly")
            return call
        for keyword in ("l1", "l2"):
            if keyword not in bound:
                call = with_keyword(call, keyword, cst.Float(_L1L2_DEFAULT))
                self.fired()
        return call

    def _old_keyword(self, call: cst.Call, new: str) -> cst.Call:
        args = list(call.args)
        for i, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value == "l":
                args[i] = arg.with_changes(keyword=cst.Name(new))
                self.fired()
        return call.with_changes(args=args)

    def _string_arguments(self, call: cst.Call) -> cst.Call:
        args = list(call.args)
        changed = False
        for i, arg in enumerate(args):
            if (arg.keyword is not None and _REGULARIZER_KEYWORD.fullmatch(arg.keyword.value)
                    and _is_l1_l2_string(arg.value)):
                args[i] = arg.with_changes(value=self._l1l2_instance())
                changed = True
        if not changed:
            return call
        self.fired()
        return call.with_changes(args=args)

    def _l1l2_instance(self) -> cst.BaseExpression:
        keras = self.ctx.require_keras()
        return cst.parse_expression(f"{keras}.regularizers.L1L2(l1={_L1L2_DEFAULT}, l2={_L1L2_DEFAULT})")

    # -- frozen regularized weights (diagnostic) -------------------------------------
    def _frozen_constructor(self, call: cst.Call) -> None:
        trainable = next((a for a in call.args if a.keyword is not None and a.keyword.value == "trainable"), None)
        if trainable is None or code(trainable.value) != "False":
            return
        path = self.ctx.keras_path(call.func)
        is_add_weight = isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_weight"
        if path is None and not is_add_weight:
            return
        # Only calls that carry a regularizer themselves (or in the layer they wrap).
        if _REGULARIZED.search(code(call)) is None:
            return
        self._report_frozen(call, certain=True)

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        if not self._regularized or not isinstance(original.value, cst.Name) or code(original.value) != "False":
            return updated
        for target in original.targets:
            if isinstance(target.target, cst.Attribute) and target.target.attr.value == "trainable":
                frozen = target.target.value
                self._report_frozen(original, certain=isinstance(frozen, cst.Name)
                                    and frozen.value in self._regularized_names)
        return updated

    def _report_frozen(self, node: cst.CSTNode, certain: bool) -> None:
        message = ("Keras 3 leaves the regularization losses of non-trainable weights out of model.losses and of "
                   "the training loss (Keras 2 kept them), so the reported loss is lower by their penalty")
        if certain:
            self.report(node, "regularized weights made non-trainable: " + message, _FROZEN_FIX)
        else:
            # `model.layers[0].trainable = False`: whether that part has regularizers is
            # not known here.
            self.report(node, "if what this freezes has weight regularizers: " + message, _FROZEN_FIX,
                        severity=Severity.INFO)


def _regularized_names(ctx) -> frozenset:
    """Names assigned a value built with regularizers: `enc = LSTM(..., kernel_regularizer=...)`,
    or the result of a function of this file that uses them (`disc = build_discriminator()`)."""
    tree = _scan.file_ast(ctx)
    if tree is None:
        return frozenset()
    builders = {node.name for node in _scan.nodes(ctx, ast.FunctionDef, ast.AsyncFunctionDef)
                if _REGULARIZED.search(ast.unparse(node))}
    names = set()
    for node in _scan.nodes(ctx, ast.Assign):
        if not (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        value = node.value
        built_by = value.func.id if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else None
        if _REGULARIZED.search(ast.unparse(value)) or built_by in builders:
            names.add(node.targets[0].id)
    return frozenset(names)


def _is_l1_l2_string(node: Optional[cst.BaseExpression]) -> bool:
    return isinstance(node, cst.SimpleString) and node.evaluated_value == "l1_l2"
