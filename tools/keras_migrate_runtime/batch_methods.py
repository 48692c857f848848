"""Keras 2's `Model.train_on_batch/test_on_batch(..., reset_metrics=...)` (removed in Keras 3).

Keras 2 (tf_keras 2.21) reset the metrics before the batch only when
`reset_metrics=True` (the default), so `reset_metrics=False` accumulated results
across calls. Keras 3 always resets them first. These functions run the Keras 3
method with that up-front reset suppressed when `reset_metrics` is false, so every
sequence of calls returns what Keras 2 returned.
"""

__all__ = ["test_on_batch", "train_on_batch"]


class _NoUpfrontReset:
    def __init__(self, model):
        self.model = model

    def __enter__(self):
        # An instance attribute shadows Model.reset_metrics for the duration of the call.
        object.__setattr__(self.model, "reset_metrics", lambda: None)

    def __exit__(self, *exc):
        object.__delattr__(self.model, "reset_metrics")
        return False


def _run(model, method_name, args, kwargs, reset_metrics):
    if reset_metrics:  # what Keras 3 does anyway
        return getattr(model, method_name)(*args, **kwargs)
    with _NoUpfrontReset(model):
        return getattr(model, method_name)(*args, **kwargs)


def train_on_batch(model, *args, reset_metrics=True, **kwargs):
    """`model.train_on_batch(*args, **kwargs)` with Keras 2's `reset_metrics`."""
    return _run(model, "train_on_batch", args, kwargs, reset_metrics)


def test_on_batch(model, *args, reset_metrics=True, **kwargs):
    """`model.test_on_batch(*args, **kwargs)` with Keras 2's `reset_metrics`."""
    return _run(model, "test_on_batch", args, kwargs, reset_metrics)


# Not pytest tests, whatever a test collector thinks of the names.
test_on_batch.__test__ = False
