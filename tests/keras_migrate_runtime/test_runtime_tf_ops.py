"""keras_migrate_runtime's TensorFlow op helpers (current backend). Their values are
compared with TensorFlow on all three backends by
tests/keras_migrate/spec/check_tf_ops_semantics.py; these pin what samples cannot:
None entries, gradients, types."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import (  # noqa: E402
    clip_by_global_norm, clip_by_value, keras2_clip, leaky_relu, one_hot, set_diag, unsorted_segment_max,
    value_and_grad,
)


def _numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_clip_by_global_norm_returns_a_list_and_the_norm_and_keeps_none():
    a = np.full((2,), 3.0, "float32")
    b = np.full((1,), 4.0, "float32")
    clipped, norm = clip_by_global_norm([a, None, b], 2.5)
    assert isinstance(clipped, list) and clipped[1] is None
    np.testing.assert_allclose(_numpy(norm), np.sqrt(9 + 9 + 16), rtol=1e-6)
    scale = 2.5 / np.sqrt(34.0)
    np.testing.assert_allclose(_numpy(clipped[0]), a * scale, rtol=1e-6)
    np.testing.assert_allclose(_numpy(clipped[2]), b * scale, rtol=1e-6)


def test_set_diag_replaces_the_diagonal_of_rectangular_batches():
    x = np.arange(2 * 2 * 3, dtype="float32").reshape(2, 2, 3)
    d = np.array([[-1, -2], [-3, -4]], "float32")
    expected = x.copy()
    for b in range(2):
        for j in range(2):
            expected[b, j, j] = d[b, j]
    np.testing.assert_array_equal(_numpy(set_diag(x, d)), expected)


def test_one_hot_follows_tf_dtype_rules_and_zeroes_out_of_range_indices():
    out = one_hot(np.array([0, -1, 3]), 3, on_value=5, off_value=-1)
    assert keras.backend.standardize_dtype(out.dtype) == "int32"
    np.testing.assert_array_equal(_numpy(out), [[5, -1, -1], [-1, -1, -1], [-1, -1, -1]])
    assert keras.backend.standardize_dtype(one_hot(np.array([1]), 2, off_value=0.5).dtype) == "float32"


def test_unsorted_segment_max_gives_the_lowest_float_to_empty_segments():
    out = _numpy(unsorted_segment_max(np.array([1.0, 2.0], "float32"), np.array([0, 0]), 2))
    np.testing.assert_array_equal(out, [2.0, np.finfo("float32").min])


def _gradient(fn, x):
    variable = keras.Variable(np.asarray(x, "float32"))
    _, grads = value_and_grad(lambda: keras.ops.sum(fn(variable)), [variable])
    return _numpy(grads[0])


TIES = [-2.0, -0.3, 0.0, 0.4, 2.0]


def test_kinks_take_tensorflows_gradient_at_exact_ties():
    np.testing.assert_allclose(_gradient(lambda v: leaky_relu(v, 0.1), TIES), [0.1, 0.1, 0.1, 1.0, 1.0])
    np.testing.assert_allclose(_gradient(lambda v: clip_by_value(v, -0.3, 0.4), TIES), [0.0, 1.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(_gradient(lambda v: keras2_clip(v, 0.0, None), TIES), [0.0, 0.0, 1.0, 1.0, 1.0])


def test_keras2_clip_bounds_follow_keras2():
    x = np.array(TIES, "float32")
    np.testing.assert_array_equal(_numpy(keras2_clip(x, None, 0.4)), np.minimum(x, 0.4))
    np.testing.assert_array_equal(_numpy(keras2_clip(x, 1.0, -1.0)), np.full_like(x, 1.0))  # max < min: min
    assert keras.backend.standardize_dtype(leaky_relu(np.array([-2, 3])).dtype) == "float32"  # ints: as TF


def test_split_count_or_sizes_from_variables():
    from keras_migrate_runtime import split

    x = np.arange(24, dtype="float32").reshape(2, 12)
    for parts, widths in ((3, [4, 4, 4]), (np.int64(2), [6, 6]), ([2, 10], [2, 10]), ((5, -1, 1), [5, 6, 1]),
                          (np.array([3, 9]), [3, 9])):
        pieces = split(x, parts, axis=1)
        assert [int(p.shape[1]) for p in pieces] == widths
        np.testing.assert_array_equal(np.concatenate([_numpy(p) for p in pieces], axis=1), x)
