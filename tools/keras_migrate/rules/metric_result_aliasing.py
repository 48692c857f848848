"""KM256 metric_result_aliasing: a Metric's result() must not hand out its own variable.

Keras 3's fit() reads every training metric's result() at the end of an epoch, keeps
what it returned, then runs validation on the same metric objects (reset, then updated)
and only afterwards turns the kept values into numbers. A result() that returns the
metric's variable itself (`return self.true_positives`, the pattern of the Metric
docstring and of many Keras 2 guides) or a value sharing its storage therefore reports
the validation pass's value as the training value (measured on Keras 3.15: a counting
metric 16.0 instead of Keras 2's 32.0 on TensorFlow and PyTorch) and crashes on JAX (a
Variable returned from a jitted function). On PyTorch, indexing, same-dtype casts and
convert_to_tensor also share storage; on TensorFlow convert_to_tensor returns the
variable. The rewrite returns a copy (keras.ops.copy, same values) from the file's
Metric subclasses. Keras 3's own confusion-count metrics (TruePositives, FalsePositives,
TrueNegatives, FalseNegatives) and Sum do the same inside Keras: compiled with a fit()
that validates, they get a warning (PyTorch; with several thresholds TensorFlow too).
"""

from __future__ import annotations

import re
from typing import FrozenSet

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import argument, file_uses_keras
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._scan import keras_metric_classes
from keras_migrate.rules._util import dotted
from keras_migrate.rules._variables import class_and_bases, variables

__all__ = ["MetricResultAliasing"]

# Calls that hand their argument's storage back (PyTorch: same-dtype cast, conversion).
_SHARING_CALLS = frozenset({"cast", "convert_to_tensor"})
_COUNTS = frozenset({"metrics.TruePositives", "metrics.FalsePositives", "metrics.TrueNegatives",
                     "metrics.FalseNegatives"})
_VALIDATES = re.compile(r"\bvalidation_(?:data|split)\s*=")


class MetricResultAliasing(Rule):
    id = "KM256"
    name = "metric_result_aliasing"
    description = ("Metric subclasses' result() returns a copy of its variable (Keras 3's fit() would report the "
                   "validation value as the training value, and JAX rejects a returned variable); warn for Keras's "
                   "own counting metrics compiled with validation.")
    TRIGGERS = ("def result", "TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives", "Sum(")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            class CategoricalTruePositives(keras.metrics.Metric):
                def __init__(self, name="categorical_true_positives", **kwargs):
                    super().__init__(name=name, **kwargs)
                    self.true_positives = self.add_weight(name="ctp", initializer="zeros")

                def result(self):
                    return self.true_positives

            class Counts(CategoricalTruePositives):
                def result(self):
                    if self.dtype == "float32":
                        return {"tp": self.true_positives, "scaled": self.true_positives * 2.0}
                    return self.true_positives[0]
            """,
            after="""
            import tensorflow as tf
            from tensorflow import keras
            import keras

            class CategoricalTruePositives(keras.metrics.Metric):
                def __init__(self, name="categorical_true_positives", **kwargs):
                    super().__init__(name=name, **kwargs)
                    self.true_positives = self.add_weight(name="ctp", initializer="zeros")

                def result(self):
                    return keras.ops.copy(self.true_positives)

            class Counts(CategoricalTruePositives):
                def result(self):
                    if self.dtype == "float32":
                        return {"tp": keras.ops.copy(self.true_positives), "scaled": self.true_positives * 2.0}
                    return keras.ops.copy(self.true_positives[0])
            """,
        ),
        Example(
            # A cast or conversion shares the variable's storage on PyTorch; a result
            # already copied, a computed one and a non-variable attribute stay.
            before="""
            import keras

            class Total(keras.metrics.Metric):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.total = self.add_variable(shape=(), initializer="zeros", name="total")
                    self.scale = 2.0

                def result(self):
                    return keras.ops.cast(self.total, "float32")

            class Converted(Total):
                def result(self):
                    return keras.ops.convert_to_tensor(self.total)

            class Kept(Total):
                def result(self):
                    return keras.ops.copy(self.total), self.total / 2.0, self.scale
            """,
            after="""
            import keras

            class Total(keras.metrics.Metric):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.total = self.add_variable(shape=(), initializer="zeros", name="total")
                    self.scale = 2.0

                def result(self):
                    return keras.ops.copy(keras.ops.cast(self.total, "float32"))

            class Converted(Total):
                def result(self):
                    return keras.ops.copy(keras.ops.convert_to_tensor(self.total))

            class Kept(Total):
                def result(self):
                    return keras.ops.copy(self.total), self.total / 2.0, self.scale
            """,
        ),
        Example(
            # Not a Metric subclass: a layer's `result` method is left alone.
            before="""
            import keras

            class Accumulate(keras.layers.Layer):
                def build(self, shape):
                    self.total = self.add_weight(shape=(), initializer="zeros")

                def result(self):
                    return self.total
            """,
        ),
        Example(
            before="""
            from tensorflow import keras
            model.compile("adam", "binary_crossentropy",
                          metrics=[keras.metrics.FalseNegatives(), keras.metrics.TruePositives(thresholds=[0.3, 0.7]),
                                   keras.metrics.BinaryAccuracy()])
            model.fit(x, y, validation_split=0.2)
            """,
            diagnostics=("KM256", "KM256"),
        ),
        Example(
            # Without validation the kept values are not overwritten before they are read.
            before="""
            from tensorflow import keras
            model.compile("adam", "binary_crossentropy", metrics=[keras.metrics.FalseNegatives()])
            model.fit(x, y)
            """,
        ),
        Example(
            # TensorFlow mode: only several thresholds share storage on TensorFlow.
            before="""
            from tensorflow import keras
            model.compile("adam", "binary_crossentropy",
                          metrics=[keras.metrics.FalseNegatives(), keras.metrics.TruePositives(thresholds=[0.3, 0.7])])
            model.fit(x, y, validation_data=(vx, vy))
            """,
            diagnostics=("KM256",),
            mode="tensorflow",
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._compile_depth = 0

    # -- the file's own Metric subclasses ----------------------------------------------
    def _result_variables(self) -> FrozenSet[str]:
        """The variable attributes when the traversal is in a Metric subclass's result()."""
        cls, functions = self.ctx.current_class, self.ctx.function_stack
        if cls is None or len(functions) != 1 or functions[0].name.value != "result":
            return frozenset()
        if cls.name.value not in keras_metric_classes(self.ctx):
            return frozenset()
        classes = class_and_bases(self.ctx, cls.name.value)
        return frozenset(text[len("self."):] for (owner, text) in variables(self.ctx)
                         if owner in classes and text.startswith("self."))

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        if updated.value is None:
            return updated
        variables = self._result_variables()
        if not variables:
            return updated
        value = self._copied(updated.value, variables)
        return updated if value is updated.value else updated.with_changes(value=value)

    def _copied(self, value: cst.BaseExpression, variables: FrozenSet[str]) -> cst.BaseExpression:
        if isinstance(value, (cst.Dict, cst.Tuple, cst.List)):  # each value (not `**rest` / `*rest`)
            elements = [e.with_changes(value=self._copied(e.value, variables))
                        if isinstance(e, (cst.DictElement, cst.Element)) else e for e in value.elements]
            return value.with_changes(elements=elements)
        if not _shares_variable(value, variables):
            return value
        self.fired()
        return cst.Call(func=dotted(f"{self.ctx.require_keras()}.ops.copy"), args=[cst.Arg(value)])

    # -- Keras's own counting metrics ----------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "compile":
            self._compile_depth += 1
            return
        if not self._compile_depth:
            return
        path = self.ctx.keras_path(func)
        if path not in _COUNTS and path != "metrics.Sum":
            return
        if not _fit_validates(self.ctx):
            return
        several = path in _COUNTS and _several_thresholds(node)
        if self.ctx.mode == "tensorflow" and not several:
            return
        backends = "TensorFlow and PyTorch" if several else "PyTorch"
        self.report(node, f"on {backends}, Keras 3.15's {path.split('.')[-1]} returns its own variable from "
                          "result() (or a value sharing its storage): fit() keeps that value for the epoch's "
                          "training logs, then validation resets and updates the same variable, so the history "
                          "shows the validation pass's count as the training count",
                    "to keep Keras 2's training values, compile a subclass whose result() returns "
                    "keras.ops.copy(super().result()); val_* values and evaluate() are right as they are",
                    backends=("tensorflow", "torch") if several else ("torch",))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if isinstance(func, cst.Attribute) and func.attr.value == "compile":
            self._compile_depth -= 1
        return updated


def _shares_variable(value: cst.BaseExpression, variables: FrozenSet[str]) -> bool:
    """`self.<variable>`, maybe indexed, cast or converted (which keep its storage)."""
    while True:
        if isinstance(value, cst.Subscript):
            value = value.value
        elif (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
              and value.func.attr.value in _SHARING_CALLS and value.args and value.args[0].keyword is None):
            value = value.args[0].value
        else:
            break
    return (isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value == "self"
            and value.attr.value in variables)


@per_file
def _fit_validates(ctx) -> bool:
    return bool(_VALIDATES.search(ctx.source)) and file_uses_keras(ctx)


def _several_thresholds(node: cst.Call) -> bool:
    """Is the metric given more than one threshold (or thresholds this code cannot count)?"""
    arg = argument(node, "thresholds", 0)
    if arg is None:
        return bool(node.args) and bool(node.args[0].star)  # `*args` / `**kwargs` first: cannot tell
    if isinstance(arg.value, (cst.Integer, cst.Float)):
        return False
    if isinstance(arg.value, (cst.List, cst.Tuple)):
        return len(arg.value.elements) > 1
    return True
