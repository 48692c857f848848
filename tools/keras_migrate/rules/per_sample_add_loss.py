"""KM218 per_sample_add_loss: add_loss() of per-sample losses logs a different number.

Keras 2 kept an added loss tensor as it was: the logged `loss` averaged its elements and
the gradient was that of their sum. Keras 3 sums every added loss (Trainer.
_aggregate_additional_loss) and logs that sum. For a per-sample loss (keras.io's OCR
endpoint layers add `K.ctc_batch_cost(...)`, shape (batch, 1)) training is unchanged but
the logged loss, history and callbacks monitoring it read batch-size times larger. Neither
reduction gives both numbers, so the call is reported with the choice to make.
"""

from __future__ import annotations

from typing import Dict, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._keras import Part

__all__ = ["PerSampleAddLoss"]

# Functions returning one loss per sample (keras.losses' functions, Keras 2 backend losses).
_BACKEND_LOSSES = frozenset({"backend.ctc_batch_cost", "backend.binary_crossentropy", "backend.categorical_crossentropy",
                             "backend.sparse_categorical_crossentropy", "backend.binary_focal_crossentropy"})
_RUNTIME_LOSSES = frozenset({"keras_migrate_runtime.keras2_ctc_batch_cost"})


class PerSampleAddLoss(Rule):
    id = "KM218"
    name = "per_sample_add_loss"
    description = ("Report add_loss() of per-sample losses (K.ctc_batch_cost, keras.losses functions): Keras 3 "
                   "logs their sum where Keras 2 logged their mean.")
    part = Part.TENSORFLOW
    TRIGGERS = ("add_loss",)
    NODE_KEYED = ('_attributes', '_locals')
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras

            class CTCLayer(keras.layers.Layer):
                def __init__(self, name=None):
                    super().__init__(name=name)
                    self.loss_fn = keras.backend.ctc_batch_cost

                def call(self, y_true, y_pred, input_length, label_length):
                    loss = self.loss_fn(y_true, y_pred, input_length, label_length)
                    self.add_loss(loss)
                    return y_pred

            class Reconstruction(keras.layers.Layer):
                def call(self, x, x_hat):
                    self.add_loss(keras.losses.mean_squared_error(x, x_hat))
                    return x_hat
            """,
            diagnostics=("KM218", "KM218"),
        ),
        # A reduced loss is a scalar in both versions.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            class Reconstruction(keras.layers.Layer):
                def call(self, x, x_hat):
                    self.add_loss(tf.reduce_mean(keras.losses.mean_squared_error(x, x_hat)))
                    self.add_loss(keras.losses.MeanSquaredError()(x, x_hat))
                    return x_hat
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._attributes: Dict[int, Set[str]] = {}  # per class: self.<attr> holding a per-sample loss function
        self._locals: Dict[int, Dict[str, str]] = {}  # per function: name -> per-sample loss function

    def _per_sample(self, func: cst.BaseExpression) -> Optional[str]:
        path = self.ctx.keras_path(func)
        if path is not None:
            if path in _BACKEND_LOSSES:
                return f"K.{path.split('.', 1)[1]}"
            head, _, leaf = path.rpartition(".")
            if head == "losses" and leaf[:1].islower() and leaf not in ("get", "serialize", "deserialize"):
                return f"keras.losses.{leaf}"
            return None
        if (self.ctx.qualified_name(func) or "") in _RUNTIME_LOSSES:
            return "K.ctc_batch_cost"
        cls = self.ctx.current_class
        if (cls is not None and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                and func.value.value == "self" and func.attr.value in self._attributes.get(id(cls), ())):
            return f"self.{func.attr.value}"
        return None

    def visit_Assign(self, node: cst.Assign) -> None:
        cls = self.ctx.current_class
        for target in node.targets:
            t = target.target
            if (cls is not None and isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name)
                    and t.value.value == "self" and self._per_sample(node.value) is not None):
                self._attributes.setdefault(id(cls), set()).add(t.attr.value)
        if self.ctx.function_stack and isinstance(node.value, cst.Call):
            target = node.targets[0].target if len(node.targets) == 1 else None
            name = target.value if isinstance(target, cst.Name) else None
            found = self._per_sample(node.value.func)
            if name is not None and found is not None:
                self._locals.setdefault(id(self.ctx.function_stack[-1]), {})[name] = found

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "add_loss" and isinstance(func.value, cst.Name)
                and func.value.value == "self" and len(node.args) == 1 and self.ctx.function_stack):
            return
        value = node.args[0].value
        found = None
        if isinstance(value, cst.Call):
            found = self._per_sample(value.func)
        elif isinstance(value, cst.Name):
            found = self._locals.get(id(self.ctx.function_stack[-1]), {}).get(value.value)
        if found is None:
            return
        self.report(
            node,
            f"add_loss() of per-sample losses ({found} returns one per sample): Keras 2 logged their mean, Keras 3 "
            "logs their sum, so `loss` in logs, history and monitoring callbacks reads batch-size times larger "
            "(gradients are the same: Keras 2 also trained on the sum)",
            "keep it and compare losses divided by the batch size, or add_loss(keras.ops.mean(...)) to log Keras 2's "
            "value (its gradients are then batch-size times smaller: scale the learning rate to match)",
            Severity.WARNING,
        )
