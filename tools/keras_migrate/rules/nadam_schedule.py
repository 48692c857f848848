"""KM229 nadam_schedule: Nadam trains with Keras 2's numbers, or says why it cannot.

Keras 2 had two Nadams, and neither computes what Keras 3's does (measured on tf_keras
2.21 against Keras 3, a small dense model, 4 epochs of Nadam(0.01): loss 39.27 on
Keras 3, 38.93 legacy, 39.91 new):

- `optimizers.legacy.Nadam` (the only Nadam up to TF 2.10) decays its momentum schedule
  with 0.96 ** (0.004 * step) (`schedule_decay`), Keras 3 with 0.96 ** step. It becomes
  keras_migrate_runtime's LegacyNadam, Keras 3's Nadam with the legacy schedule (same
  numbers on the three backends).
- `optimizers.Nadam` of tf_keras 2.11+ moves its schedule product with a Python counter
  that only advances while TensorFlow traces: inside fit() (or any tf.function) the
  product is multiplied once per variable instead of once per step. Run eagerly it
  computes what Keras 3 computes. That defect cannot be reproduced sensibly, so
  construction (and `"nadam"` passed to compile) gets a warning saying the numbers will
  move, unless the file compiles with `run_eagerly=True`.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._agnostic import runtime_class_for
from keras_migrate.rules._args import file_uses_keras, has_star
from keras_migrate.rules._util import drop_arg, keyword_arg

__all__ = ["NadamSchedule"]

RUNTIME_CLASS = "LegacyNadam"
_LEGACY = frozenset({"optimizers.legacy.Nadam"})
_NEW = frozenset({"optimizers.Nadam", "optimizers.experimental.Nadam", "optimizers.nadam.Nadam"})
_MESSAGE = ("tf_keras's Nadam moves its momentum schedule once per variable instead of once per step inside "
            "fit() or any tf.function (its step counter only advances while tracing): Keras 2's training numbers "
            "are not Nadam's, and Keras 3's Nadam (what tf_keras computes with run_eagerly=True) will differ")
_FIX = ("nothing to change for a correct Nadam: expect different training numbers (compare with Keras 2 under "
        "compile(run_eagerly=True)); to keep Keras 2's exact numbers, train this model with another optimizer")


class NadamSchedule(Rule):
    id = "KM229"
    name = "nadam_schedule"
    description = ("Legacy Nadam becomes keras_migrate_runtime's LegacyNadam (Keras 2's momentum schedule); the "
                   "tf_keras 2.11+ Nadam is diagnosed (its fit() numbers come from a per-variable schedule).")
    TRIGGERS = ("adam",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            opt = tf.keras.optimizers.legacy.Nadam(learning_rate=0.01, beta_1=0.8, decay=1e-4)
            """,
            after="""
            from keras_migrate_runtime import LegacyNadam
            opt = LegacyNadam(learning_rate=0.01, beta_1=0.8)
            """,
        ),
        Example(
            before="""
            from tensorflow import keras
            model.compile(keras.optimizers.Nadam(0.01), "mse")
            model.compile(optimizer="nadam", loss="mse")
            """,
            diagnostics=("KM229", "KM229"),
        ),
        Example(
            before="""
            from tensorflow import keras
            model.compile(keras.optimizers.Nadam(0.01), "mse", run_eagerly=True)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("compile", "get") and file_uses_keras(self.ctx):
            if func.attr.value == "get" and self.ctx.keras_path(func) != "optimizers.get":
                return
            arg = keyword_arg(node, "optimizer") or keyword_arg(node, "identifier") or (
                node.args[0] if node.args and node.args[0].keyword is None and not node.args[0].star else None)
            if arg is not None and isinstance(arg.value, cst.SimpleString) \
                    and arg.value.evaluated_value.lower() == "nadam" and not self._eager():
                self.report(arg.value, _MESSAGE, _FIX)
        elif self.ctx.keras_path(func) in _NEW and not self._eager():
            self.report(node, _MESSAGE, _FIX)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.ctx.keras_path(original.func) not in _LEGACY:
            return updated
        if has_star(original):
            self.report(original, "legacy Nadam(*args/**kwargs): Keras 3's Nadam uses another momentum schedule "
                                  "(0.96 ** step, the legacy one 0.96 ** (0.004 * step))",
                        "construct keras_migrate_runtime.LegacyNadam with the same arguments")
            return updated
        self.fired()
        # The legacy Nadam overwrote `decay` with schedule_decay (never a learning-rate
        # decay): dropped, as Keras 3 rejects it.
        args = list(updated.args)
        decay = [i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == "decay"]
        if decay:
            args = drop_arg(args, decay[0])
        return updated.with_changes(func=runtime_class_for(self.ctx, original.func, RUNTIME_CLASS, RUNTIME_CLASS),
                                    args=args)

    def _eager(self) -> bool:
        return "run_eagerly=True" in self.ctx.source.replace(" ", "")
