"""KM112 optimizer_lr: `optimizer.lr` -> `optimizer.learning_rate` (reads and writes), and
the numbers `Adam(lr=...)` changes.

tf_keras 2.11+ optimizers (`keras.optimizers.Adam`, `.experimental.Adam`) drop `lr=`
(with a logged warning) and train with their default learning rate; the legacy ones
(`keras.optimizers.legacy.Adam`) honour it. call_signatures renames `lr=` to
`learning_rate=`, which Keras 3 honours: on the new optimizers that is what the author
meant but not what Keras 2 computed, so the migrated training differs and we say so.
When both are given, the migrated call keeps the one Keras 2 used (two
`learning_rate=` keywords would not even parse).
"""

from __future__ import annotations

from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._args import file_uses_keras, keras_optimizer_targets, optimizer_like
from keras_migrate.rules._util import code, drop_arg, keyword_arg
from keras_migrate.spec import ATTRIBUTE_RENAMES
from keras_migrate.spec._keras3_renames import KERAS2_DEFAULT_LEARNING_RATES

__all__ = ["OptimizerLr"]

_RENAMES = {entry.old: entry.new for entry in ATTRIBUTE_RENAMES}


class OptimizerLr(Rule):
    id = "KM112"
    name = "optimizer_lr"
    description = "Rename the removed optimizer `lr` attribute to `learning_rate`."
    TRIGGERS = (".lr", "lr=", "lr =")
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
        self._optimizers: Set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        # Besides names that look like optimizers, those bound to one in this file.
        self._optimizers.update(keras_optimizer_targets(self.ctx, node))

    # -- Adam(lr=...) ------------------------------------------------------------------
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
        if new is None:
            return updated
        receiver = code(original.value)
        if not (receiver in self._optimizers or optimizer_like(receiver)):
            return updated
        if not file_uses_keras(self.ctx):
            return updated
        self.fired()
        return updated.with_changes(attr=cst.Name(new))
