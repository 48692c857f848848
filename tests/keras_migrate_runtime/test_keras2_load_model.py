"""keras_migrate_runtime.keras2_load_model: a .h5 file Keras 2 wrote comes back compiled as
Keras 2 compiled it (loss and metrics saved by name or as objects, the optimizer's
configuration and state), so training after the reload gives Keras 2's numbers. Keras
3.15's own load_model fails on three of these four files and turns the fourth's optimizer
into a default RMSprop with a metric that raises at the first fit."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import keras2_load_model  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def keras2_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("keras2_h5")
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "PYTHONPATH")}
    env.update({"TF_USE_LEGACY_KERAS": "1", "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"})
    proc = subprocess.run([sys.executable, os.path.join(HERE, "keras2_h5_files.py"), str(out)], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert proc.returncode == 0, proc.stdout.decode()[-3000:]
    with open(out / "keras2.json") as handle:
        return out, json.load(handle)


def _data():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    y_reg = rng.normal(size=(16, 1)).astype("float32")
    y_cls = rng.randint(0, 3, size=(16,))
    y_bin = rng.randint(0, 2, size=(16, 1)).astype("float32")
    return x, {"regression": y_reg, "classifier": y_cls, "logits": y_bin, "two_outputs": {"a": y_reg, "b": y_bin}}


@pytest.mark.parametrize("name", ["regression", "classifier", "logits", "two_outputs"])
def test_training_after_the_reload_is_keras2s(keras2_files, name):
    directory, reference = keras2_files
    x, ys = _data()
    model = keras2_load_model(str(directory / f"{name}.h5"))
    history = model.fit(x, ys[name], batch_size=4, epochs=1, shuffle=False, verbose=0).history
    expected = reference[name]
    assert sorted(history) == sorted(expected["history"])
    for key, values in history.items():
        np.testing.assert_allclose(values, expected["history"][key], rtol=1e-5, atol=1e-6, err_msg=key)
    for got, want in zip(model.get_weights(), expected["weights"]):
        np.testing.assert_allclose(got, np.array(want), rtol=1e-5, atol=1e-6)


def test_keras3_files(tmp_path):
    # (an .h5 file Keras 3 wrote with a loss by name fails in Keras 3's own reader too)
    for suffix in (".h5", ".keras"):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile(optimizer=keras.optimizers.SGD(0.3), loss="mse")
        path = str(tmp_path / f"m{suffix}")
        model.save(path)
        loaded = keras2_load_model(path)
        assert float(loaded.optimizer.learning_rate) == pytest.approx(0.3)
    assert getattr(keras2_load_model(str(tmp_path / "m.h5"), compile=False), "optimizer", None) is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_backend(backend):
    run_module_on(backend, __file__)
