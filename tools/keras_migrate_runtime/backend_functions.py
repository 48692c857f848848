"""Keras 2 `keras.backend` functions that Keras 3's replacements compute differently.

K.clip was tf.clip_by_value after Keras 2's own argument rules (a None bound is
unbounded; numeric bounds with max < min clip to min). keras.ops.clip gives the same
values, but on JAX its gradient at exactly a bound is 0.5 where TensorFlow's is 1.

K.moving_average_update (gone from Keras 3) was TensorFlow's assign_moving_average
without zero-debiasing: x -= (x - value) * (1 - momentum).

K.function (gone from Keras 3) was, in Keras 2's eager mode, a functional model from
the inputs to the outputs, called on the values given and returning NumPy arrays
(tf_keras backend.function): the same here, with Keras 2's single-element lists.
"""

import math

import keras

from .tf_ops import clip_by_value

__all__ = ["keras2_clip", "keras2_function", "keras2_moving_average_update"]


def keras2_clip(x, min_value, max_value):
    """Keras 2's K.clip, with TensorFlow's gradient at the bounds on every backend."""
    numbers = (int, float)
    if isinstance(min_value, numbers) and isinstance(max_value, numbers) and max_value < min_value:
        max_value = min_value
    if min_value is None:
        min_value = -math.inf
    if max_value is None:
        max_value = math.inf
    return clip_by_value(x, min_value, max_value)


def keras2_function(inputs, outputs, updates=None, name=None, **kwargs):
    """Keras 2's K.function(inputs, outputs): a function of the input values returning
    the outputs as NumPy arrays (a one-element output list gives a one-element list)."""
    if kwargs:
        raise ValueError(f"Session keyword arguments are not supported during eager execution. You passed: {kwargs}")
    if updates:
        raise ValueError(f"`updates` argument is not supported during eager execution. You passed: {updates}")
    # Keras 2's functional models took and gave one tensor for one-element lists.
    single_input = isinstance(inputs, (list, tuple)) and len(inputs) == 1
    wrap_outputs = isinstance(outputs, list) and len(outputs) == 1
    model = keras.Model(inputs=inputs[0] if single_input else inputs,
                        outputs=outputs[0] if wrap_outputs else outputs)

    def func(model_inputs):
        if isinstance(model_inputs, (list, tuple)) and len(model_inputs) == 1 and len(model.inputs) == 1:
            model_inputs = model_inputs[0]
        outs = model(model_inputs)
        if wrap_outputs:
            outs = [outs]
        return keras.tree.map_structure(keras.ops.convert_to_numpy, outs)

    return func


def keras2_moving_average_update(x, value, momentum):
    """Keras 2's K.moving_average_update: moves the variable `x` towards `value`. On
    TensorFlow an assignment cuts the gradient; Keras 3's JAX steps hold the assigned
    value as a traced array, so later reads in the same pass would carry the gradient of
    `value`: stopped, as TensorFlow does."""
    return x.assign_sub(keras.ops.stop_gradient((x - value) * (1 - momentum)))
