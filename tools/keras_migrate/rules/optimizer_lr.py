"""KM112 optimizer_lr: `optimizer.lr` -> `optimizer.learning_rate` (reads and writes), and
the numbers `Adam(lr=...)` changes.

tf_keras 2.11+ optimizers (`keras.optimizers.Adam`, `.experimental.Adam`) drop `lr=`
(with a logged warning) and train with their default learning rate; the legacy ones
(`keras.optimizers.legacy.Adam`) honour it. call_signatures renames `lr=` to
`learning_rate=`, which Keras 3 honours: on the new optimizers that is what the author
meant but not what Keras 2 computed, so the migrated training differs and we say so.
When both are given, the migrated call keeps the one Keras 2 used (two
`learning_rate=` keywords would not even parse).

In a file whose optimizers follow a LearningRateSchedule, reading an optimizer's
learning rate gave the rate of the last step applied in Keras 2 (tf_keras 2.11+ stored
it before each update) and gives the next step's in Keras 3: reads become
keras_migrate_runtime.keras2_learning_rate(optimizer) (found with keras-migrate verify:
a callback logging the rate into `logs` changed the history).
"""

from __future__ import annotations

import ast
from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import FileFacts, per_file
from keras_migrate.rules._reads import StoreTargets
from keras_migrate.rules._args import file_uses_keras, keras_optimizer_targets, optimizer_like
from keras_migrate.rules._util import code, drop_arg, keyword_arg
from keras_migrate.spec import ATTRIBUTE_RENAMES
from keras_migrate.spec._keras3_renames import KERAS2_DEFAULT_LEARNING_RATES

__all__ = ["OptimizerLr"]

_RENAMES = {entry.old: entry.new for entry in ATTRIBUTE_RENAMES}
_RATE_HELPER = "keras2_learning_rate"
_STORES = frozenset({"assign", "assign_add", "assign_sub"})


@per_file
def _scheduled_rates(ctx) -> bool:
    """Whether the file makes LearningRateSchedules (or subclasses one) and no legacy
    optimizer (whose `lr` was the schedule object itself)."""
    names = _scan.names(ctx)
    if names is None:
        return False
    schedules = bool(ctx.facts(FileFacts).keras_subclasses("optimizers.schedules."))
    for node in _scan.nodes(ctx, ast.Call):
        path = names.keras(node.func) or ""
        if path.startswith("optimizers.legacy."):
            return False
        if path.startswith("optimizers.schedules.") or (path.startswith("experimental.") and path.endswith("Decay")):
            schedules = True
    return schedules


class OptimizerLr(StoreTargets, Rule):
    id = "KM112"
    name = "optimizer_lr"
    description = "Rename the removed optimizer `lr` attribute to `learning_rate`."
    TRIGGERS = (".lr", "lr=", "lr =", ".learning_rate")
    EXAMPLES = (
        Example(
            before="""
            import keras
            print(model.optimizer.lr)
            model.optimizer.lr = 0.01
            """,
            after="""
            import keras
            print(model.optimizer.learning_rate)
            model.optimizer.learning_rate = 0.01
            """,
        ),
        Example(
            before="""
            import keras
            sgd = keras.optimizers.SGD(0.1)
            keras.backend.set_value(sgd.lr, 0.5)
            """,
            after="""
            import keras
            sgd = keras.optimizers.SGD(0.1)
            sgd.learning_rate.assign(0.5)
            """,
            full=True,
        ),
        # Optimizers following a schedule: reads give the rate of the last step, as in Keras 2.
        Example(
            before="""
            import tensorflow as tf
            schedule = tf.keras.optimizers.schedules.ExponentialDecay(0.1, 100, 0.9)
            model.compile(tf.keras.optimizers.Adam(schedule), "mse")

            class LogRate(tf.keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    logs["rate"] = float(self.model.optimizer.lr)
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import keras2_learning_rate
            schedule = tf.keras.optimizers.schedules.ExponentialDecay(0.1, 100, 0.9)
            model.compile(tf.keras.optimizers.Adam(schedule), "mse")

            class LogRate(tf.keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    logs["rate"] = float(keras2_learning_rate(self.model.optimizer))
            """,
        ),
        # An unrelated `lr` (not an optimizer) stays.
        Example(before="import keras\nlr = config.lr\n"),
        # Keras 2 trained this with Adam's default 0.001: the numbers change (warned);
        # the legacy optimizer honoured lr= (nothing to say).
        Example(
            before="""
            import tensorflow as tf
            opt = tf.keras.optimizers.Adam(lr=5e-5)
            old = tf.keras.optimizers.legacy.Adam(lr=5e-5)
            """,
            after="""
            import tensorflow as tf
            import keras
            opt = keras.optimizers.Adam(learning_rate=5e-5)
            old = keras.optimizers.Adam(learning_rate=5e-5)
            """,
            diagnostics=("KM112",),
            full=True,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._optimizers: Set[str] = set()  # (StoreTargets' _stores: also .assign()ed and set_value's)

    def visit_Assign(self, node: cst.Assign) -> None:
        # Besides names that look like optimizers, those bound to one in this file.
        self._optimizers.update(keras_optimizer_targets(self.ctx, node))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in _STORES:
            self._stores.add(id(node.value))


    # -- Adam(lr=...) ------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        path = self.ctx.keras_path(node.func) or self.ctx.qualified_name(node.func) or ""
        if path.endswith("set_value") and node.args:
            self._stores.add(id(node.args[0].value))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        lr = keyword_arg(original, "lr")
        if lr is None:
            return updated
        path = self.ctx.keras_path(original.func)
        name = (path or "").rsplit(".", 1)[-1]
        if path is None or not path.startswith("optimizers.") or name not in KERAS2_DEFAULT_LEARNING_RATES:
            return updated
        legacy = path.startswith("optimizers.legacy.")
        learning_rate = keyword_arg(original, "learning_rate")
        if learning_rate is None and original.args and original.args[0].keyword is None \
                and not original.args[0].star:
            learning_rate = original.args[0]  # learning_rate is every optimizer's first parameter
        if learning_rate is not None:
            return self._keep_the_rate_keras2_used(original, updated, lr, learning_rate, legacy)
        if not legacy:
            default = KERAS2_DEFAULT_LEARNING_RATES[name]
            self.report(original, f"Keras 2 ignored lr={code(lr.value)} on optimizers.{name} (tf_keras 2.11+ drops it) "
                        f"and trained with the default learning rate {default}; the migrated code passes "
                        f"learning_rate={code(lr.value)}, so training results will differ from the Keras 2 run",
                        f"keep learning_rate={code(lr.value)} if that is the rate you meant, or delete it to "
                        f"reproduce the Keras 2 results (learning rate {default})")
        return updated

    def _keep_the_rate_keras2_used(self, original, updated, lr, learning_rate, legacy):
        # Keras 2's legacy optimizers let lr= win, the new ones ignored it.
        used, unused = (lr, learning_rate) if legacy else (learning_rate, lr)
        if len(updated.args) != len(original.args):
            return updated
        index = next(i for i, arg in enumerate(original.args) if arg is unused)
        self.report(original, f"both lr= and learning_rate= given: Keras 2 used {code(used.value)} and ignored "
                    f"{code(unused.value)}, which is dropped", severity=Severity.INFO)
        self.fired()
        return updated.with_changes(args=drop_arg(updated.args, index))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        new = _RENAMES.get(original.attr.value)
        if new is None and original.attr.value != "learning_rate":
            return updated
        receiver = code(original.value)
        if not (receiver in self._optimizers or optimizer_like(receiver)):
            return updated
        if not file_uses_keras(self.ctx):
            return updated
        if not self.is_store(original) and _scheduled_rates(self.ctx):
            self.fired()
            self.ctx.use_runtime(_RATE_HELPER)
            return cst.Call(cst.Name(_RATE_HELPER), [cst.Arg(updated.value)], lpar=updated.lpar, rpar=updated.rpar)
        if new is None:
            return updated
        self.fired()
        return updated.with_changes(attr=cst.Name(new))
