"""KM247 metric_functions: metric functions in compile() get the label shapes Keras 2 gave them.

Keras 2 wrapped a metric given as a plain function (`def recall(y_true, y_pred)`, the
f1/precision/recall trio of countless notebooks) in its MeanMetricWrapper, which cast
labels and predictions to float32 and squeezed a trailing axis of 1 where their ranks
differ by one; its compile() had already expanded rank-1 labels next to rank-2
predictions to (batch, 1). Keras 3's wrapper passes them as they are: labels of shape
(batch,) against a sigmoid output of shape (batch, 1) broadcast to (batch, batch)
inside the function, and the metric is silently wrong on every backend (found with
keras-migrate verify on a Siamese network's `accuracy(y_true, y_pred)`). Functions
defined in the file and lambdas of two parameters listed in `metrics=` /
`weighted_metrics=` go through keras_migrate_runtime.Keras2Metric(...), which does what
Keras 2 did (a no-op where the shapes already agree); strings and Metric objects keep
Keras 3's handling, which matches Keras 2's.
"""

from __future__ import annotations

import ast
from typing import FrozenSet, Union

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._keras import Part
from keras_migrate.rules.multi_output_evaluate import WRAPPER

__all__ = ["MetricFunctions"]

_KEYWORDS = ("metrics", "weighted_metrics")
_Container = Union[cst.List, cst.Tuple, cst.Dict]


def _metric_functions(ctx) -> FrozenSet[str]:
    """Names of the file's functions that take (y_true, y_pred)."""
    found = set()
    for node in _scan.nodes(ctx, ast.FunctionDef):
        params = node.args.posonlyargs + node.args.args
        if params and params[0].arg in ("self", "cls"):
            continue
        if len(params) - len(node.args.defaults) <= 2 <= len(params) or (len(params) < 2 and node.args.vararg):
            found.add(node.name)
    return frozenset(found)


class MetricFunctions(Rule):
    id = "KM247"
    name = "metric_functions"
    description = ("Metric functions in compile(metrics=...) -> keras_migrate_runtime.Keras2Metric(f): Keras 2 "
                   "cast and squeezed labels and predictions to the same rank for them; Keras 3 does not, and "
                   "(batch,) labels against (batch, 1) predictions broadcast to (batch, batch).")
    part = Part.TENSORFLOW
    TRIGGERS = ("metrics",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            from tensorflow.keras import backend as K

            def recall_m(y_true, y_pred):
                true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
                return true_positives / (K.sum(K.round(K.clip(y_true, 0, 1))) + K.epsilon())

            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc", recall_m])
            """,
            after="""
            import keras
            from keras import backend as K
            from keras_migrate_runtime import keras2_clip
            from keras_migrate_runtime import Keras2Metric

            def recall_m(y_true, y_pred):
                true_positives = keras.ops.sum(keras.ops.round(keras2_clip(y_true * y_pred, 0, 1)))
                return true_positives / (keras.ops.sum(keras.ops.round(keras2_clip(y_true, 0, 1))) + K.epsilon())

            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc", Keras2Metric(recall_m)])
            """,
            full=True,
        ),
        # Nested lists and dicts per output, weighted metrics and lambdas; Metric objects,
        # strings, functions from elsewhere and names that are not functions stay.
        Example(
            before="""
            import tensorflow as tf
            def close(y_true, y_pred, tol=0.1):
                return tf.cast(tf.abs(y_true - y_pred) < tol, tf.float32)
            model.compile(loss="mse", metrics={"a": [close, "mae"], "b": [tf.keras.metrics.AUC()]},
                          weighted_metrics=[lambda t, p: t * p, metrics.rmse, threshold])
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import Keras2Metric
            def close(y_true, y_pred, tol=0.1):
                return tf.cast(tf.abs(y_true - y_pred) < tol, tf.float32)
            model.compile(loss="mse", metrics={"a": [Keras2Metric(close), "mae"], "b": [tf.keras.metrics.AUC()]},
                          weighted_metrics=[Keras2Metric(lambda t, p: t * p), metrics.rmse, threshold])
            """,
        ),
        # Methods and one-argument functions are not metric functions; other calls' metrics= stay.
        Example(
            before="""
            import tensorflow as tf
            def build(units):
                return units
            class Net(tf.keras.Model):
                def score(self, y_true, y_pred):
                    return y_pred
            model.compile(loss="mse", metrics=[build])
            report(metrics=[close])
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile"):
            return updated
        if not any(a.keyword is not None and a.keyword.value in _KEYWORDS for a in updated.args):
            return updated
        functions = self.ctx.facts(_metric_functions)
        args = []
        for arg in updated.args:
            if arg.keyword is not None and arg.keyword.value in _KEYWORDS \
                    and isinstance(arg.value, (cst.List, cst.Tuple, cst.Dict)):
                arg = arg.with_changes(value=self._wrapped(arg.value, functions))
            args.append(arg)
        return updated.with_changes(args=args)

    def _wrapped(self, container: _Container, functions: FrozenSet[str]) -> _Container:
        """Each entry of a list, tuple or dict of metrics (nested ones too); starred entries stay."""
        return container.with_changes(elements=[
            e.with_changes(value=self._entry(e.value, functions)) if isinstance(e, (cst.Element, cst.DictElement))
            else e for e in container.elements])

    def _entry(self, value: cst.BaseExpression, functions: FrozenSet[str]) -> cst.BaseExpression:
        if isinstance(value, (cst.List, cst.Tuple, cst.Dict)):
            return self._wrapped(value, functions)
        return self._metric(value, functions)

    def _metric(self, value: cst.BaseExpression, functions: FrozenSet[str]) -> cst.BaseExpression:
        is_function = (isinstance(value, cst.Name) and value.value in functions) or (
            isinstance(value, cst.Lambda) and len(value.params.params) == 2
            and not isinstance(value.params.star_arg, cst.Param))
        if not is_function:
            return value
        self.ctx.use_runtime(WRAPPER)
        self.fired()
        return cst.Call(cst.Name(WRAPPER), [cst.Arg(value)])
