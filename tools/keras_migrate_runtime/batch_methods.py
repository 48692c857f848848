"""Keras 2's `Model.train_on_batch/test_on_batch(..., reset_metrics=...)` (removed in Keras 3).

Keras 2 never reset the metrics before a batch and reset them after it when
`reset_metrics=True` (the default), so `reset_metrics=False` accumulated results
across calls. Keras 3 always resets them first. These functions run the Keras 3
method with the up-front reset suppressed and apply Keras 2's reset afterwards, so
every sequence of calls returns what Keras 2 returned.
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
    with _NoUpfrontReset(model):
        logs = getattr(model, method_name)(*args, **kwargs)
    if reset_metrics:
        model.reset_metrics()
    return logs


def train_on_batch(model, *args, reset_metrics=True, **kwargs):
    """`model.train_on_batch(*args, **kwargs)` with Keras 2's `reset_metrics`."""
    return _run(model, "train_on_batch", args, kwargs, reset_metrics)


def test_on_batch(model, *args, reset_metrics=True, **kwargs):
    """`model.test_on_batch(*args, **kwargs)` with Keras 2's `reset_metrics`."""
    return _run(model, "test_on_batch", args, kwargs, reset_metrics)


# Not pytest tests, whatever a test collector thinks of the names.
test_on_batch.__test__ = False
