"""keras_migrate_runtime.keras2_call: `training=` given while a functional model is built
stays given when the model runs (Keras 2), on each backend."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import keras2_call  # noqa: E402

X = np.random.RandomState(0).normal(3.0, 2.0, size=(32, 3)).astype("float32")


def _fit(model):
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, X[:, :1], epochs=1, batch_size=8, verbose=0)


def test_nested_model_kept_in_inference_mode_during_fit():
    inp = keras.Input((3,))
    bn = keras.layers.BatchNormalization()
    base = keras.Model(inp, bn(inp))
    outer_in = keras.Input((3,))
    model = keras.Model(outer_in, keras.layers.Dense(1)(keras2_call(base, outer_in, training=False)))
    _fit(model)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(bn.moving_mean), np.zeros(3))


def test_layer_kept_in_training_mode_at_predict():
    inp = keras.Input((3,))
    model = keras.Model(inp, keras2_call(keras.layers.BatchNormalization(), inp, training=True))
    out = model.predict(X[:8], batch_size=8, verbose=0)
    # batch statistics: each column normalised over the batch
    np.testing.assert_allclose(out.mean(axis=0), np.zeros(3), atol=1e-4)


def test_none_takes_the_outer_mode():
    inp = keras.Input((3,))
    bn = keras.layers.BatchNormalization()
    model = keras.Model(inp, keras.layers.Dense(1)(keras2_call(bn, inp, training=None)))
    _fit(model)
    assert float(keras.ops.max(keras.ops.abs(bn.moving_mean))) > 0.05


def test_eager_call_passes_through():
    dense = keras.layers.Dense(2)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(keras2_call(dense, X[:2])),
                               keras.ops.convert_to_numpy(dense(X[:2])))


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)
