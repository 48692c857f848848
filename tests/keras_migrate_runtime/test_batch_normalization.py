"""Runtime BatchNormalization: the moving variance moves with the unbiased batch variance
on 4-D / 5-D inputs with a channel axis 1 or last (Keras 2's fused kernel), the biased
one elsewhere (Keras 3 and Keras 2 alike); outputs and saving as Keras 3's (current
backend)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402

from keras_migrate_runtime import BatchNormalization  # noqa: E402

X = np.random.RandomState(0).rand(4, 3, 3, 2).astype("float32") * 3


def _moved(values, **kwargs):
    layer = BatchNormalization(momentum=0.9, **kwargs)
    out = layer(values, training=True)
    plain = keras.layers.BatchNormalization(momentum=0.9, **kwargs)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(plain(values, training=True)),
                               keras.ops.convert_to_numpy(out), atol=1e-6)
    return keras.ops.convert_to_numpy(layer.moving_variance)


@pytest.mark.parametrize("values, axis, fused", [
    (X, -1, True), (X.reshape(4, 3, 3, 1, 2), -1, True), (X, 1, True),
    (X.reshape(36, 2), -1, False), (X.reshape(4, 9, 2), -1, False), (X, 2, False),
])
def test_moving_variance_as_keras2(values, axis, fused):
    flat = np.moveaxis(values, axis, -1).reshape(-1, values.shape[axis]).astype("float64")
    n = flat.shape[0]
    batch = flat.var(0) * (n / (n - 1) if fused else 1.0)
    np.testing.assert_allclose(_moved(values, axis=axis), 0.9 + 0.1 * batch, rtol=1e-6)


def test_inference_and_renorm_unchanged():
    layer = BatchNormalization(renorm=True)
    layer(X, training=True)
    plain = keras.layers.BatchNormalization(renorm=True)
    plain(X, training=True)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.moving_variance),
                               keras.ops.convert_to_numpy(plain.moving_variance), rtol=1e-6)
    before = keras.ops.convert_to_numpy(layer.moving_variance)
    layer(X, training=False)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.moving_variance), before)


def test_name_config_and_keras_file(tmp_path):
    model = keras.Sequential([keras.Input((3, 3, 2)), BatchNormalization(), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(X, np.zeros((4, 1), "float32"), batch_size=2, epochs=1, verbose=0)
    assert model.layers[0].name.startswith("batch_normalization")
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded.layers[0]) is BatchNormalization
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded.predict(X, verbose=0)),
                               keras.ops.convert_to_numpy(model.predict(X, verbose=0)), atol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)


def test_fused_false_keeps_the_biased_update_and_its_config():
    layer = BatchNormalization(momentum=0.9, fused=False)
    flat = X.reshape(-1, 2).astype("float64")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(_moved_layer(layer, X)), 0.9 + 0.1 * flat.var(0),
                               rtol=1e-6)
    assert layer.get_config()["fused"] is False
    assert "fused" not in BatchNormalization().get_config()
    assert BatchNormalization.from_config(layer.get_config()).fused is False


def _moved_layer(layer, values):
    layer(values, training=True)
    return layer.moving_variance
