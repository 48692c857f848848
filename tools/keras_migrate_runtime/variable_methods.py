"""tf.Variable methods that Keras 3 variables lack, for every backend.

Keras 2 layers' weights (and tf.Variable attributes) were tf.Variables, with
`scatter_nd_update()` & co and sliced assignment (`v[0].assign(x)`). Keras 3
variables only have assign/assign_add/assign_sub of the whole value: these
helpers compute the new whole value with keras.ops and assign it, which is
what TensorFlow did in place. Each returns the variable, as TensorFlow did.
"""

from keras import ops

__all__ = ["assign_slice", "scatter_nd_add", "scatter_nd_sub", "scatter_nd_update"]


def _indices(indices):
    return ops.cast(ops.convert_to_tensor(indices), "int32")


def _updates(variable, updates):
    return ops.cast(ops.convert_to_tensor(updates), variable.dtype)


def _value(variable):
    # The current value as a tensor (JAX refuses to trace a variable object itself).
    return ops.convert_to_tensor(variable)


def scatter_nd_update(variable, indices, updates):
    """`variable.scatter_nd_update(indices, updates)` (tf.Variable)."""
    variable.assign(ops.scatter_update(_value(variable), _indices(indices), _updates(variable, updates)))
    return variable


def scatter_nd_add(variable, indices, updates):
    """`variable.scatter_nd_add(indices, updates)`: repeated indices add up, as in TensorFlow."""
    variable.assign_add(ops.scatter(_indices(indices), _updates(variable, updates), tuple(variable.shape)))
    return variable


def scatter_nd_sub(variable, indices, updates):
    """`variable.scatter_nd_sub(indices, updates)`."""
    variable.assign_sub(ops.scatter(_indices(indices), _updates(variable, updates), tuple(variable.shape)))
    return variable


def _normalize(index, size):
    if isinstance(index, int):
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of bounds for an axis of size {size}")
        return index % size
    index = ops.cast(ops.convert_to_tensor(index), "int32")  # a scalar tensor (a step counter, a pointer variable)
    return ops.where(index < 0, index + size, index)


def _box(key, shape):
    """Start indices, box sizes and the axes indexed by a single position, for
    `key` made of positions (ints or scalar tensors) and step-1 slices."""
    key = key if isinstance(key, tuple) else (key,)
    if any(k is Ellipsis or k is None for k in key) or len(key) > len(shape):
        raise NotImplementedError(f"assign_slice supports positions and slices only, got {key!r}")
    start, sizes, dropped = [], [], []
    for axis, k in enumerate(key):
        if isinstance(k, slice):
            lower, upper, step = k.indices(shape[axis])  # static bounds only
            if step != 1:
                raise NotImplementedError("assign_slice supports slices with step 1 only")
            start.append(lower)
            sizes.append(max(upper - lower, 0))
        else:
            start.append(_normalize(k, shape[axis]))
            sizes.append(1)
            dropped.append(axis)
    for size in shape[len(key):]:
        start.append(0)
        sizes.append(size)
    return start, tuple(sizes), dropped


def assign_slice(variable, key, value, mode="assign"):
    """`variable[key].assign(value)` (mode "assign"), `.assign_add` ("add") or
    `.assign_sub` ("sub"), for keys of positions and step-1 slices."""
    shape = tuple(variable.shape)
    start, sizes, dropped = _box(key, shape)
    value = ops.convert_to_tensor(value, dtype=variable.dtype)
    kept_shape = tuple(s for axis, s in enumerate(sizes) if axis not in dropped)
    value = ops.reshape(ops.broadcast_to(value, kept_shape), sizes)
    if mode != "assign":
        current = ops.slice(_value(variable), start, sizes)
        value = current + value if mode == "add" else current - value
    variable.assign(ops.slice_update(_value(variable), start, value))
    return variable
