"""keras_migrate_runtime.TimeMajor: Keras 2 time_major=True semantics on Keras 3."""

import os

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import TimeMajor  # noqa: E402

X = np.random.RandomState(0).uniform(-1, 1, (5, 3, 2)).astype("float32")  # (time, batch, features)


def _pair(**kwargs):
    inner = keras.layers.GRU(4, **kwargs)
    wrapped = TimeMajor(inner)
    out = wrapped(X)
    reference = inner(np.swapaxes(X, 0, 1))  # the same weights, batch-major
    return out, reference


def test_sequences_come_back_time_major():
    out, reference = _pair(return_sequences=True)
    assert tuple(out.shape) == (5, 3, 4)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out),
                               np.swapaxes(keras.ops.convert_to_numpy(reference), 0, 1), atol=1e-6)


def test_last_output_and_states_are_batch_major():
    out, reference = _pair(return_sequences=True, return_state=True)
    assert tuple(out[0].shape) == (5, 3, 4) and tuple(out[1].shape) == (3, 4)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out[1]), keras.ops.convert_to_numpy(reference[1]), atol=1e-6)


def test_symbolic_shape_and_save_load(tmp_path):
    inputs = keras.Input((3, 2))  # time-major: the leading (None) axis is time
    outputs = TimeMajor(keras.layers.LSTM(4, return_sequences=True))(inputs)
    assert tuple(outputs.shape) == (None, 3, 4)
    model = keras.Model(inputs, outputs)
    path = os.path.join(tmp_path, "m.keras")
    model.save(path)
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(again(X)), keras.ops.convert_to_numpy(model(X)), atol=1e-6)
