"""keras_migrate_runtime's clipping functions give TensorFlow's numbers on every backend."""

import numpy as np
import pytest

from _backends import run_script_on

_SCRIPT = r"""
import json, sys
import numpy as np
from keras import ops
from keras_migrate_runtime import clip_by_global_norm, clip_by_norm, global_norm
a = np.array([[3.0, -4.0], [1.0, 2.0]], "float32"); b = np.array([0.5, -0.25], "float32")
z = np.zeros((2, 2), "float32")
out = {}
clipped, norm = clip_by_global_norm([a, None, b], 2.0)
out["global"] = [np.asarray(ops.convert_to_numpy(c)).tolist() for c in clipped if c is not None] + [float(norm)]
out["global_big"] = float(clip_by_global_norm([a], 100.0)[1])
out["norm"] = ops.convert_to_numpy(clip_by_norm(a, 1.5)).tolist()
out["norm_axes"] = ops.convert_to_numpy(clip_by_norm(a, 1.5, axes=[1])).tolist()
out["norm_zero"] = ops.convert_to_numpy(clip_by_norm(z, 1.0)).tolist()
out["gnorm"] = float(global_norm([a, b]))
print(json.dumps(out))
"""


def _tensorflow():
    tf = pytest.importorskip("tensorflow")
    a = tf.constant([[3.0, -4.0], [1.0, 2.0]])
    b = tf.constant([0.5, -0.25])
    clipped, norm = tf.clip_by_global_norm([a, None, b], 2.0)
    return {
        "global": [c.numpy().tolist() for c in clipped if c is not None] + [float(norm)],
        "global_big": float(tf.clip_by_global_norm([a], 100.0)[1]),
        "norm": tf.clip_by_norm(a, 1.5).numpy().tolist(),
        "norm_axes": tf.clip_by_norm(a, 1.5, axes=[1]).numpy().tolist(),
        "norm_zero": tf.clip_by_norm(tf.zeros((2, 2)), 1.0).numpy().tolist(),
        "gnorm": float(tf.linalg.global_norm([a, b])),
    }


@pytest.mark.parametrize("backend", ["jax", "tensorflow", "torch"])
def test_clipping_matches_tensorflow(backend):
    import json

    expected = _tensorflow()
    got = json.loads(run_script_on(backend, _SCRIPT).strip().splitlines()[-1])
    for key, value in expected.items():
        flat = lambda v: np.asarray([x for item in v for x in np.ravel(item)] if key == "global" else v, "float64")
        np.testing.assert_allclose(flat(got[key]), flat(value), rtol=1e-6, err_msg=f"{backend}: {key}")
