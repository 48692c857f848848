"""KM112 optimizer_lr: `optimizer.lr` -> `optimizer.learning_rate` (reads and writes)."""

from __future__ import annotations

from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import code, file_uses_keras, keras3_path
from keras_migrate.spec import ATTRIBUTE_RENAMES

__all__ = ["OptimizerLr"]

_RENAMES = {entry.old: entry.new for entry in ATTRIBUTE_RENAMES}


def _optimizer_like(name: str) -> bool:
    # Receivers are untyped: accept what is an optimizer by naming convention
    # (`optimizer`, `model.optimizer`, `self.opt`, `gen_optimizer`) plus names bound to
    # keras.optimizers.X(...) in this file.
    last = name.rsplit(".", 1)[-1].lower()
    return "optimizer" in last or last in ("opt", "optim")


class OptimizerLr(Rule):
    id = "KM112"
    name = "optimizer_lr"
    description = "Rename the removed optimizer `lr` attribute to `learning_rate`."
    TRIGGERS = (".lr",)
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
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._optimizers: Set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call):
            path = keras3_path(self.ctx, node.value.func)
            if path is not None and path.startswith("optimizers.") and path.count(".") == 1:
                for target in node.targets:
                    self._optimizers.add(code(target.target))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        new = _RENAMES.get(original.attr.value)
        if new is None:
            return updated
        receiver = code(original.value)
        if not (receiver in self._optimizers or _optimizer_like(receiver)):
            return updated
        if not file_uses_keras(self.ctx):
            return updated
        self.fired()
        return updated.with_changes(attr=cst.Name(new))
