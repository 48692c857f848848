"""keras2_broadcasting: Keras 2's loss functions broadcast labels against predictions
(current backend; tests/parity/programs/loss_function_broadcast.py compares with Keras 2
itself on all three)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import keras2_broadcasting  # noqa: E402

LABELS = np.array([0.0, 1.0, 0.25, 1.0], "float32")                     # (batch,)
PREDICTIONS = np.array([[0.1], [0.8], [0.4], [0.6]], "float32")        # (batch, 1)


def _numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_mean_squared_error_broadcasts_as_keras2():
    got = _numpy(keras2_broadcasting(keras.losses.mean_squared_error)(LABELS, PREDICTIONS))
    expected = np.mean((PREDICTIONS - LABELS) ** 2, axis=-1)  # (4, 4) averaged: Keras 2's numbers
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    # what Keras 3's own function gives instead (labels brought to the predictions' rank)
    assert not np.allclose(_numpy(keras.losses.mean_squared_error(LABELS, PREDICTIONS)), expected)


def test_binary_crossentropy_broadcasts_as_keras2_instead_of_raising():
    got = _numpy(keras2_broadcasting(keras.losses.binary_crossentropy)(LABELS, PREDICTIONS))
    p = np.clip(PREDICTIONS, 1e-7, 1 - 1e-7)
    expected = np.mean(-(LABELS * np.log(p) + (1 - LABELS) * np.log(1 - p)), axis=-1)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_equal_shapes_are_the_function_itself_and_keywords_pass():
    labels = LABELS[:, None]
    for fn, kwargs in ((keras.losses.huber, {"delta": 0.3}), (keras.losses.binary_crossentropy,
                                                             {"label_smoothing": 0.1})):
        np.testing.assert_array_equal(_numpy(keras2_broadcasting(fn)(labels, PREDICTIONS, **kwargs)),
                                      _numpy(fn(labels, PREDICTIONS, **kwargs)))
    assert keras2_broadcasting(keras.losses.hinge).__name__ == "hinge"
