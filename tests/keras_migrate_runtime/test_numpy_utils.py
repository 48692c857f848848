"""keras_migrate_runtime.to_categorical is Keras 2's (float32 by default, a dtype argument),
and normalize too (axis=0 is axis 0), checked against tf_keras's own on the cases its
docstring and callers use."""

import os
import subprocess
import sys
import json

import numpy as np

from keras_migrate_runtime import normalize, to_categorical

CASES = [
    ("[0, 1, 2, 3]", "4", None),
    ("[[1], [0], [2]]", "None", None),
    ("[[0, 1], [2, 1]]", "3", "'int32'"),
    ("[3, 3]", "5", "'float64'"),
]


def _call(y, n, dtype):
    return f"to_categorical({y}, {n}" + (f", dtype={dtype})" if dtype else ")")


def test_same_values_shapes_and_dtypes_as_tf_keras():
    script = (
        "import json, numpy as np\n"
        "from tf_keras.utils import to_categorical\n"
        f"cases = {[_call(*c) for c in CASES]!r}\n"
        "out = []\n"
        "for c in cases:\n"
        "    a = eval(c)\n"
        "    out.append([a.tolist(), list(a.shape), str(a.dtype)])\n"
        "print(json.dumps(out))\n"
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    expected = json.loads(proc.stdout.strip().splitlines()[-1])
    for case, (values, shape, dtype) in zip(CASES, expected):
        got = eval(_call(*case))
        assert got.tolist() == values and list(got.shape) == shape and str(got.dtype) == dtype, case


def test_float32_by_default_where_keras3_gives_float64():
    assert to_categorical(np.array([0, 1]), 2).dtype == np.float32


NORMALIZE_CASES = ["normalize(m)", "normalize(m, axis=0)", "normalize(m, axis=0, order=1)", "normalize(m, 1, 1)",
                   "normalize(np.zeros((2, 3)), axis=0)", "normalize(v)", "normalize(cube, axis=1, order=np.inf)"]


def test_normalize_as_tf_keras():
    script = (
        "import json, numpy as np\n"
        "from tf_keras.utils import normalize\n"
        "m = np.array([[1.0, -2.0], [3.0, 0.5], [0.0, 4.0]])\n"
        "v = np.array([3.0, 4.0])\n"
        "cube = np.arange(24.0).reshape(2, 3, 4) - 7\n"
        f"print(json.dumps([eval(c).tolist() for c in {NORMALIZE_CASES!r}]))\n"
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    expected = json.loads(proc.stdout.strip().splitlines()[-1])
    m = np.array([[1.0, -2.0], [3.0, 0.5], [0.0, 4.0]])  # noqa: F841  (read by eval)
    v = np.array([3.0, 4.0])  # noqa: F841
    cube = np.arange(24.0).reshape(2, 3, 4) - 7  # noqa: F841
    for case, values in zip(NORMALIZE_CASES, expected):
        np.testing.assert_allclose(eval(case), values, rtol=1e-12, err_msg=case)
