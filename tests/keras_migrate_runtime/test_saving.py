"""keras_migrate_runtime.keras2_fresh_optimizer: a reloaded model's optimizer as Keras 2
reloaded a SavedModel's (iterations 0, every slot at its initial value, the saved
learning rate), and training continues from there."""

import os
import tempfile

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import keras2_fresh_optimizer  # noqa: E402

X = np.linspace(-1, 1, 96).reshape(32, 3).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def _trained(optimizer):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    path = os.path.join(tempfile.mkdtemp(), "m.keras")
    model.save(path)
    return keras.saving.load_model(path)


@pytest.mark.parametrize("make", [lambda: keras.optimizers.Adam(0.02), lambda: keras.optimizers.Adagrad(0.1),
                                  lambda: keras.optimizers.SGD(0.05, momentum=0.9)])
def test_state_is_a_new_optimizers(make):
    loaded = _trained(make())
    assert int(keras.ops.convert_to_numpy(loaded.optimizer.iterations)) == 4
    fresh = make()
    fresh.build(loaded.trainable_variables)
    assert keras2_fresh_optimizer(loaded) is loaded
    assert int(keras.ops.convert_to_numpy(loaded.optimizer.iterations)) == 0
    for got, want in zip(loaded.optimizer.variables, fresh.variables):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(got), keras.ops.convert_to_numpy(want))
    loaded.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    assert int(keras.ops.convert_to_numpy(loaded.optimizer.iterations)) == 4


def test_models_without_a_built_optimizer_are_returned_as_they_are():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    assert keras2_fresh_optimizer(model) is model
    model.compile(optimizer="adam", loss="mse")
    assert keras2_fresh_optimizer(model) is model


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)
