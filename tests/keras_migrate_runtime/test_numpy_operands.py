"""value_and_grad's forward pass mixes NumPy arrays and tensors as Keras 2 code did with
TensorFlow: on PyTorch, `model(x) - y` with NumPy `y` (either side, float64 arrays
against float32 tensors) gives the same loss and gradients as all-tensor operands, and
torch.Tensor is left as it was afterwards (current backend, and each in a child).
Outside training, a model called through call_without_gradients gives results NumPy's
functions and operators take as they took TensorFlow's eager tensors."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import call_without_gradients, value_and_grad  # noqa: E402

X = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
Y = np.linspace(0.5, -0.5, 8).reshape(4, 2)  # float64, as NumPy makes it
WEIGHTS = np.array([1.0, 3.0])
MIXING = np.array([[1.0, 0.5], [-0.5, 1.0]])
BASE = np.array([1.5, 2.0])


def _loss(pred, y, weights, mixing, base):
    loss = keras.ops.mean(weights * keras.ops.square(pred - y))
    loss = loss + 0.1 * keras.ops.mean((y - pred) ** 2) + 0.01 * keras.ops.mean(keras.ops.abs(pred @ mixing))
    return loss + 0.001 * keras.ops.sum(base ** pred)


def test_numpy_operands_differentiate_like_tensors():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, kernel_initializer="ones")])
    as_tensor = lambda a: keras.ops.convert_to_tensor(a.astype("float32"))
    arrays = lambda: _loss(model(X.astype("float32")), Y, WEIGHTS, MIXING, BASE)
    tensors = lambda: _loss(model(X.astype("float32")), *map(as_tensor, (Y, WEIGHTS, MIXING, BASE)))
    loss, grads = value_and_grad(arrays, model.trainable_variables)
    expected_loss, expected_grads = value_and_grad(tensors, model.trainable_variables)
    assert keras.backend.standardize_dtype(loss.dtype) == "float32"
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loss), keras.ops.convert_to_numpy(expected_loss), rtol=1e-6)
    for got, want in zip(grads, expected_grads):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(got), keras.ops.convert_to_numpy(want), rtol=1e-5)
    if keras.backend.backend() == "torch":
        import torch

        assert "__array_ufunc__" not in vars(torch.Tensor)


def test_numpy_takes_eager_results_as_arrays():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, kernel_initializer="ones")])
    out = call_without_gradients(model, X.astype("float32"))
    expected = X.astype("float32") @ np.ones((3, 2), "float32")
    np.testing.assert_allclose(np.mean(np.abs(out - Y)), np.mean(np.abs(expected - Y)), rtol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(Y - out), Y - expected, rtol=1e-6)
    if keras.backend.backend() != "jax":  # (JAX's arrays answer NumPy's functions themselves)
        assert isinstance(np.argmax(out, axis=1), np.ndarray)
    np.testing.assert_array_equal(np.argmax(out, axis=1), np.argmax(expected, axis=1))
    assert np.concatenate([out, out]).shape == (8, 2)
    np.testing.assert_allclose(np.add.reduce(out), expected.sum(axis=0), rtol=1e-6)
    same = keras.ops.convert_to_numpy(expected == out)  # elementwise, not one verdict
    assert same.shape == (4, 2) and same.all()


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)
