"""Keras 2's `reset_states()` on objects whose Keras 3 class renamed or dropped it."""

import keras

__all__ = ["keras2_reset_states"]


def keras2_reset_states(obj):
    """What `obj.reset_states()` did in Keras 2, whatever `obj` turns out to be.

    Metrics: Keras 3 only has `reset_state()` (Keras 2's `reset_states()` was its alias).
    Models: Keras 3 dropped `Model.reset_states()`; Keras 2 reset the states of the
    model's stateful layers (stateful RNNs), recursing into nested models.
    Anything else (RNN layers, your own classes) keeps its own `reset_states()`.
    """
    if isinstance(obj, keras.metrics.Metric):
        return obj.reset_state()
    if isinstance(obj, keras.Model) and not hasattr(obj, "reset_states"):
        for layer in obj.layers:
            if isinstance(layer, keras.Model):
                keras2_reset_states(layer)
            elif getattr(layer, "stateful", False) and hasattr(layer, "reset_states"):
                layer.reset_states()
        return None
    return obj.reset_states()
