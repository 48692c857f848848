"""keras_migrate_runtime.TimeDistributed: every time step mapped when their number is
unknown (Keras 3.15 on TensorFlow mapped over the batch size), Keras 3's layer otherwise."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import TimeDistributed  # noqa: E402


def _per_step(dense, x):
    return np.stack([keras.ops.convert_to_numpy(dense(x[:, t])) for t in range(x.shape[1])], axis=1)


@pytest.mark.parametrize("samples, steps", [(6, 4), (2, 7)])
def test_unknown_step_count_on_tensorflow(samples, steps):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("dynamic shapes are TensorFlow's")
    import tensorflow as tf

    layer = TimeDistributed(keras.layers.Dense(3))
    x = np.random.RandomState(samples).normal(size=(samples, steps, 5)).astype("float32")
    layer.build((None, None, 5))
    traced = tf.function(layer.call, input_signature=[tf.TensorSpec((None, None, 5), tf.float32)])
    np.testing.assert_allclose(traced(x).numpy(), _per_step(layer.layer, x), atol=1e-5)


def test_static_shapes_are_keras3s_own():
    ours = TimeDistributed(keras.layers.Dense(2), name="td")
    x = np.random.RandomState(0).normal(size=(3, 4, 5)).astype("float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)), _per_step(ours.layer, x), atol=1e-5)
    assert type(ours).__name__ == "TimeDistributed" and ours.name == "td"
    restored = TimeDistributed.from_config(ours.get_config())
    assert restored.layer.units == 2


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_saved_and_loaded(tmp_path, suffix):
    inputs = keras.Input((5, 3))
    model = keras.Model(inputs, TimeDistributed(keras.layers.Dense(2))(keras.layers.GRU(4, return_sequences=True)(inputs)))
    x = np.random.RandomState(1).normal(size=(2, 5, 3)).astype("float32")
    path = str(tmp_path / f"m{suffix}")
    model.save(path)
    loaded = keras.saving.load_model(path)
    # saved as Keras's layer, back as this class where the runtime is imported (see
    # test_saved_as_keras for a program without it)
    assert type(loaded.layers[-1]) is TimeDistributed
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)), atol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_backend(backend):
    run_module_on(backend, __file__)
