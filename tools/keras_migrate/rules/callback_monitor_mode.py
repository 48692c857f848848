"""KM174 callback_monitor_mode: EarlyStopping / ModelCheckpoint / ReduceLROnPlateau with
mode="auto" get Keras 2's decision written out.

Keras 2 decided "auto" from the monitored name, each callback its own way (tf_keras
2.21): EarlyStopping maximises names ending in acc / accuracy / auc, ModelCheckpoint
names containing "acc" or starting with "fmeasure", ReduceLROnPlateau names containing
"acc"; everything else is minimised. Keras 3 decides from the compiled metric's
direction, and raises ("isn't able to automatically determine whether that metric should
be maximized or minimized") when the name is not a compiled metric with one: a custom
train_step's metrics, a name from a custom callback, "val_acc" of a model whose metric is
named otherwise. Writing Keras 2's choice keeps its behaviour on every backend.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._args import bind, has_star
from keras_migrate.rules._util import with_keyword

__all__ = ["CallbackMonitorMode"]


def _early_stopping(monitor: str) -> str:
    return "max" if monitor.endswith(("acc", "accuracy", "auc")) else "min"


def _model_checkpoint(monitor: str) -> str:
    return "max" if "acc" in monitor or monitor.startswith("fmeasure") else "min"


def _reduce_lr(monitor: str) -> str:
    return "max" if "acc" in monitor else "min"


# Keras path -> (Keras 2's parameters, in order, then its keyword-only ones; "auto")
_CALLBACKS: Dict[str, Tuple[Tuple[str, ...], object]] = {
    "callbacks.EarlyStopping": (("monitor", "min_delta", "patience", "verbose", "mode", "baseline",
                                 "restore_best_weights", "start_from_epoch"), _early_stopping),
    "callbacks.ModelCheckpoint": (("filepath", "monitor", "verbose", "save_best_only", "save_weights_only", "mode",
                                   "save_freq", "options", "initial_value_threshold", "period"), _model_checkpoint),
    "callbacks.ReduceLROnPlateau": (("monitor", "factor", "patience", "verbose", "mode", "min_delta", "cooldown",
                                     "min_lr", "epsilon"), _reduce_lr),
}


def _literal(node: Optional[cst.BaseExpression]) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class CallbackMonitorMode(Rule):
    id = "KM174"
    name = "callback_monitor_mode"
    description = ("Write out Keras 2's mode for EarlyStopping / ModelCheckpoint / ReduceLROnPlateau monitoring a "
                   "metric with mode='auto' (Keras 3 infers it from the metric and may raise).")
    TRIGGERS = ("EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            stop = keras.callbacks.EarlyStopping(monitor="val_acc", patience=10)
            best = keras.callbacks.ModelCheckpoint("best.h5", "val_sparse_categorical_accuracy", save_best_only=True)
            plateau = keras.callbacks.ReduceLROnPlateau("val_mae", 0.5, mode="auto")
            """,
            after="""
            import keras
            stop = keras.callbacks.EarlyStopping(monitor="val_acc", patience=10, mode="max")
            best = keras.callbacks.ModelCheckpoint("best.h5", "val_sparse_categorical_accuracy", save_best_only=True, mode="max")
            plateau = keras.callbacks.ReduceLROnPlateau("val_mae", 0.5, mode="min")
            """,
            full=True,
        ),
        # `)` on a line of its own stays there (keras.io gat_node_classification).
        # (Keras 2's ModelCheckpoint maximised only names containing "acc": "min" here.)
        Example(
            before="""
            from tensorflow import keras
            stop = keras.callbacks.EarlyStopping(
                monitor="val_acc", min_delta=1e-5, patience=5, restore_best_weights=True
            )
            best = keras.callbacks.ModelCheckpoint(
                "best.h5",
                monitor="val_auc",
                save_best_only=True
            )
            """,
            after="""
            import keras
            stop = keras.callbacks.EarlyStopping(
                monitor="val_acc", min_delta=1e-5, patience=5, restore_best_weights=True, mode="max"
            )
            best = keras.callbacks.ModelCheckpoint(
                "best.h5",
                monitor="val_auc",
                save_best_only=True,
                mode="min"
            )
            """,
            full=True,
        ),
        # The loss needs nothing (Keras 3 minimises it too); nor does an explicit mode.
        Example(
            before="""
            from tensorflow import keras
            stop = keras.callbacks.EarlyStopping(patience=3)
            loss = keras.callbacks.ReduceLROnPlateau(monitor="loss")
            given = keras.callbacks.EarlyStopping("val_auc", 0, 5, 0, "max")
            """,
        ),
        # A name computed at run time: Keras 2's rule cannot be applied ahead.
        Example(
            before="""
            from tensorflow import keras
            stop = keras.callbacks.EarlyStopping(monitor=f"val_{metric}", patience=3)
            """,
            diagnostics=("KM174",),
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        path = self.ctx.keras_path(original.func)
        entry = _CALLBACKS.get(path or "")
        if entry is None or has_star(original):
            return updated
        params, decide = entry
        bound = bind(updated, params)
        if bound is None:
            return updated
        mode = bound.get("mode")
        if mode is not None and _literal(mode.value) != "auto":
            return updated
        monitor_arg = bound.get("monitor")
        monitor = "val_loss" if monitor_arg is None else _literal(monitor_arg.value)
        if monitor is None:
            self.report(original, f"{path.split('.')[-1]} with mode='auto' and a monitored name known only at run "
                                  "time: Keras 3 infers the mode from the compiled metric and raises when it cannot",
                        "pass mode='max' or mode='min' (Keras 2 maximised names ending in acc/accuracy/auc)",
                        Severity.WARNING)
            return updated
        if monitor.removeprefix("val_") == "loss":
            return updated
        value = cst.SimpleString(f'"{decide(monitor)}"')
        self.fired()
        if mode is not None:
            return updated.with_changes(args=[a.with_changes(value=value) if a is mode else a for a in updated.args])
        return with_keyword(updated, "mode", value)
