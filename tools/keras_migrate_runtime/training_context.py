"""Keras 2's `training` flag for every layer of a subclassed model, on JAX too.

Keras 2's fit() called `model(x, training=True)` and every layer inside ran in training
mode (BatchNormalization on batch statistics, moving averages updated) unless call()
passed another value. Keras 3's trainers pass `training` only when the model's call()
takes it (the migrator adds `training=None` where it was missing) and from there it
reaches sub-layers through Keras' call context. On JAX the trainer runs the model with
stateless_call(), which calls call() directly, without that context: a layer called
without an explicit `training=` runs in inference mode (measured on Keras 3.15: the
moving statistics never move). A model deriving from Keras2Training opens the context
in stateless_call() as Layer.__call__ would.

It also keeps a custom train_step's / test_step's logs. At the end of an epoch (and of
evaluate) Keras puts the metrics' results in place of the step's logs when the two have
the same names. Keras 3 always has a "loss" tracker, so a step returning {"loss": loss}
(keras.io ddpm) gets the tracker's 0.0 when nothing updated it; Keras 2 created no
such metric until the compiled loss ran, and reported the step's last logs.
"""

import keras
import keras
from keras.src.backend.common import global_state
from keras.src.layers.layer import CallContext

__all__ = ["Keras2Training"]


class Keras2Training:
    def stateless_call(self, trainable_variables, non_trainable_variables, *args, **kwargs):
        training = kwargs.get("training")
        if training is None or global_state.get_global_attribute("current_call_ctx") is not None:
            return super().stateless_call(trainable_variables, non_trainable_variables, *args, **kwargs)
        context = CallContext(entry_layer=self)
        context.set_value("training", training)
        global_state.set_global_attribute("current_call_ctx", context)
        try:
            return super().stateless_call(trainable_variables, non_trainable_variables, *args, **kwargs)
        finally:
            global_state.set_global_attribute("current_call_ctx", None)

    def _get_metrics_result_or_logs(self, logs):
        tracker = getattr(self, "_loss_tracker", None)
        if tracker is not None and isinstance(logs, dict) and _never_updated(tracker):
            if set(logs) != {m.name for m in self.metrics if m is not tracker}:
                return logs
        return super()._get_metrics_result_or_logs(logs)


def _never_updated(metric):
    count = getattr(metric, "count", None)
    return count is not None and float(keras.ops.convert_to_numpy(count)) == 0.0
