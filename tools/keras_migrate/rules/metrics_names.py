"""KM239 metrics_names: Keras 3's `model.metrics_names` names metric objects, not values.

Keras 2 listed one name per value that evaluate() / train_on_batch() return ("loss",
"<output>_loss" for several outputs, then each compiled metric); Keras 3 lists
`["loss", "compile_metrics", ...]`. The everyday Keras 2 idioms
`dict(zip(model.metrics_names, scores))`, `"%s: %.2f" % (model.metrics_names[1],
scores[1])` and `scores[model.metrics_names.index("accuracy")]` then mislabel, drop
values or raise, on every backend (checked with keras-migrate verify). Reads become
keras_migrate_runtime's `keras2_metrics_names(model)`, Keras 2's list computed from the
Keras 3 model.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._keras import Part
from keras_migrate.rules._reads import StoreTargets

__all__ = ["MetricsNames"]

HELPER = "keras2_metrics_names"
METRICS_HELPER = "keras2_metrics"


def _is_model(ctx, receiver: cst.BaseExpression) -> bool:
    """`self.model` (a callback's), or a name only ever bound to a Keras model."""
    if isinstance(receiver, cst.Attribute):
        return isinstance(receiver.value, cst.Name) and receiver.value.value == "self" and (
            receiver.attr.value == "model") and bool(ctx.class_stack)
    return isinstance(receiver, cst.Name) and receiver.value in _scan.model_names(ctx)


class MetricsNames(StoreTargets, Rule):
    id = "KM239"
    name = "metrics_names"
    description = ("`model.metrics_names` (Keras 3: metric objects, `compile_metrics` for all compiled "
                   "metrics) -> keras_migrate_runtime.keras2_metrics_names(model), Keras 2's names of the "
                   "returned values.")
    part = Part.TENSORFLOW
    TRIGGERS = ("metrics_names", ".metrics")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            scores = model.evaluate(x_test, y_test, verbose=0)
            print("%s: %.2f%%" % (model.metrics_names[1], scores[1] * 100))
            results = dict(zip(model.metrics_names, scores))
            """,
            after="""
            import keras
            from keras_migrate_runtime import keras2_metrics_names
            scores = model.evaluate(x_test, y_test, verbose=0)
            print("%s: %.2f%%" % (keras2_metrics_names(model)[1], scores[1] * 100))
            results = dict(zip(keras2_metrics_names(model), scores))
            """,
            full=True,
        ),
        # In a callback; an assignment to an attribute of that name is not a read.
        Example(
            before="""
            import tensorflow as tf
            class Log(tf.keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    print(self.model.metrics_names)
            report.metrics_names = ["a"]
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import keras2_metrics_names
            class Log(tf.keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    print(keras2_metrics_names(self.model))
            report.metrics_names = ["a"]
            """,
        ),
        # model.metrics read outside the model: Keras 2's metric objects one by one
        # (handson-ml2's `model.metrics[-1].threshold`); a name bound to something else
        # too, and a model's own self.metrics, stay.
        Example(
            before="""
            from tensorflow import keras
            model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[3])])
            model.compile(loss="mse", optimizer="sgd", metrics=[HuberMetric(2.0)])
            print(model.metrics[-1].threshold)
            class Log(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    print({m.name: float(m.result()) for m in self.model.metrics})
            other = make()
            other = keras.Sequential()
            print(other.metrics)
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_metrics
            model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[3])])
            model.compile(loss="mse", optimizer="sgd", metrics=[HuberMetric(2.0)])
            print(keras2_metrics(model)[-1].threshold)
            class Log(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    print({m.name: float(m.result()) for m in keras2_metrics(self.model)})
            other = make()
            other = keras.Sequential()
            print(other.metrics)
            """,
        ),
        # A model class defining its own metrics_names reads it as it is.
        Example(
            before="""
            import tensorflow as tf
            class Net(tf.keras.Model):
                @property
                def metrics_names(self):
                    return ["loss", "score"]

                def summary_line(self, values):
                    return dict(zip(self.metrics_names, values))

            class Wide(tf.keras.Model):
                @property
                def metrics_names(self):
                    return super().metrics_names + ["extra"]
            """,
        ),
        # No Keras in the file: someone else's attribute.
        Example(
            before="""
            print(report.metrics_names)
            """,
        ),
    )

    def _class_defines_it(self) -> bool:
        stack = self.ctx.class_stack
        body = stack[-1].body.body if stack else ()
        return any(isinstance(item, cst.FunctionDef) and item.name.value == "metrics_names" for item in body)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if original.attr.value == "metrics" and not self.is_store(original) and _is_model(self.ctx, original.value):
            # `model.metrics[-1].threshold` (handson-ml2), `[m.result() for m in model.metrics]`:
            # Keras 3 lists one CompileMetrics container for all compiled metrics.
            self.ctx.use_runtime(METRICS_HELPER)
            self.fired()
            return cst.Call(cst.Name(METRICS_HELPER), [cst.Arg(updated.value)])
        if original.attr.value != "metrics_names" or self.is_store(original):
            return updated
        if self.ctx.qualified_name(original) is not None or not file_uses_keras(self.ctx):
            return updated
        receiver = original.value
        if isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "super":
            return updated  # Keras' own property, from an override
        if isinstance(receiver, cst.Name) and receiver.value == "self" and self._class_defines_it():
            return updated  # a model class with its own metrics_names
        self.ctx.use_runtime(HELPER)
        self.fired()
        return cst.Call(cst.Name(HELPER), [cst.Arg(updated.value)])
