"""keras_migrate_runtime's K.bias_add, K.batch_dot, K.batch_flatten, K.repeat, K.count_params,
K.dtype and K.cast_to_floatx (gone from Keras 3), and K.switch (Keras 2's condition
tiling), against genuine Keras 2's numbers.

The references were recorded from tf_keras 2.21 with this same module:

    TF_USE_LEGACY_KERAS=1 python tests/keras_migrate_runtime/test_backend_removed.py record
"""

import json
import os
import sys

import numpy as np
import pytest

from _backends import BACKENDS, run_module_on

REFERENCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "backend_removed.json")


def _array(*shape, seed=0):
    return np.random.RandomState(seed + len(shape)).normal(size=shape).astype("float32")


# name -> (K function name, positional inputs (arrays or plain values), keyword arguments)
CASES = {
    "bias_add_last_rank1": ("bias_add", [_array(2, 3, 4), _array(4, seed=1)], {}),
    "bias_add_first_rank1": ("bias_add", [_array(2, 3, 4, 5), _array(3, seed=1)], {"data_format": "channels_first"}),
    "bias_add_last_full": ("bias_add", [_array(2, 3, 4), _array(3, 4, seed=1)], {}),
    "bias_add_first_full": ("bias_add", [_array(2, 3, 4, 5), _array(4, 5, 3, seed=1)], {"data_format": "channels_first"}),
    "bias_add_dense": ("bias_add", [_array(2, 5), _array(5, seed=1)], {}),
    "batch_dot_2x2": ("batch_dot", [_array(2, 3), _array(2, 3, seed=1)], {}),
    "batch_dot_3x3": ("batch_dot", [_array(2, 3, 4), _array(2, 4, 5, seed=1)], {}),
    "batch_dot_axes_int": ("batch_dot", [_array(2, 3, 4), _array(2, 5, 4, seed=1)], {"axes": 2}),
    "batch_dot_axes_pair": ("batch_dot", [_array(2, 3, 4), _array(2, 3, 5, seed=1)], {"axes": (1, 1)}),
    "batch_dot_axes_negative": ("batch_dot", [_array(2, 3, 4), _array(2, 6, 4, seed=1)], {"axes": [-1, -1]}),
    "batch_dot_2x3": ("batch_dot", [_array(2, 3), _array(2, 3, 4, seed=1)], {}),
    "batch_dot_3x2": ("batch_dot", [_array(2, 3, 4), _array(2, 4, seed=1)], {}),
    "batch_dot_4x3": ("batch_dot", [_array(2, 3, 4, 5), _array(2, 5, 6, seed=1)], {}),
    "batch_dot_3x4_axes": ("batch_dot", [_array(2, 3, 4), _array(2, 3, 5, 6, seed=1)], {"axes": (1, 1)}),
    "batch_flatten": ("batch_flatten", [_array(2, 3, 4)], {}),
    "repeat": ("repeat", [_array(2, 3), 4], {}),
    "count_params": ("count_params", [_array(3, 4)], {}),
    "count_params_vector": ("count_params", [_array(7)], {}),
    "dtype_float": ("dtype", [_array(2)], {}),
    "dtype_int": ("dtype", [np.arange(3, dtype="int32")], {}),
    "cast_to_floatx_list": ("cast_to_floatx", [[1, 2, 3]], {}),
    "cast_to_floatx_tensor": ("cast_to_floatx", [np.arange(4, dtype="int32")], {}),
    "switch_same_shape": ("switch", [_array(2, 3) > 0, _array(2, 3, seed=1), _array(2, 3, seed=2)], {}),
    "switch_rank2_in_rank3": ("switch", [_array(2, 3) > 0, _array(2, 3, 4, seed=1), _array(2, 3, 4, seed=2)], {}),
    "switch_rank2_in_rank4": ("switch", [_array(3, 2) > 0, _array(3, 2, 2, 2, seed=1), _array(3, 2, 2, 2, seed=2)], {}),
    "switch_rank1": ("switch", [_array(4) > 0, _array(2, 4, seed=1), _array(2, 4, seed=2)], {}),
    "switch_scalar": ("switch", [np.array(False), _array(2, 3, seed=1), _array(2, 3, seed=2)], {}),
    "switch_float_condition": ("switch", [np.array([[0.0, 1.0], [2.0, 0.0]], "float32"), _array(2, 2, 3, seed=1),
                                          _array(2, 2, 3, seed=2)], {}),
}


def _arguments(function, args, tensor, variable):
    """A case's inputs as the framework's tensors (a variable for count_params; a plain
    list stays a list for cast_to_floatx), the same for Keras 2 and Keras 3."""
    if function == "count_params":
        return [variable(args[0])]
    return [tensor(a) if isinstance(a, np.ndarray) else a for a in args]


def test_matches_keras2():
    import keras
    import keras_migrate_runtime as runtime

    references = json.load(open(REFERENCES))
    functions = {name: getattr(runtime, f"keras2_{name}") for name in {c[0] for c in CASES.values()}}
    for name, (function, args, kwargs) in CASES.items():
        expected = references[name]
        args = _arguments(function, args, keras.ops.convert_to_tensor, keras.Variable)
        value = functions[function](*args, **kwargs)
        if "str" in expected:
            assert value == expected["str"], name
            continue
        array = keras.ops.convert_to_numpy(value) if keras.ops.is_tensor(value) else np.asarray(value)
        assert list(array.shape) == expected["shape"], (name, array.shape, expected["shape"])
        assert str(array.dtype) == expected["dtype"], (name, array.dtype, expected["dtype"])
        np.testing.assert_allclose(array.ravel(), expected["values"], rtol=1e-5, atol=1e-6, err_msg=name)


def test_batch_dot_on_symbolic_inputs():
    """In a functional model (batch axis unknown), as attention code uses it."""
    import keras
    from keras_migrate_runtime import keras2_batch_dot, keras2_batch_flatten

    a, b = keras.Input((3, 4)), keras.Input((5, 4))
    scores = keras2_batch_dot(a, b, axes=2)
    assert tuple(scores.shape) == (None, 3, 5)
    assert tuple(keras2_batch_flatten(scores).shape) == (None, 15)


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)


if __name__ == "__main__" and sys.argv[1:] == ["record"]:
    from tf_keras import backend as K
    import tensorflow as tf

    functions = {name: getattr(K, name) for name in {c[0] for c in CASES.values()}}
    result = {}
    for name, (function, args, kwargs) in CASES.items():
        args = _arguments(function, args, tf.constant, tf.Variable)
        value = functions[function](*args, **kwargs)
        if isinstance(value, str):
            result[name] = {"str": value}
            continue
        array = value.numpy() if hasattr(value, "numpy") else np.asarray(value)
        result[name] = {"shape": list(array.shape), "dtype": str(array.dtype), "values": array.ravel().tolist()}
    with open(REFERENCES, "w") as f:  # one line per case
        f.write("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(result[k])}" for k in sorted(result)) + "\n}\n")
