"""value_and_grad + BackendAgnosticSteps reproduce Keras 2's tf.GradientTape steps on
JAX (jitted and, with two optimizers, eager), TensorFlow and PyTorch."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools")
SCRIPT = os.path.join(HERE, "training_cases.py")


def _run(mode, out, **env):
    full = {k: v for k, v in os.environ.items() if k not in ("TF_USE_LEGACY_KERAS", "KERAS_BACKEND")}
    full.update(CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3",
                TF_ENABLE_ONEDNN_OPTS="0", PYTHONPATH=TOOLS, **env)
    proc = subprocess.run([sys.executable, SCRIPT, mode, str(out)], env=full, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=600)
    assert proc.returncode == 0, proc.stdout.decode("utf-8", "replace")[-4000:]
    with open(out) as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def keras2(tmp_path_factory):
    pytest.importorskip("tf_keras")
    return _run("keras2", tmp_path_factory.mktemp("k2") / "out.json", TF_USE_LEGACY_KERAS="1")


def _leaves(value):
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _leaves(value[key])
    elif isinstance(value, list) and value and isinstance(value[0], (list, dict)):
        for item in value:
            yield from _leaves(item)
    else:
        yield np.asarray(value, dtype=np.float64)


@pytest.mark.parametrize("backend", ["jax", "tensorflow", "torch"])
def test_steps_match_keras2(keras2, backend, tmp_path):
    got = _run("keras3", tmp_path / "out.json", KERAS_BACKEND=backend)
    assert sorted(got) == sorted(keras2)
    for key in keras2:
        for a, b in zip(_leaves(keras2[key]), _leaves(got[key])):
            np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5, err_msg=f"{backend}: {key}")
