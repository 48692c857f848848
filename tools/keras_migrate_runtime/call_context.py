"""Keras 2's explicit `training=` in a functional model: the value given at the call wins.

`x = base_model(inputs, training=False)` (the transfer-learning idiom: BatchNormalization
kept in inference mode while the layers above train) and `Dropout(0.5)(x, training=True)`
(Monte Carlo dropout at predict time) were honoured by Keras 2 whatever mode the outer
model later ran in: the node's own argument won over fit()'s or predict()'s. Keras 3.15's
functional graph (keras.src.models.functional.operation_fn) overwrites it with the outer
call's mode, on every backend: fine-tuning trains BatchNormalization statistics it used
to keep, and Monte Carlo dropout is off at predict. `keras2_call(layer, *args, **kwargs)`
calls the layer and makes the functional graph keep arguments given explicitly, as
Keras 2 did (a None value still takes the outer mode).
"""

from keras.src.models import functional as _functional

__all__ = ["keras2_call"]


def _operation_fn(operation, **call_context_args):
    """Keras 3's operation_fn, without overwriting a call-context argument (training)
    that the node was built with."""

    def call(*args, **kwargs):
        for name, value in call_context_args.items():
            if (name in getattr(operation, "_call_context_args", {}) and value is not None
                    and kwargs.get(name) is None):
                kwargs[name] = value
        return operation(*args, **kwargs)

    return call


def _keep_explicit_arguments():
    if _functional.operation_fn is not _operation_fn:
        _functional.operation_fn = _operation_fn


def keras2_call(layer, *args, **kwargs):
    """`layer(*args, **kwargs)`, its explicit `training=` kept when a functional model
    built from it runs (Keras 2's meaning)."""
    _keep_explicit_arguments()
    return layer(*args, **kwargs)
