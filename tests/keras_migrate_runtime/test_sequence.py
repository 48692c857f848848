"""Keras2Sequence: Keras reads float batches as float32 (Keras 2's fit cast them); the
program's own indexing and iteration see what __getitem__ made (current backend)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import Keras2Sequence  # noqa: E402


class Batches(Keras2Sequence):
    def __len__(self):
        return 2

    def __getitem__(self, index):
        return np.full((2, 3), index, "float64"), {"labels": np.ones((2, 1)), "ids": np.arange(2)}


class Recorder(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1)
        self.seen = []

    def call(self, x):
        return self.dense(x)

    def train_step(self, *args):
        x, y = args[-1]
        self.seen.append((keras.backend.standardize_dtype(x.dtype),
                          keras.backend.standardize_dtype(y["labels"].dtype),
                          keras.backend.standardize_dtype(y["ids"].dtype)))
        return {"steps": keras.ops.zeros(())}  # (TensorFlow refuses empty logs)


def test_keras_reads_float32_and_the_program_float64():
    if keras.backend.backend() == "jax":
        pytest.skip("JAX steps are stateless (and JAX makes float64 float32 itself)")
    model = Recorder()
    model(np.zeros((1, 3), "float32"))
    model.compile()
    model.fit(Batches(), epochs=1, verbose=0)
    assert set(model.seen) == {("float32", "float32", "int64")}, model.seen
    x, y = Batches()[1]
    assert x.dtype == np.float64 and y["labels"].dtype == np.float64
    first, _ = next(iter(Batches()))
    assert first.dtype == np.float64 and len(list(Batches())) == 2
