"""value_and_grad takes any nest of variables (vision/shiftvit.py passes a list of
per-layer lists), one variable, a tuple or a dict, and returns the gradients in that
structure, on every backend; an empty variable list (a model the forward pass would
build) is an error, not a silent no-op. minimize() is Keras 2's optimizer.minimize."""

import pytest

from _backends import run_script_on

_SCRIPT = r"""
import keras, numpy as np
from keras_migrate_runtime import value_and_grad
a = keras.layers.Dense(2, kernel_initializer="ones"); b = keras.layers.Dense(1, kernel_initializer="ones")
a.build((None, 3)); b.build((None, 2))
x = np.ones((4, 3), "float32")
forward = lambda: keras.ops.sum(b(a(x)))
loss, nested = value_and_grad(forward, [a.trainable_variables, b.trainable_variables])
_, flat = value_and_grad(forward, a.trainable_variables + b.trainable_variables)
assert [len(g) for g in nested] == [2, 2]
for got, want in zip(nested[0] + nested[1], flat):
    np.testing.assert_allclose(keras.ops.convert_to_numpy(got), keras.ops.convert_to_numpy(want))
np.testing.assert_allclose(keras.ops.convert_to_numpy(nested[1][0]), np.full((2, 1), 12.0))
w = keras.Variable(np.arange(6, dtype="float32").reshape(3, 2))
square = lambda: keras.ops.sum(w * w)
_, one = value_and_grad(square, w)  # one gradient, not its rows (JAX's indexing clamps: no end)
np.testing.assert_allclose(keras.ops.convert_to_numpy(one), 2 * np.arange(6).reshape(3, 2))
_, pair = value_and_grad(lambda: keras.ops.sum(w * w) + keras.ops.sum(b.kernel), (w, b.kernel))
assert isinstance(pair, tuple) and len(pair) == 2
_, named = value_and_grad(lambda: keras.ops.sum(w * w) + keras.ops.sum(b.kernel), {"w": w, "k": b.kernel})
assert sorted(named) == ["k", "w"] and float(keras.ops.sum(named["k"])) == 2.0
from keras_migrate_runtime import minimize
v = keras.Variable([1.0, -1.0])
sgd = keras.optimizers.SGD(learning_rate=0.25)
minimize(sgd, lambda: keras.ops.sum((v - 3.0) ** 2), lambda: [v])
np.testing.assert_allclose(keras.ops.convert_to_numpy(v), [2.0, 1.0])
try:
    value_and_grad(forward, [])
except ValueError:
    print("ok")
"""


@pytest.mark.parametrize("backend", ["jax", "tensorflow", "torch"])
def test_nested_variables(backend):
    assert run_script_on(backend, _SCRIPT).strip().endswith("ok")
