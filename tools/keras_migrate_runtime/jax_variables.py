"""keras.ops functions that take keras.Variable operands on JAX as on the other backends.

With the pinned jax (0.10), Keras 3.15's JAX zeros_like, ones_like, full_like, empty_like
and where hand a keras.Variable straight to jax.numpy, which no longer converts objects
through __jax_array__ ("Could not convert <Variable ...>"); TensorFlow and PyTorch take
them, as tf.zeros_like(variable) did in Keras 2 (gradient accumulators:
`[tf.zeros_like(v) for v in model.trainable_variables]`). Importing keras_migrate_runtime
on JAX makes these functions read a Variable's value first (inside a StatelessScope, its
value there), as every other keras.ops function does through convert_to_tensor.
"""

import functools

import keras

__all__ = ["install"]

_FUNCTIONS = ("zeros_like", "ones_like", "full_like", "empty_like", "where")


def _reading_values(function):
    @functools.wraps(function)
    def call(*args, **kwargs):
        args = [_value(a) for a in args]
        kwargs = {k: _value(v) for k, v in kwargs.items()}
        return function(*args, **kwargs)

    call.keras_migrate_reads_values = True
    return call


def _value(x):
    return x.value if isinstance(x, keras.Variable) else x


def install():
    if keras.backend.backend() != "jax":
        return
    from keras.src.backend.jax import numpy as jax_numpy

    for name in _FUNCTIONS:
        function = getattr(jax_numpy, name)
        if not getattr(function, "keras_migrate_reads_values", False):
            setattr(jax_numpy, name, _reading_values(function))
