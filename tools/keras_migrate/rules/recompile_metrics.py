"""KM259 recompile_metrics: compile() again without metrics drops the earlier ones, as in Keras 2.

Keras 2's compile() replaced the model's metrics with the ones it was given, none when
given none. Keras 3 rebuilds them only when `metrics` or `weighted_metrics` is passed:
a model compiled first with metrics and again without (a new optimizer, other loss
weights) keeps reporting the old metrics in fit()'s history and evaluate()'s list (an
independent program: evaluate() returned 5 values instead of Keras 2's 3). The later
compile() gets `metrics=[]`, which is Keras 2's "no metrics" in Keras 3 (not added to a
first compile: Keras 3 would then list an empty `compile_metrics` in metrics_names).
"""

from __future__ import annotations

from typing import Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import argument, file_uses_keras, has_star, other_compile_keywords
from keras_migrate.rules._scan import cst_scope
from keras_migrate.rules._util import code, with_keyword
from keras_migrate.spec._keras3_renames import KERAS2_COMPILE_PARAMETERS

__all__ = ["RecompileMetrics"]

_METRICS = ("metrics", "weighted_metrics")


class RecompileMetrics(Rule):
    id = "KM259"
    name = "recompile_metrics"
    description = ("A model compiled again without metrics gets metrics=[]: Keras 2 dropped the earlier compile's "
                   "metrics, Keras 3 keeps them.")
    TRIGGERS = ("compile",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            model.compile("adam", {"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                          metrics={"reg": "mae", "cls": "accuracy"})
            model.fit(x, y)
            model.compile(keras.optimizers.Adam(1e-4), ["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 0.3])
            other.compile("adam", "mse")
            """,
            after="""
            from tensorflow import keras
            model.compile("adam", {"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                          metrics={"reg": "mae", "cls": "accuracy"})
            model.fit(x, y)
            model.compile(keras.optimizers.Adam(1e-4), ["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 0.3], metrics=[])
            other.compile("adam", "mse")
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._with_metrics: Set[Tuple[Tuple[str, ...], str]] = set()  # (scope, receiver) compiled with metrics

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile"):
            return updated
        # *args / **kwargs hide which arguments are given.
        if has_star(original) or other_compile_keywords(original) or not file_uses_keras(self.ctx):
            return updated
        key = (cst_scope(self.ctx), code(func.value))
        given = [argument(original, name, KERAS2_COMPILE_PARAMETERS.index(name)) for name in _METRICS]
        if any(arg is not None and not (isinstance(arg.value, cst.Name) and arg.value.value == "None")
               for arg in given):
            self._with_metrics.add(key)
            return updated
        if key not in self._with_metrics or any(arg is not None for arg in given):
            return updated
        self.fired()
        return with_keyword(updated, "metrics", cst.List([]))
