"""The deterministic stand-ins: identical numbers from numpy and from tensor ops, any backend."""

import numpy as np
import pytest

from keras_migrate.verify import _determinism as d


class NumpyOps:
    """hash_uniform_ops over numpy int32, as an int32-only backend (JAX without x64) computes."""

    def as_shape(self, shape):
        return tuple(shape)

    def prod(self, shape):
        return int(np.prod(shape))

    def arange(self, n):
        return np.arange(n, dtype=np.int32)

    def mod(self, x, y):
        return np.mod(x, np.int32(y)).astype(np.int32)

    def floor_divide(self, x, y):
        return np.floor_divide(x, np.int32(y)).astype(np.int32)

    def cast(self, x, dtype):
        return np.asarray(x).astype(dtype)

    def reshape(self, x, shape):
        return np.reshape(x, shape)


def test_hash_uniform_matches_between_numpy_and_int32_ops():
    shape = (7, 300)
    a = d.hash_uniform_np(shape, 123)
    b = d.hash_uniform_ops(NumpyOps(), shape, 123)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32 and 0 < a.min() and a.max() < 1
    assert abs(float(a.mean()) - 0.5) < 0.05 and len(np.unique(a)) > 1000


def test_salts_and_shapes_give_other_values():
    assert not np.array_equal(d.hash_uniform_np((50,), 1), d.hash_uniform_np((50,), 2))


@pytest.mark.parametrize("kind,params", [
    ("variance_scaling", {"scale": 1.0, "mode": "fan_avg"}),
    ("normal", {"mean": 0.0, "stddev": 0.05}),
    ("truncated_normal", {"mean": 0.0, "stddev": 0.02}),
    ("uniform", {"minval": -0.05, "maxval": 0.05}),
    ("orthogonal", {"gain": 1.0}),
])
def test_initializer_values_are_a_function_of_shape_and_order(kind, params):
    a = d.initializer_values(kind, params, (16, 8), 0)
    assert a.shape == (16, 8)
    np.testing.assert_array_equal(a, d.initializer_values(kind, params, (16, 8), 0))
    assert not np.array_equal(a, d.initializer_values(kind, params, (16, 8), 1))


def test_orthogonal_is_orthogonal_and_variance_scaling_has_glorot_variance():
    q = d.initializer_values("orthogonal", {"gain": 1.0}, (8, 8), 0)
    np.testing.assert_allclose(q.T @ q, np.eye(8), atol=1e-6)
    w = d.initializer_values("variance_scaling", {"scale": 1.0, "mode": "fan_avg"}, (400, 600), 0)
    assert abs(w.var() - 1.0 / 500) / (1.0 / 500) < 0.05


def test_random_parameters_given_as_tensors_key_by_value():
    """`tf.random.normal(shape, stddev=tf.sqrt(...))`: a scalar tensor is keyed by its value,
    not by its backend's str() (each backend drew other values: handson-ml2 ch. 12)."""
    import numpy as np

    from keras_migrate.verify._recorder import _param_key

    assert _param_key(np.float32(0.5)) == _param_key(np.array(0.5, "float32")) == _param_key(0.5) == "0.5"
    assert _param_key(None) == "None" and _param_key(2) == "2"
    assert _param_key(np.array([1.0, 2.0])) == str(np.array([1.0, 2.0]))  # not a scalar: as before
