"""Runtime skipgrams / make_sampling_table: the same pairs, labels and table as tf_keras
2.21 (which Keras 3's API no longer has), with Python's random module seeded alike."""

import random

import numpy as np
import pytest

from keras_migrate_runtime import make_sampling_table, skipgrams


@pytest.mark.parametrize("kwargs", [dict(window_size=2), dict(window_size=1, negative_samples=0.5, categorical=True),
                                    dict(window_size=3, shuffle=False), dict(window_size=2, seed=7)])
def test_same_as_keras2(kwargs):
    sequence = [3, 0, 5, 1, 2, 4, 0, 6, 2, 7]
    sequence_module = pytest.importorskip("tf_keras.src.preprocessing.sequence")
    table = make_sampling_table(8, sampling_factor=0.3)
    np.testing.assert_array_equal(table, sequence_module.make_sampling_table(8, sampling_factor=0.3))
    random.seed(11)
    expected = sequence_module.skipgrams(sequence, 8, sampling_table=table, **kwargs)
    random.seed(11)
    assert skipgrams(sequence, 8, sampling_table=table, **kwargs) == expected
