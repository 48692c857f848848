"""Keras 2's `model.compiled_loss(...)` and `model.compiled_metrics.update_state(...)` for Keras 3.

Keras 2 (tf_keras 2.21, engine/compile_utils.py) code that overrides train_step/test_step
calls these two containers. Keras 3 keeps shims of them on the TensorFlow backend only,
and they compute other numbers:

* Keras 3's `compiled_loss(y, y_pred, sample_weight, regularization_losses)` ignores
  `regularization_losses` and returns `compute_loss()`, which always adds `model.losses`:
  Keras 2 added exactly the `regularization_losses` passed (none when omitted). It does
  not update the "loss" metric either; Keras 2 did (the batch's total loss, weighted by
  the batch size).
* Keras 3's `compiled_metrics.update_state(y, y_pred)` calls `update_state` on every
  metric of `model.metrics`, so the "loss" tracker (a Mean) averages `y_pred`: the
  "loss" that fit() reports is the mean prediction.

The functions here do what Keras 2 did, with Keras 3's own compile containers, on every
backend. `keras2_metrics_results(model)` replaces `{m.name: m.result() for m in self.metrics}`:
Keras 2 listed the "loss" metric only once compiled_loss had run, and each compiled
metric under its own name; Keras 3 lists the loss tracker always and all compiled
metrics as one "compile_metrics" dict (which raises before its first update).
"""

import weakref

import keras
from keras import ops
from keras import tree

__all__ = ["keras2_compiled_loss", "keras2_metrics_results", "keras2_update_compiled_metrics"]

# Models whose compiled loss has run: Keras 2 listed the "loss" metric from then on.
_LOSS_USED = weakref.WeakSet()


def _batch_size(y_true, y_pred):
    # Keras 2 weighted the "loss" metric by the first output's batch size.
    for value in tree.flatten(y_true) + tree.flatten(y_pred):
        if value is not None:
            return ops.shape(value)[0]
    return None


def keras2_compiled_loss(model, y_true, y_pred, sample_weight=None, regularization_losses=None, update_loss_tracker=True):
    """Keras 2's `model.compiled_loss(y_true, y_pred, sample_weight, regularization_losses)`.

    Returns the compiled loss(es) of `model.compile()` (per-output losses weighted by
    `loss_weights`) plus the sum of `regularization_losses` (nothing else: Keras 2 added
    `model.losses` only when they were passed here). Updates the "loss" metric, as Keras 2
    did, unless `update_loss_tracker` is false (inside a `compute_loss()` override, where
    Keras 3's own train_step/test_step track the returned loss).
    """
    values = []
    compile_loss = getattr(model, "_compile_loss", None)
    if compile_loss is not None:
        # Also updates the "<output>_loss" metrics of multi-output models, as Keras 2 did.
        value = compile_loss(y_true, y_pred, sample_weight)
        if value is not None:
            values.append(value)
    if regularization_losses:
        values.append(ops.sum(ops.stack([ops.cast(loss, keras.backend.floatx())
                                         for loss in regularization_losses])))
    _LOSS_USED.add(model)
    if not values:
        return ops.zeros(())
    total = values[0]
    for value in values[1:]:
        total = ops.add(total, ops.cast(value, total.dtype))
    tracker = getattr(model, "_loss_tracker", None)
    if update_loss_tracker and tracker is not None:
        batch = _batch_size(y_true, y_pred) if compile_loss is not None else None
        tracker.update_state(total, sample_weight=batch)
    return total


def keras2_update_compiled_metrics(model, y_true, y_pred, sample_weight=None):
    """Keras 2's `model.compiled_metrics.update_state(y_true, y_pred, sample_weight)`:
    updates the metrics of `model.compile()` (and nothing else)."""
    metrics = getattr(model, "_compile_metrics", None)
    if metrics is not None:
        metrics.update_state(y_true, y_pred, sample_weight)


def _own_results(metric, out):
    result = metric.result()
    if isinstance(result, dict):
        out.update(result)
    else:
        out[metric.name] = result


def keras2_metrics_results(model):
    """Keras 2's `{m.name: m.result() for m in model.metrics}`, in Keras 2's order: the
    "loss" metric (once the compiled loss ran), the per-output losses, the compiled
    metrics (once updated), then the model's other metrics."""
    loss_tracker = getattr(model, "_loss_tracker", None)
    compile_metrics = getattr(model, "_compile_metrics", None)
    compile_loss = getattr(model, "_compile_loss", None)
    per_output = list(compile_loss.metrics) if compile_loss is not None else []
    metrics = list(model.metrics)
    first, compiled, rest = [], [], []
    for metric in metrics:
        if metric is loss_tracker:
            if model in _LOSS_USED:
                first.insert(0, metric)
        elif any(metric is m for m in per_output):
            first.append(metric)
        elif metric is compile_metrics:
            if getattr(metric, "built", True):
                compiled.append(metric)
        else:
            rest.append(metric)
    out = {}
    for metric in first + compiled + rest:
        _own_results(metric, out)
    return out
