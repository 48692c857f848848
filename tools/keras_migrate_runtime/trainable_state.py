"""Keras 2's rule that a model trains what was trainable when it was compiled.

tf_keras 2.21 (engine/training.py, training_utils.RespectCompiledTrainableState)
recorded every sublayer's `trainable` flag at `compile()`, and `fit()` /
`train_on_batch()` ran with those flags, whatever was set since (restoring the current
ones afterwards). Keras 3 reads the flags at each call. The classic GAN of Keras 2
tutorials depends on the difference: the discriminator is compiled, then frozen
(`d.trainable = False`) before the combined model is compiled; under Keras 3 its own
`d.train_on_batch(...)` then trains nothing, silently, on every backend.

`keras2_compile(model, ...)` is `model.compile(...)` that records the flags, and makes
that model's `fit` / `train_on_batch` run with them, as Keras 2 did. Other models are
not touched.
"""

import weakref

__all__ = ["keras2_compile"]

# model -> {layer: its trainable flag at the model's last compile()} (weak both ways).
_COMPILED = weakref.WeakKeyDictionary()
# Keras 2's training endpoints that respected the compile-time flags.
_ENDPOINTS = ("fit", "train_on_batch")


def _layers(model):
    return model._flatten_layers(include_self=True, recursive=True)


def _state(model):
    state = weakref.WeakKeyDictionary()
    for layer in _layers(model):
        state[layer] = layer.trainable
    return state


def _set_state(model, state):
    # Outer layers first, as Keras 2: a layer's setter sets its sublayers, whose own
    # recorded flags come after.
    for layer in _layers(model):
        if layer in state:
            layer.trainable = state[layer]


def _respecting(model_ref, name):
    def endpoint(*args, **kwargs):
        model = model_ref()
        method = getattr(type(model), name)
        compiled = _COMPILED.get(model)
        if compiled is None:
            return method(model, *args, **kwargs)
        current = _state(model)
        if all(current[layer] == flag for layer, flag in compiled.items() if layer in current):
            return method(model, *args, **kwargs)
        _set_state(model, compiled)
        try:
            return method(model, *args, **kwargs)
        finally:
            _set_state(model, current)

    endpoint.__name__ = name
    endpoint.__doc__ = f"Model.{name}, with the trainable flags of the model's last compile() (Keras 2)."
    return endpoint


def keras2_compile(model, *args, **kwargs):
    """`model.compile(*args, **kwargs)`; the model's fit() and train_on_batch() then
    train with the trainable flags its layers have now, as Keras 2 did."""
    result = model.compile(*args, **kwargs)
    _COMPILED[model] = _state(model)
    model_ref = weakref.ref(model)
    for name in _ENDPOINTS:
        if name not in vars(model):
            # An instance attribute, set past Keras' attribute tracking: only this model
            # is affected (the class's method is looked up at each call).
            object.__setattr__(model, name, _respecting(model_ref, name))
    return result
