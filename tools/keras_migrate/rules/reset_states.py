"""KM133 reset_states: Keras 2's `reset_states()` on metrics and models.

Keras 3 metrics only have `reset_state()` (Keras 2's `reset_states()` was an alias),
and a Metric subclass overriding `reset_states` is no longer reset by fit()/evaluate()
(Keras 3 calls `reset_state`). Keras 3 models have no `reset_states()` (Keras 2 reset
their stateful RNN layers); RNN layers keep theirs. Receivers are untyped: a name bound
to a keras.metrics object becomes `.reset_state()`, anything else goes through
keras_migrate_runtime.keras2_reset_states, which does what Keras 2 did for whatever the
object is at run time.
"""

from __future__ import annotations

from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._util import class_method, code
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._scan import keras_metric_classes

__all__ = ["ResetStates"]

_RUNTIME = "keras2_reset_states"


class ResetStates(Rule):
    id = "KM133"
    name = "reset_states"
    description = ("Rewrite Keras 2 reset_states(): metrics -> reset_state(), Metric subclasses' "
                   "reset_states overrides -> reset_state, models -> Keras 2's stateful-layer reset.")
    TRIGGERS = ("reset_states",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            train_acc = keras.metrics.SparseCategoricalAccuracy()
            train_acc.reset_states()
            for metric in model.metrics:
                metric.reset_states()

            class ResetEachEpoch(keras.callbacks.Callback):
                def on_epoch_begin(self, epoch, logs=None):
                    self.model.reset_states()
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_reset_states
            train_acc = keras.metrics.SparseCategoricalAccuracy()
            train_acc.reset_state()
            for metric in model.metrics:
                metric.reset_state()

            class ResetEachEpoch(keras.callbacks.Callback):
                def on_epoch_begin(self, epoch, logs=None):
                    keras2_reset_states(self.model)
            """,
        ),
        Example(
            before="""
            from tensorflow import keras
            class Total(keras.metrics.Metric):
                def reset_states(self):
                    self.total.assign(0.0)
            """,
            after="""
            from tensorflow import keras
            class Total(keras.metrics.Metric):
                def reset_state(self):
                    self.total.assign(0.0)
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._metrics: Set[str] = set()  # receivers known to be metrics ("acc", "self.tracker", loop vars)

    # -- what is a metric --------------------------------------------------------------
    def _local_metric_classes(self) -> frozenset:
        return keras_metric_classes(self.ctx)

    def _is_metric_constructor(self, node: cst.BaseExpression) -> bool:
        if not isinstance(node, cst.Call):
            return False
        path = self.ctx.keras_path(node.func) or ""
        if path.startswith("metrics.") and path.split(".")[-1][:1].isupper():
            return True
        return isinstance(node.func, cst.Name) and node.func.value in self._local_metric_classes()

    def visit_Assign(self, node: cst.Assign) -> None:
        metric = self._is_metric_constructor(node.value)
        for target in node.targets:
            text = code(target.target)
            if metric:
                self._metrics.add(text)
            else:
                self._metrics.discard(text)

    def visit_For(self, node: cst.For) -> None:
        # for m in self.metrics / model.metrics: every item is a metric
        if isinstance(node.iter, cst.Attribute) and node.iter.attr.value == "metrics" \
                and isinstance(node.target, cst.Name):
            self._metrics.add(node.target.value)

    def _in_metric_class(self) -> bool:
        cls = self.ctx.current_class
        return cls is not None and cls.name.value in self._local_metric_classes()

    # -- rewrites ----------------------------------------------------------------------
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        # Keras 3 resets metrics through reset_state(): a Keras 2 override of the alias
        # would never run. (The engine pops the function after the rules' leave.)
        if (original.name.value == "reset_states" and len(self.ctx.function_stack) == 1
                and self._in_metric_class() and not self._defines_reset_state()):
            self.fired()
            return updated.with_changes(name=cst.Name("reset_state"))
        return updated

    def _defines_reset_state(self) -> bool:
        return class_method(self.ctx.current_class, "reset_state") is not None

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "reset_states"):
            return updated
        if not file_uses_keras(self.ctx):
            return updated
        receiver = func.value
        if original.args:
            self.report(original, "reset_states(states) is gone in Keras 3 (RNN layers reset to zeros only)",
                        "assign the initial states yourself: for var, value in zip(layer.states, states): "
                        "var.assign(value)")
            return updated
        if (code(receiver) in self._metrics or self._is_metric_constructor(receiver)
                or (self._in_metric_class() and code(receiver) in ("self", "super()"))):
            self.fired()
            return updated.with_changes(func=updated.func.with_changes(attr=cst.Name("reset_state")))
        self.ctx.use_runtime(_RUNTIME)
        self.fired()
        return cst.Call(func=cst.Name(_RUNTIME), args=[cst.Arg(updated.func.value)],
                        lpar=updated.lpar, rpar=updated.rpar)
