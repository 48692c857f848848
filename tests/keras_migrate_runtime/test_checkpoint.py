"""keras_migrate_runtime.Keras2ModelCheckpoint: Keras 2's ModelCheckpoint(period=N)."""

import os

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import Keras2ModelCheckpoint  # noqa: E402


def _fit(tmp_path, **kwargs):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    callback = Keras2ModelCheckpoint(str(tmp_path / "w.{epoch:02d}.weights.h5"), save_weights_only=True, **kwargs)
    model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=5, verbose=0, callbacks=[callback])
    return sorted(os.listdir(tmp_path))


def test_every_period_epochs(tmp_path):
    assert _fit(tmp_path, period=2) == ["w.02.weights.h5", "w.04.weights.h5"]


def test_default_period_is_every_epoch(tmp_path):
    assert len(_fit(tmp_path)) == 5


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)
