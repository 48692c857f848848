"""Keras 2's handling of compile() metrics that Keras 3 changed (tf_keras 2.21 compile_utils).

* A flat metrics list (or one metric) applied to EVERY output of a multi-output model,
  each output getting its own copy of a Metric instance
  (`MetricsContainer._maybe_broadcast_to_outputs`, `_copy_object`: the user's instance
  itself is never updated). Keras 3 matches a list as long as the outputs one metric per
  output, and rejects other lengths. `keras2_broadcast_metrics(metrics, n)` and
  `keras2_copy_metric(m)` build the per-output lists Keras 2 built.
* Labels of rank 1 next to predictions of rank 2 were expanded to (batch, 1) before any
  metric saw them (`match_dtype_and_rank`), so sparse class ids broadcast against
  (batch, k) predictions in metrics such as "mae". Keras 3 passes them as they are (a
  shape error, or a silently different broadcast when batch == k). `Keras2Metric(m)`
  is `m` with Keras 2's labels.
* A metric given as a plain function (`def f1(y_true, y_pred)`) was wrapped in Keras 2's
  MeanMetricWrapper, which cast both to float32 and squeezed a trailing axis of 1 where
  the ranks differ by one (`squeeze_or_expand_dimensions`). Keras 3's wrapper passes
  them as they are: labels (batch,) against predictions (batch, 1) broadcast to
  (batch, batch) inside the function, silently. `Keras2Metric(f)` does what Keras 2 did.
"""

import keras
from keras import ops

__all__ = ["Keras2Metric", "keras2_broadcast_metrics", "keras2_copy_metric"]


def keras2_copy_metric(metric):
    """A fresh copy of a Metric instance (Keras 2 gave each output its own); strings and
    functions unchanged."""
    if isinstance(metric, keras.metrics.Metric):
        return metric.__class__.from_config(metric.get_config())
    return metric


def _nested(value):
    return isinstance(value, (list, tuple, dict))


def keras2_broadcast_metrics(metrics, num_outputs):
    """Keras 2's reading of compile(metrics=...) for a model with `num_outputs` outputs:
    one metric or a flat list goes to every output (copied); anything nested (a list per
    output, a dict by output name) is used as given."""
    if metrics is None or num_outputs < 2:
        return metrics
    flat = metrics if isinstance(metrics, (list, tuple)) else [metrics]
    if any(_nested(m) for m in flat) or isinstance(metrics, dict):
        return metrics
    return [[keras2_copy_metric(m) for m in flat] for _ in range(num_outputs)]


def _resolve(metric):
    """The Metric object Keras 3's compile() would make of `metric` (a string, function
    or Metric), named as Keras 2 named it (a string keeps its spelling)."""
    if isinstance(metric, keras.metrics.Metric):
        return metric
    if isinstance(metric, str):
        resolved = keras.metrics.get(metric)
        if not isinstance(resolved, keras.metrics.Metric):
            resolved = keras.metrics.MeanMetricWrapper(resolved)
        resolved.name = metric
        return resolved
    return keras.metrics.MeanMetricWrapper(metric, name=getattr(metric, "__name__", None))


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class Keras2Metric(keras.metrics.Metric):
    """`metric` fed the labels Keras 2 fed it: rank-1 labels (and sample weights) next to
    rank-2 predictions become (batch, 1), so they broadcast against (batch, k). Reports
    under the wrapped metric's name; otherwise the wrapped metric unchanged."""

    def __init__(self, metric, name=None, dtype=None, function_shapes=None):
        inner = _resolve(metric)
        super().__init__(name=name or inner.name, dtype=dtype or inner.dtype)
        self.metric = inner
        # A plain function: Keras 2's MeanMetricWrapper casts and squeezes for it.
        self.function_shapes = (callable(metric) and not isinstance(metric, (str, keras.metrics.Metric))
                                if function_shapes is None else function_shapes)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.convert_to_tensor(y_true)
        if len(y_true.shape) == 1 and len(y_pred.shape) == 2:
            y_true = ops.expand_dims(y_true, -1)
        if sample_weight is not None:
            sample_weight = ops.convert_to_tensor(sample_weight)
            if len(sample_weight.shape) == 1 and len(y_pred.shape) == 2:
                sample_weight = ops.expand_dims(sample_weight, -1)
        if self.function_shapes and getattr(y_pred, "_keras_mask", None) is None:
            y_true, y_pred = _squeezed(ops.cast(y_true, self.dtype), ops.cast(y_pred, self.dtype))
            values = ops.convert_to_tensor(self.metric._fn(y_true, y_pred, **self.metric._fn_kwargs))
            if sample_weight is not None:
                values, sample_weight = _weighted(values, ops.cast(sample_weight, self.dtype))
            return keras.metrics.Mean.update_state(self.metric, values, sample_weight=sample_weight)
        return self.metric.update_state(y_true, y_pred, sample_weight=sample_weight)

    def result(self):
        return self.metric.result()

    def reset_state(self):
        self.metric.reset_state()

    def get_config(self):
        # A function is saved as itself (Keras 3's MeanMetricWrapper does not reload its own config).
        inner = self.metric._fn if self.function_shapes else self.metric
        return {"metric": keras.saving.serialize_keras_object(inner), "name": self.name, "dtype": self.dtype,
                "function_shapes": self.function_shapes}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["metric"] = keras.saving.deserialize_keras_object(config["metric"])
        return cls(**config)


def _squeezed(y_true, y_pred):
    """tf_keras losses_utils.squeeze_or_expand_dimensions(y_pred, y_true) with static
    ranks: a trailing axis of 1 is squeezed from the operand of one rank more (not from
    predictions (batch, k>1) next to sparse labels (batch,))."""
    true_rank, pred_rank = len(y_true.shape), len(y_pred.shape)
    if pred_rank - true_rank == 1 and y_pred.shape[-1] == 1:
        y_pred = ops.squeeze(y_pred, -1)
    elif true_rank - pred_rank == 1 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    return y_true, y_pred


def _weighted(values, sample_weight):
    """tf_keras Reduce.update_state's shapes: weights one rank above or below the values
    squeezed or expanded, and values of a lower rank (a function returning one number
    per batch) multiplied out to the weights' shape, where Keras 3's Mean refuses them."""
    values_rank, weights_rank = len(values.shape), len(sample_weight.shape)
    if weights_rank and weights_rank - values_rank == 1 and sample_weight.shape[-1] == 1:
        sample_weight = ops.squeeze(sample_weight, -1)
    elif weights_rank and values_rank - weights_rank == 1:
        sample_weight = ops.expand_dims(sample_weight, -1)
    if len(values.shape) < len(sample_weight.shape):
        values = values * ops.ones_like(sample_weight)
    return values, sample_weight
