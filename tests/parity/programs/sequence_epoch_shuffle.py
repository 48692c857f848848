# parity: section=everyday.training_api
"""keras.utils.Sequence subclasses that reshuffle in on_epoch_end, the most common Keras
2 data generator. Keras 2 called on_epoch_end when a pass ended; Keras 3 also calls it
when it resets the data before a pass (after reading batch 0 to build the model, before
each evaluation), so without care the first epoch trains on the second permutation and
every number after it differs. Variants: NumPy index shuffling set up by on_epoch_end in
__init__, Python's random.shuffle of a list of rows, a subclass extending its parent's
on_epoch_end, an unshuffled validation Sequence counting its epochs, and evaluate and
predict on Sequences afterwards.
"""
import math
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

np.random.seed(0)
random.seed(0)
rng = np.random.RandomState(1)
x = rng.normal(size=(48, 4)).astype("float32")
y = (x @ np.array([1.0, -1.0, 0.5, 2.0], "float32"))[:, None]


class DataGenerator(keras.utils.Sequence):
    def __init__(self, x, y, batch_size=8, shuffle=True):
        self.x, self.y = x, y
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.epochs_seen = 0
        self.on_epoch_end()

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        idx = self.indexes[index * self.batch_size:(index + 1) * self.batch_size]
        return self.x[idx], self.y[idx]

    def on_epoch_end(self):
        self.indexes = np.arange(len(self.x))
        if self.shuffle:
            np.random.shuffle(self.indexes)


class CountingGenerator(DataGenerator):
    def on_epoch_end(self):
        super().on_epoch_end()
        self.epochs_seen += 1


class RowShuffler(tf.keras.utils.Sequence):
    def __init__(self, x, y, batch_size=12):
        self.rows = list(range(len(x)))
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return len(self.rows) // self.batch_size

    def __getitem__(self, index):
        rows = self.rows[index * self.batch_size:(index + 1) * self.batch_size]
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        random.shuffle(self.rows)


def build(seed):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    fill_weights(model, seed=seed)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


model = build(21)
validation = CountingGenerator(x[:16], y[:16], shuffle=False)
history = model.fit(DataGenerator(x, y), validation_data=validation, epochs=3, shuffle=False, verbose=0)

rows_model = build(22)
rows = RowShuffler(x, y)
rows_history = rows_model.fit(rows, epochs=3, shuffle=False, verbose=0)

counted = CountingGenerator(x, y, shuffle=False)
evaluate = model.evaluate(counted, verbose=0)
predict = model.predict(counted, verbose=0)

emit(
    {
        "history": history.history,
        "weights": model.trainable_weights,
        "validation_epochs_seen": validation.epochs_seen,
        "rows_history": rows_history.history,
        "rows_weights": rows_model.trainable_weights,
        "rows_order": rows.rows[:6],
        "evaluate": evaluate,
        "predict": predict,
        "counted_epochs_seen": counted.epochs_seen,
    }
)
