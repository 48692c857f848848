"""keras.ops.zeros_like / ones_like / full_like / empty_like / where take keras.Variable
operands on every backend once keras_migrate_runtime is imported (JAX refused them)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import keras_migrate_runtime  # noqa: E402,F401  (installs the JAX fix)
from _backends import BACKENDS, run_module_on  # noqa: E402

V = np.array([[1.0, -2.0], [3.0, 0.5]], dtype="float32")


def _np(x):
    return keras.ops.convert_to_numpy(x)


def test_like_functions_take_variables():
    v = keras.Variable(V)
    np.testing.assert_array_equal(_np(keras.ops.zeros_like(v)), np.zeros_like(V))
    np.testing.assert_array_equal(_np(keras.ops.ones_like(v)), np.ones_like(V))
    np.testing.assert_array_equal(_np(keras.ops.full_like(v, 2.5)), np.full_like(V, 2.5))
    assert tuple(keras.ops.empty_like(v).shape) == V.shape
    np.testing.assert_array_equal(_np(keras.ops.where(v > 0, v, keras.ops.zeros_like(v))), np.where(V > 0, V, 0))


def test_gradient_accumulators_over_model_variables():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    accumulators = [keras.ops.zeros_like(v) for v in model.trainable_variables]
    assert [tuple(a.shape) for a in accumulators] == [(2, 3), (3,)]


def test_inside_a_stateless_scope_the_scopes_value_is_read():
    v = keras.Variable(V)
    with keras.StatelessScope(state_mapping=[(v, keras.ops.convert_to_tensor(V * 0.0 - 1.0))]):
        np.testing.assert_array_equal(_np(keras.ops.where(v > 0, 1.0, v)), np.full_like(V, -1.0))


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)
