"""NumPy meets torch tensors as it met TensorFlow's eager tensors in Keras 2.

Keras 2 code mixes NumPy and tensors freely: `model(x) - y` with NumPy labels,
`np.mean(np.abs(model(x) - y))`, `np.argmax(model(x), axis=1)`. TensorFlow's tensors
take NumPy operands and NumPy converts them to arrays. With torch tensors NumPy fails:
an array on the left of an operator meets a torch method that refuses it (TypeError),
NumPy cannot read a tensor that requires grad, and NumPy's functions call the tensor's
own methods, whose signatures differ (`tensor.mean(axis=...)`: TypeError).

- `numpy_operands(torch)`: while a forward pass runs (gradients.py), NumPy's operators
  and ufuncs with a torch tensor among their operands compute in torch (the array
  becomes a tensor of the tensor's float type, as TensorFlow converted it), so that
  gradients flow through them.
- `take_numpy_like_tensorflow(torch)`: for good, the same operators, and NumPy's
  functions (np.mean, np.argmax, np.concatenate, ...) given torch tensors compute on
  NumPy copies and return arrays, as they did on TensorFlow's eager tensors. Installed by
  call_without_gradients (no_grad.py), i.e. where migrated code calls a model outside
  training and hands the result to NumPy.

A ufunc torch has no counterpart for (or a ufunc method, `np.add.reduce`) computes on
NumPy copies, as NumPy did with TensorFlow's tensors (no gradient flows there, as none
did through NumPy in Keras 2).
"""

import contextlib

import numpy as np

__all__ = ["numpy_operands", "take_numpy_like_tensorflow"]

# NumPy ufuncs whose torch function has another name (torch.equal compares whole tensors).
_TORCH_NAMES = {"power": "pow", "arctan2": "atan2", "absolute": "abs", "equal": "eq"}


def _hooks(torch):
    def as_numpy(value):
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu()
            return (value.float() if value.dtype == torch.bfloat16 else value).numpy()
        if isinstance(value, (list, tuple)):
            return type(value)(as_numpy(v) for v in value)
        if isinstance(value, dict):
            return {k: as_numpy(v) for k, v in value.items()}
        return value

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        function = getattr(torch, _TORCH_NAMES.get(ufunc.__name__, ufunc.__name__), None)
        if method != "__call__" or function is None or kwargs:
            return getattr(ufunc, method)(*as_numpy(inputs), **as_numpy(kwargs))
        tensor = next(a for a in inputs if isinstance(a, torch.Tensor))
        return function(*[_as_tensor(torch, a, tensor) if isinstance(a, (np.ndarray, np.generic)) else a
                          for a in inputs])

    def __array_function__(self, func, types, args, kwargs):
        return func(*as_numpy(args), **as_numpy(kwargs))

    return __array_ufunc__, __array_function__


def _as_tensor(torch, array, like):
    floating = like.is_floating_point() and np.issubdtype(np.asarray(array).dtype, np.floating)
    return torch.as_tensor(array, device=like.device, dtype=like.dtype if floating else None)


@contextlib.contextmanager
def numpy_operands(torch):
    if "__array_ufunc__" in vars(torch.Tensor):  # installed for good, nested, or torch's own
        yield
        return
    torch.Tensor.__array_ufunc__ = _hooks(torch)[0]
    try:
        yield
    finally:
        del torch.Tensor.__array_ufunc__


def take_numpy_like_tensorflow(torch):
    ufunc_hook, function_hook = _hooks(torch)
    if "__array_ufunc__" not in vars(torch.Tensor):
        torch.Tensor.__array_ufunc__ = ufunc_hook
    if "__array_function__" not in vars(torch.Tensor):
        torch.Tensor.__array_function__ = function_hook
