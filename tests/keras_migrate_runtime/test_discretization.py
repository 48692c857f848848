"""Runtime Discretization: tf_keras 2.21's bin boundaries from adapt() (batches of 32 or
adapt's batch_size, Keras 2's summaries), checked against tf_keras itself; Keras 3's
call and config."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import Discretization  # noqa: E402

CASES = [  # (data expression, layer arguments, adapt arguments)
    ("rng.gamma(3.0, 3.0, size=(300,))", "num_bins=4", ""),
    ("rng.lognormal(1.0, 0.6, size=(300, 4))", "num_bins=3", ""),
    ("rng.lognormal(1.0, 0.6, size=(300, 2))", "num_bins=5, epsilon=0.02", ""),
    ("rng.normal(size=(257, 3))", "num_bins=4", ", batch_size=100"),
    ("np.repeat(np.arange(10.0), 13)", "num_bins=3", ""),
]


def _data(expression):
    rng = np.random.RandomState(0)  # noqa: F841  (read by eval)
    return eval(expression).astype("float32")


def test_boundaries_as_tf_keras():
    script = (
        "import json, numpy as np, tensorflow as tf\n"
        f"cases = {CASES!r}\n"
        "out = []\n"
        "for data, args, adapt in cases:\n"
        "    rng = np.random.RandomState(0)\n"
        "    x = eval(data).astype('float32')\n"
        "    layer = eval(f'tf.keras.layers.Discretization({args})')\n"
        "    eval(f'layer.adapt(x{adapt})')\n"
        "    out.append([float(b) for b in layer.bin_boundaries])\n"
        "print(json.dumps(out))\n"
    )
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    expected = json.loads(proc.stdout.strip().splitlines()[-1])
    for (data, args, adapt), boundaries in zip(CASES, expected):
        x = _data(data)  # noqa: F841
        layer = eval(f"Discretization({args})")
        eval(f"layer.adapt(x{adapt})")
        np.testing.assert_allclose(layer.bin_boundaries, boundaries, rtol=1e-6, err_msg=f"{data} {args}")


def test_keras3_call_and_config():
    layer = Discretization(num_bins=3)
    layer.adapt(np.arange(30, dtype="float32"))
    own = keras.layers.Discretization(bin_boundaries=layer.bin_boundaries)
    x = np.array([[0.0, 12.0, 29.0]], "float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x)), keras.ops.convert_to_numpy(own(x)))
    assert layer.get_config()["num_bins"] == 3
