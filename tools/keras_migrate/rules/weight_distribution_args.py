"""KM134 weight_distribution_args: add_weight(synchronization=..., aggregation=...).

Keras 2's add_weight took tf.VariableSynchronization / tf.VariableAggregation enums.
Keras 3's Layer.add_weight takes `aggregation` as a string ("mean", "sum",
"only_first_replica", "none") and has no `synchronization` (TypeError); its
Metric.add_weight takes neither. Without a distribution strategy neither changes
results, except that Keras 2 made ON_READ weights non-trainable: dropping
synchronization=ON_READ passes trainable=False instead.
"""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._args import file_uses_keras, has_star
from keras_migrate.rules._scan import keras_metric_classes
from keras_migrate.rules._util import code, drop_arg, keyword_arg, with_keyword

__all__ = ["WeightDistributionArgs"]

_AGGREGATIONS = {"NONE": "none", "SUM": "sum", "MEAN": "mean", "ONLY_FIRST_REPLICA": "only_first_replica"}
_SYNCHRONIZATIONS = frozenset({"AUTO", "ON_WRITE", "ON_READ", "NONE"})
_AGGREGATION_ENUM = "tensorflow.VariableAggregation."
_SYNCHRONIZATION_ENUM = "tensorflow.VariableSynchronization."


class WeightDistributionArgs(Rule):
    id = "KM134"
    name = "weight_distribution_args"
    description = ("Rewrite add_weight(synchronization=..., aggregation=...) for Keras 3 (string aggregation, no "
                   "synchronization; ON_READ weights stay non-trainable).")
    TRIGGERS = ("synchronization", "aggregation")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            class Stats(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.moving = self.add_weight(
                        name="moving", shape=(input_shape[-1],), initializer="zeros",
                        synchronization=tf.VariableSynchronization.ON_READ,
                        aggregation=tf.VariableAggregation.MEAN)
            """,
            after="""
            import tensorflow as tf
            class Stats(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.moving = self.add_weight(
                        name="moving", shape=(input_shape[-1],), initializer="zeros",
                        aggregation="mean", trainable=False)
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            class Total(tf.keras.metrics.Metric):
                def __init__(self):
                    super().__init__()
                    self.total = self.add_weight("total", aggregation=tf.VariableAggregation.SUM)
            """,
            after="""
            import tensorflow as tf
            class Total(tf.keras.metrics.Metric):
                def __init__(self):
                    super().__init__()
                    self.total = self.add_weight("total")
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "add_weight"):
            return updated
        sync = keyword_arg(original, "synchronization")
        aggregation = keyword_arg(original, "aggregation")
        if (sync is None and aggregation is None) or self.ctx.current_class is None or not file_uses_keras(self.ctx):
            return updated
        in_metric = self.ctx.current_class.name.value in keras_metric_classes(self.ctx)
        call = updated
        if aggregation is not None:
            call = self._aggregation(original, call, aggregation, in_metric)
        if sync is not None:
            call = self._synchronization(original, call, sync, in_metric)
        if call is not updated:
            self.fired()
        return call

    def _enum(self, node: cst.BaseExpression, prefix: str) -> Optional[str]:
        qualified = self.ctx.qualified_name(node) or ""
        return qualified[len(prefix):] if qualified.startswith(prefix) else None

    def _aggregation(self, original, call, arg, in_metric) -> cst.Call:
        member = self._enum(arg.value, _AGGREGATION_ENUM)
        if member not in _AGGREGATIONS:
            self.report(original, f"add_weight(aggregation={code(arg.value)}): Keras 3 takes a string "
                        "(\"none\", \"sum\", \"mean\", \"only_first_replica\")",
                        "pass the aggregation as one of those strings" + (
                            " (Metric.add_weight takes none: drop it)" if in_metric else ""))
            return call
        if in_metric or member == "NONE":
            return _without(call, "aggregation")
        return _replace_value(call, "aggregation", cst.SimpleString(f'"{_AGGREGATIONS[member]}"'))

    def _synchronization(self, original, call, arg, in_metric) -> cst.Call:
        member = self._enum(arg.value, _SYNCHRONIZATION_ENUM)
        if member not in _SYNCHRONIZATIONS:
            self.report(original, f"add_weight(synchronization={code(arg.value)}) is not accepted by Keras 3",
                        "drop it (pass trainable=False if it was VariableSynchronization.ON_READ)")
            return call
        call = _without(call, "synchronization")
        if member != "ON_READ" or in_metric:  # metric weights are never trainable
            return call
        trainable = keyword_arg(original, "trainable")
        if trainable is None and not has_star(original) and _positional_count(original) < 6:
            return with_keyword(call, "trainable", cst.Name("False"))
        if trainable is not None and code(trainable.value) in ("False", "None"):
            return _replace_value(call, "trainable", cst.Name("False")) if code(trainable.value) == "None" else call
        self.report(original, "Keras 2 made synchronization=ON_READ weights non-trainable (and rejected "
                    "trainable=True with it)", "pass trainable=False", Severity.WARNING)
        return call


def _positional_count(call: cst.Call) -> int:
    # Keras 2 add_weight(name, shape, dtype, initializer, regularizer, trainable, ...)
    return sum(1 for arg in call.args if arg.keyword is None)


def _index(call: cst.Call, keyword: str) -> int:
    return next(i for i, arg in enumerate(call.args) if arg.keyword is not None and arg.keyword.value == keyword)


def _without(call: cst.Call, keyword: str) -> cst.Call:
    args: List[cst.Arg] = drop_arg(call.args, _index(call, keyword))
    return call.with_changes(args=args)


def _replace_value(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    args = list(call.args)
    index = _index(call, keyword)
    args[index] = args[index].with_changes(value=value)
    return call.with_changes(args=args)
