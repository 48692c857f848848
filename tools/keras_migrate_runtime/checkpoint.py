"""Keras 2's `ModelCheckpoint(period=N)`: save every N epochs.

tf_keras 2.21 still honoured the deprecated `period` (with save_freq="epoch"): it
counted the epochs since the last save and saved (and compared with the best so far)
only when `period` had passed. Keras 3's ModelCheckpoint has no `period` (TypeError).
"""

import keras

__all__ = ["Keras2ModelCheckpoint"]


class Keras2ModelCheckpoint(keras.callbacks.ModelCheckpoint):
    """keras.callbacks.ModelCheckpoint with Keras 2's `period`."""

    def __init__(self, *args, period=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.epochs_since_last_save = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_since_last_save += 1
        if self.save_freq == "epoch" and self.epochs_since_last_save < self.period:
            return  # Keras 2 neither saved nor looked at the monitored value
        self.epochs_since_last_save = 0
        super().on_epoch_end(epoch, logs)
