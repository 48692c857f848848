"""Keras2Sequence: Keras reads float batches as float32 (Keras 2's fit cast them); the
program's own indexing and iteration see what __getitem__ made; on_epoch_end runs when a
pass ends, as in Keras 2, not when Keras 3 resets its data before a pass (current
backend)."""

import sys

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402

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



class Shrinking(Keras2Sequence):
    """keras.io depth_estimation's __getitem__: the last batch shrinks self.batch_size
    for good, and every batch draws from NumPy's global random state."""

    def __init__(self, n, batch_size):
        super().__init__()
        self.n, self.batch_size, self.reads = n, batch_size, ()

    def __len__(self):
        return int(np.ceil(self.n / self.batch_size))

    def __getitem__(self, index):
        if (index + 1) * self.batch_size > self.n:
            self.batch_size = self.n - index * self.batch_size
        rows = np.arange(index * self.batch_size, (index + 1) * self.batch_size)
        # (a new tuple: a copy's reads do not land here; who read, two frames up)
        self.reads += ((index, len(rows), sys._getframe(2).f_code.co_name),)
        noise = np.random.uniform(size=(len(rows), 1))
        return np.stack([rows, rows], axis=1).astype("float32") + noise, rows.astype("float32")[:, None]


def test_keras_look_ahead_leaves_the_sequence_as_keras_2_did():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    validation = Shrinking(6, 4)
    model.fit(Shrinking(8, 4), validation_data=validation, epochs=1, verbose=0)
    # Keras 2's first validation pass: 4 rows, then 2 (batch 1 shrinks batch_size).
    # Keras 3 on TensorFlow read batch 1 ahead of the pass: without the copy, the pass
    # read 2 rows, then 2.
    ahead = ("get_tf_dataset", "<listcomp>")
    in_pass = [(index, size) for index, size, caller in validation.reads if caller not in ahead]
    assert in_pass[:2] == [(0, 4), (1, 2)], validation.reads
    assert validation.batch_size == 2


def test_a_look_ahead_read_puts_the_random_states_back():
    import random

    from keras_migrate_runtime import sequence

    np.random.seed(1)
    random.seed(1)
    expected = (np.random.uniform(), random.random())
    np.random.seed(1)
    random.seed(1)
    seq = Shrinking(6, 4)
    batch = sequence._without_side_effects(type(seq).__getitem__.__wrapped__, seq, 1)
    assert batch[0].shape == (2, 2) and seq.batch_size == 4 and seq.reads == ()
    assert (np.random.uniform(), random.random()) == expected


def test_the_programs_own_reads_keep_their_side_effects():
    sequence = Shrinking(6, 4)
    sequence[1]
    assert sequence.batch_size == 2 and [r[:2] for r in sequence.reads] == [(1, 2)]


class Epochs(Keras2Sequence):
    def __init__(self, batches):
        super().__init__()
        self.batches, self.ends = batches, 0

    def __len__(self):
        return self.batches

    def __getitem__(self, index):
        return np.full((2, 2), float(index + 10 * self.ends), "float32"), np.ones((2, 1), "float32")

    def on_epoch_end(self):
        self.ends += 1


class MoreEpochs(Epochs):
    def on_epoch_end(self):
        super().on_epoch_end()
        self.ends += 100


def test_on_epoch_end_only_when_a_pass_ends():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    train, validation = Epochs(3), MoreEpochs(2)
    model.fit(train, validation_data=validation, epochs=2, verbose=0)
    # Keras 2: once per epoch each; Keras 3 also called it before the first epoch (after
    # reading batch 0 to build the model) and before each validation.
    assert (train.ends, validation.ends) == (2, 202)
    evaluated = Epochs(2)
    model.evaluate(evaluated, verbose=0)
    model.predict(evaluated, verbose=0)
    assert evaluated.ends == 2
    evaluated.on_epoch_end()  # the program's own call
    assert evaluated.ends == 3


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)
