"""keras_migrate_runtime layers give Keras 2's numbers on JAX, TensorFlow and PyTorch.

Keras 2 (tf_keras) and each Keras 3 backend run in their own subprocess
(parity_cases.py); the Keras 2 numbers are computed fresh for every run.
"""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools")
SCRIPT = os.path.join(HERE, "parity_cases.py")
TOLERANCE = 1e-5


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("TF_USE_LEGACY_KERAS", "KERAS_BACKEND")}
    env.update(
        CUDA_VISIBLE_DEVICES="",
        JAX_PLATFORMS="cpu",
        TF_CPP_MIN_LOG_LEVEL="3",
        TF_ENABLE_ONEDNN_OPTS="0",
        PYTHONPATH=TOOLS,
    )
    env.update(extra)
    return env


def _run(args, env):
    proc = subprocess.run(
        [sys.executable, SCRIPT] + args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600
    )
    output = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, output[-4000:]
    return output


@pytest.fixture(scope="module")
def keras2_reference(tmp_path_factory):
    pytest.importorskip("tf_keras")
    path = str(tmp_path_factory.mktemp("keras2") / "reference.npz")
    _run(["keras2", path], _env(TF_USE_LEGACY_KERAS="1"))
    return path


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_runtime_matches_keras2(keras2_reference, backend):
    output = _run(["keras3", keras2_reference], _env(KERAS_BACKEND=backend))
    line = [l for l in output.splitlines() if l.startswith('{"backend"')][-1]
    result = json.loads(line)
    assert result["backend"] == backend
    diffs = result["diffs"]
    # Every case reported: 75 outputs/gradients/initial values, the .keras round trip,
    # the runtime RNN against keras.layers.RNN and through a .keras file, and a model
    # rebuilt by add_symbolic_loss through a .keras file, and 8 CTC values (K.ctc_batch_cost
    # loss and gradient, greedy K.ctc_decode labels and log probabilities, in two cases).
    assert len(diffs) == 91, sorted(diffs)
    bad = {key: value for key, value in diffs.items() if not value <= TOLERANCE}
    assert not bad, f"outside {TOLERANCE}: {bad}"
