# parity: section=everyday.training_api
"""The learning rate in callback logs and History: logs["lr"] / history.history["lr"] in Keras 2."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class RateRecorder(keras.callbacks.Callback):
    """Reads the rate that the scheduler callbacks before it wrote into the logs."""

    def __init__(self):
        super().__init__()
        self.rates = []
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.seen.append(1.0 if "lr" in logs else 0.0)
        self.rates.append(float(logs.get("lr", -1.0)))


def schedule(epoch, lr):
    return lr * 0.5 if epoch >= 2 else lr


lambda_rates = []
recorder = RateRecorder()
model = keras.Sequential([layers.Dense(6, activation="tanh", input_shape=(4,)), layers.Dense(1)])
fill_weights(model, seed=3)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.2), loss="mse")

rng = np.random.RandomState(7)
x = rng.uniform(-1, 1, (24, 4)).astype("float32")
y = np.sin(x.sum(axis=1, keepdims=True)).astype("float32")
history = model.fit(
    x, y, batch_size=8, epochs=6, shuffle=False, verbose=0,
    callbacks=[
        keras.callbacks.LearningRateScheduler(schedule),
        # monitors the training loss; min_delta large enough to fire on plateaus
        keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=0.05),
        recorder,
        keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: lambda_rates.append(logs["lr"])),
    ],
)
emit(
    {
        "history_lr": history.history["lr"],
        "recorded_lr": recorder.rates,
        "lr_present": recorder.seen,
        "lambda_lr": lambda_rates,
        "loss_history": history.history["loss"],
        "final_lr": model.optimizer.lr,
    }
)
