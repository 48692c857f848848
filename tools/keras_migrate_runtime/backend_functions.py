"""Keras 2 `keras.backend` functions that Keras 3's replacements compute differently.

K.clip was tf.clip_by_value after Keras 2's own argument rules (a None bound is
unbounded; numeric bounds with max < min clip to min). keras.ops.clip gives the same
values, but on JAX its gradient at exactly a bound is 0.5 where TensorFlow's is 1.

K.moving_average_update (gone from Keras 3) was TensorFlow's assign_moving_average
without zero-debiasing: x -= (x - value) * (1 - momentum).

K.function (gone from Keras 3) was, in Keras 2's eager mode, a functional model from
the inputs to the outputs, called on the values given and returning NumPy arrays
(tf_keras backend.function): the same here, with Keras 2's single-element lists.

K.bias_add, K.batch_dot, K.batch_flatten, K.repeat, K.count_params, K.dtype and
K.cast_to_floatx (gone from Keras 3) follow tf_keras 2.21's backend.py, written with
keras.ops for every backend.
"""

import math
import string

import keras
import numpy as np

from .tf_ops import clip_by_value

__all__ = [
    "keras2_batch_dot", "keras2_batch_flatten", "keras2_bias_add", "keras2_cast_to_floatx", "keras2_clip",
    "keras2_count_params", "keras2_dtype", "keras2_function", "keras2_moving_average_update", "keras2_repeat",
    "keras2_switch",
]


def keras2_switch(condition, then_expression, else_expression):
    """Keras 2's K.switch: callable branches are called; a condition of rank > 1 and
    lower than the branches' is extended along their trailing axes (Keras 2 tiled it;
    keras.ops.where broadcasts from the right); a scalar condition picks a branch."""
    ops = keras.ops
    condition = ops.convert_to_tensor(condition)
    if condition.dtype != "bool":
        condition = ops.cast(condition, "bool")
    if callable(then_expression):
        then_expression = then_expression()
    if callable(else_expression):
        else_expression = else_expression()
    cond_ndim, expr_ndim = len(condition.shape), len(ops.shape(then_expression))
    if cond_ndim > expr_ndim:
        raise ValueError(f"Rank of `condition` should be less than or equal to rank of `then_expression` and "
                         f"`else_expression`. ndim(condition)={cond_ndim}, ndim(then_expression)={expr_ndim}")
    if cond_ndim > 1:
        for _ in range(expr_ndim - cond_ndim):
            condition = ops.expand_dims(condition, -1)
    return ops.where(condition, then_expression, else_expression)


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


def keras2_bias_add(x, bias, data_format=None):
    """Keras 2's K.bias_add: a rank-1 bias on the channels axis, or a bias of x's shape
    without the batch axis (channels last, moved to axis 1 for channels_first)."""
    data_format = data_format or keras.config.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Unknown data_format: " + str(data_format))
    bias_shape = tuple(bias.shape)
    ndim = len(x.shape)
    if len(bias_shape) != 1 and len(bias_shape) != ndim - 1:
        raise ValueError("Unexpected bias dimensions %d, expect to be 1 or %d dimensions" % (len(bias_shape), ndim - 1))
    if data_format == "channels_first" and ndim > 2:
        if len(bias_shape) == 1:
            return x + keras.ops.reshape(bias, (1, bias_shape[0]) + (1,) * (ndim - 2))
        return x + keras.ops.reshape(bias, (1, bias_shape[-1]) + bias_shape[:-1])
    return x + keras.ops.reshape(bias, (1,) + bias_shape) if len(bias_shape) > 1 else x + bias


def keras2_batch_dot(x, y, axes=None):
    """Keras 2's K.batch_dot: per sample, x's axis axes[0] contracted with y's axis
    axes[1]; the result holds x's other axes then y's, and a rank-2 operand's added
    axis is squeezed away as Keras 2 did (two rank-2 operands give (batch, 1))."""
    x_ndim, y_ndim = len(x.shape), len(y.shape)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError(f"Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes "
                         f"{tuple(x.shape)} and {tuple(y.shape)}.")
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 1] if y_ndim == 2 else [x_ndim - 1, y_ndim - 2]
    if any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError(f"Multiple target dimensions are not supported. Expected: None, int, (int, int), "
                         f"Provided: {axes}")
    a0, a1 = axes[0] % x_ndim if axes[0] < 0 else axes[0], axes[1] % y_ndim if axes[1] < 0 else axes[1]
    if 0 in (a0, a1):
        raise ValueError("Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy "
                         "batch dimension to your inputs using K.expand_dims(x, 0)")
    letters = iter(string.ascii_lowercase[2:])  # a: batch, b: the contracted axis
    x_sub = ["a"] + ["b" if i == a0 else next(letters) for i in range(1, x_ndim)]
    y_sub = ["a"] + ["b" if i == a1 else next(letters) for i in range(1, y_ndim)]
    out = ["a"] + [c for c in x_sub[1:] + y_sub[1:] if c != "b"]
    result = keras.ops.einsum(f"{''.join(x_sub)},{''.join(y_sub)}->{''.join(out)}", x, y)
    if x_ndim == 2 and y_ndim == 2:
        result = keras.ops.expand_dims(result, -1)
    return result


def keras2_batch_flatten(x):
    """Keras 2's K.batch_flatten: (batch, everything else)."""
    rest = tuple(x.shape[1:])
    if all(d is not None for d in rest):
        return keras.ops.reshape(x, (-1, int(np.prod(rest))))
    return keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))


def keras2_repeat(x, n):
    """Keras 2's K.repeat: (batch, dim) -> (batch, n, dim)."""
    if len(x.shape) != 2:
        raise ValueError(f"K.repeat expects a rank-2 input, got shape {tuple(x.shape)}")
    return keras.ops.repeat(keras.ops.expand_dims(x, 1), n, axis=1)


def keras2_count_params(x):
    """Keras 2's K.count_params: the number of elements (numpy's product of the shape)."""
    return np.prod(tuple(x.shape))


def keras2_dtype(x):
    """Keras 2's K.dtype: the dtype's name ('float32')."""
    return keras.backend.standardize_dtype(x.dtype)


def keras2_cast_to_floatx(x):
    """Keras 2's K.cast_to_floatx: tensors cast to floatx(), anything else a NumPy array."""
    if keras.ops.is_tensor(x) or isinstance(x, keras.Variable):
        return keras.ops.cast(x, keras.config.floatx())
    return np.asarray(x, dtype=keras.config.floatx())


def keras2_batch_set_value(tuples):
    """Keras 2's K.batch_set_value: every (variable, value) pair assigned, each value
    first made a NumPy array of the variable's dtype."""
    for x, value in tuples:
        if keras.ops.is_tensor(value) or isinstance(value, keras.Variable):
            value = keras.ops.convert_to_numpy(value)
        x.assign(np.asarray(value, dtype=keras.backend.standardize_dtype(x.dtype)))


def keras2_batch_get_value(tensors):
    """Keras 2's K.batch_get_value: the values as a list of NumPy arrays."""
    return [keras.ops.convert_to_numpy(x) for x in tensors]
