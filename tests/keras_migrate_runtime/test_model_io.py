"""keras_migrate_runtime.keras2_function (Keras 2's eager K.function),
keras2_model_input / keras2_model_output (Keras 2's model.input / model.output, which
Keras 3's Sequential models lack) and keras2_weight_name (Keras 2's weight names)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import (  # noqa: E402
    keras2_function,
    keras2_model_input,
    keras2_model_output,
    keras2_weight_name,
)

X = np.linspace(-1, 1, 15).reshape(5, 3).astype("float32")


def _sequential():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="hidden"),
                             keras.layers.Dropout(0.9), keras.layers.Dense(1)])


def test_sequential_input_and_output_are_single_tensors():
    model = _sequential()
    assert keras2_model_input(model) is model.inputs[0]
    assert keras2_model_output(model) is model.outputs[0]
    inputs = [keras.Input((2,)), keras.Input((1,))]
    functional = keras.Model(inputs, keras.layers.Concatenate()(inputs))
    assert keras2_model_input(functional) == functional.input


def test_function_returns_numpy_lists_in_inference_mode():
    model = _sequential()
    hidden = keras2_function([keras2_model_input(model)], [model.get_layer("hidden").output])([X])
    assert isinstance(hidden, list) and len(hidden) == 1 and isinstance(hidden[0], np.ndarray)
    np.testing.assert_allclose(hidden[0], keras.ops.convert_to_numpy(model.get_layer("hidden")(X)), atol=1e-6)
    out = keras2_function(model.inputs, model.outputs)(X)
    np.testing.assert_allclose(out[0], keras.ops.convert_to_numpy(model(X)), atol=1e-6)  # Dropout off
    with pytest.raises(ValueError, match="updates"):
        keras2_function(model.inputs, model.outputs, updates=[1])


def test_several_inputs_and_outputs():
    a, b = keras.Input((3,)), keras.Input((2,))
    merged = keras.layers.Concatenate()([a, b])
    values = keras2_function([a, b], [merged, keras.layers.Dense(2)(merged)])([X, X[:, :2]])
    assert [v.shape for v in values] == [(5, 5), (5, 2)]


def test_weight_names_are_keras2s():
    # tf_keras 2.21's names for the same weights.
    model = _sequential()
    inner = keras.Sequential([keras.layers.Dense(2, name="inner")], name="sub")
    nested = keras.Sequential([keras.Input((3,)), inner])
    assert [keras2_weight_name(w) for w in model.weights[:2] + nested.weights] == [
        "hidden/kernel:0", "hidden/bias:0", "inner/kernel:0", "inner/bias:0"]

    class Plain:
        name = "mine"

    assert keras2_weight_name(Plain()) == "mine"


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)
