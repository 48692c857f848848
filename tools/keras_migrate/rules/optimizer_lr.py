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
from keras_migrate.rules._util import code, comma_separated, drop_arg, keyword, keyword_arg
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


_RATE_USES = (".lr", ".learning_rate", "ReduceLROnPlateau", "LearningRateScheduler")


class OptimizerLr(StoreTargets, Rule):
    id = "KM112"
    name = "optimizer_lr"
    description = "Rename the removed optimizer `lr` attribute to `learning_rate`."
    TRIGGERS = (".lr", "lr=", "lr =", ".learning_rate", "decay")
    EXAMPLES = (
        # A legacy optimizer's decay (handson-ml2 ch. 11): the same rates as a schedule.
        Example(
            before="""
            from tensorflow import keras
            sgd = keras.optimizers.legacy.SGD(learning_rate=0.01, decay=1e-4)
            adam = keras.optimizers.legacy.Adam(0.002, decay=1e-3, beta_1=0.8)
            rms = keras.optimizers.legacy.RMSprop(decay=0.01)
            other = keras.optimizers.legacy.SGD(learning_rate=schedule(), decay=1e-4)
            """,
            after="""
            import keras
            sgd = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-4))
            adam = keras.optimizers.Adam(keras.optimizers.schedules.InverseTimeDecay(0.002, decay_steps=1, decay_rate=1e-3), beta_1=0.8)
            rms = keras.optimizers.RMSprop(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=1, decay_rate=0.01))
            other = keras.optimizers.SGD(learning_rate=schedule(), decay=1e-4)
            """,
            diagnostics=("KM112",),
            full=True,
        ),
        # A file that reads or sets the rate (a callback): Keras 2's optimizer.lr was the
        # undecayed rate, a schedule's is not, and cannot be set: said, not rewritten.
        Example(
            before="""
            from tensorflow import keras
            sgd = keras.optimizers.legacy.SGD(learning_rate=0.01, decay=1e-4)
            model.fit(x, y, callbacks=[keras.callbacks.ReduceLROnPlateau()])
            """,
            diagnostics=("KM112",),
        ),
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
        return self._legacy_decay(original, self._lr_keyword(original, updated))

    def _legacy_decay(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """`optimizers.legacy.SGD(learning_rate=0.01, decay=1e-4)`: Keras 2 trained with
        lr / (1 + decay * iterations); Keras 3 has no `decay` (it warns and ignores it).
        InverseTimeDecay(lr, decay_steps=1, decay_rate=decay) is that formula, step for step
        (handson-ml2 ch. 11: its loss differed from the first epoch, silently)."""
        decay = keyword_arg(updated, "decay")
        path = self.ctx.keras_path(original.func) or ""
        name = path.rsplit(".", 1)[-1]
        if decay is None or not path.startswith("optimizers.legacy.") or name not in KERAS2_DEFAULT_LEARNING_RATES \
                or name == "Nadam":  # (legacy Nadam replaced decay by its schedule_decay: KM229's LegacyNadam)
            return updated
        args = list(updated.args)
        at = next((i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == "learning_rate"),
                  0 if args and args[0].keyword is None and not args[0].star else None)
        rate = args[at].value if at is not None else cst.Float(KERAS2_DEFAULT_LEARNING_RATES[name])
        # Keras 2 kept the undecayed rate in optimizer.lr (what callbacks read and set); a
        # schedule's optimizer reports the decayed one and refuses to be set: such files
        # get the diagnostic.
        reads_rate = any(text in self.ctx.source for text in _RATE_USES)
        if isinstance(rate, (cst.Call, cst.Lambda)) or any(a.star for a in args) or reads_rate:
            self.report(original, f"optimizers.legacy.{name}(decay={code(decay.value)}) divided the learning rate "
                                  "by (1 + decay * iterations); Keras 3's optimizers have no decay (ignored, with a "
                                  "warning), and this learning rate is not a plain value to fold into a schedule "
                                  "(or the file reads or sets the optimizer's rate, which a schedule changes)",
                        "pass learning_rate=keras.optimizers.schedules.InverseTimeDecay(<rate>, decay_steps=1, "
                        f"decay_rate={code(decay.value)}) (for a schedule: divide its value the same way)")
            return updated
        keras_name = self.ctx.require_keras()
        schedule = cst.parse_expression(
            f"{keras_name}.optimizers.schedules.InverseTimeDecay({code(rate)}, decay_steps=1, "
            f"decay_rate={code(decay.value)})")
        if at is not None:
            args[at] = args[at].with_changes(value=schedule)
        args = drop_arg(args, next(i for i, a in enumerate(args) if a is decay))
        if at is None:
            args = comma_separated(args + [keyword("learning_rate", schedule)])
        self.fired()
        return updated.with_changes(args=args)

    def _lr_keyword(self, original: cst.Call, updated: cst.Call) -> cst.Call:
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
