"""Runtime layers whose config Keras's own class reads save as that class: a model file
holding them loads in a Keras 3 program that does not import the runtime (as Keras's
layers, the same outputs), and comes back as the runtime's classes where it is imported.
Registered as keras_migrate_runtime>Name, every migrated model with a BatchNormalization
or MultiHeadAttention failed to load without the runtime ("Unknown layer" in .h5, "could
not be deserialized" in .keras)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import keras_migrate_runtime as runtime  # noqa: E402
from _backends import BACKENDS, run_module_on  # noqa: E402

_NAMES = ("BatchNormalization", "Embedding", "MultiHeadAttention", "Discretization", "TimeDistributed")


def _model():
    ids = keras.Input((5,), dtype="int32")
    x = runtime.Embedding(12, 4, embeddings_regularizer=runtime.L1(0.01))(ids)
    x = runtime.BatchNormalization()(x)
    x = runtime.MultiHeadAttention(2, 3)(x, x)
    x = runtime.TimeDistributed(keras.layers.Dense(3, kernel_regularizer=runtime.L1L2(0.01, 0.02)))(x)
    x = runtime.Discretization(bin_boundaries=[-0.1, 0.0, 0.1])(x)
    return keras.Model(ids, x)


def _layer_classes(model):
    return {type(layer).__name__: type(layer) for layer in model.layers}


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_saved_file_loads_with_and_without_the_runtime(tmp_path, suffix):
    model = _model()
    x = np.random.RandomState(0).randint(0, 12, size=(3, 5)).astype("int32")
    expected = keras.ops.convert_to_numpy(model(x))
    path = str(tmp_path / f"model{suffix}")
    model.save(path)
    np.save(str(tmp_path / "x.npy"), x)

    loaded = keras.saving.load_model(path)
    classes = _layer_classes(loaded)
    for name in _NAMES:
        assert classes[name] is getattr(runtime, name), name
    assert type(loaded.layers[1].embeddings_regularizer) is runtime.L1
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), expected, atol=1e-6)

    # A program that never imports the runtime.
    child = (
        "import json, sys, numpy as np, keras\n"
        "m = keras.saving.load_model(sys.argv[1])\n"
        "assert 'keras_migrate_runtime' not in sys.modules\n"
        "out = keras.ops.convert_to_numpy(m(np.load(sys.argv[2])))\n"
        "print(json.dumps({'modules': sorted({type(l).__module__.split('.')[0] + ':' + type(l).__name__ "
        "for l in m.layers}), 'regularizer': type(m.layers[1].embeddings_regularizer).__module__, "
        "'out': out.tolist()}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    proc = subprocess.run([sys.executable, "-c", child, path, str(tmp_path / "x.npy")], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    result = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    assert all(m.startswith("keras:") for m in result["modules"]), result["modules"]
    assert result["regularizer"].startswith("keras."), result["regularizer"]
    np.testing.assert_allclose(np.array(result["out"]), expected, atol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_backend(backend):
    run_module_on(backend, __file__)
