"""value_and_input_grad (a tape that watches inputs) on every backend: on its own its
results are plain values, as TensorFlow's are (TensorFlow's adversarial_fgsm tutorial
plots the signed gradient: PyTorch refused a tensor that requires grad); inside another
differentiated forward pass (a gradient penalty) they stay differentiable."""

import pytest

from _backends import run_script_on

_SCRIPT = r"""
import keras, numpy as np
from keras_migrate_runtime import value_and_grad, value_and_input_grad
w = keras.Variable(np.array([[1.0], [2.0]], dtype="float32"))
x = keras.ops.convert_to_tensor(np.array([[3.0, 4.0]], dtype="float32"))

# On its own: d(sum((x @ w)^2))/dx = 2 (x @ w) w^T = 2 * 11 * [1, 2]
loss, grad = value_and_input_grad(lambda x: keras.ops.sum(keras.ops.matmul(x, w) ** 2), x)
np.testing.assert_allclose(np.asarray(keras.ops.sign(grad) * 0.5 + 0.5), [[1.0, 1.0]])
np.testing.assert_allclose(np.asarray(grad), [[22.0, 44.0]])
assert float(np.asarray(loss)) == 121.0

# A penalty on the input gradient, differentiated with respect to w:
# |d(x @ w)/dx|^2 = |w|^2, whose gradient is 2 w.
def outer():
    _, g = value_and_input_grad(lambda x: keras.ops.sum(keras.ops.matmul(x, w)), x)
    return keras.ops.sum(g ** 2)

penalty, (dw,) = value_and_grad(outer, [w])
np.testing.assert_allclose(keras.ops.convert_to_numpy(dw), [[2.0], [4.0]])
np.testing.assert_allclose(float(keras.ops.convert_to_numpy(penalty)), 5.0)
print("ok")
"""


@pytest.mark.parametrize("backend", ["jax", "tensorflow", "torch"])
def test_input_gradients(backend):
    assert run_script_on(backend, _SCRIPT).strip().endswith("ok")
