# parity: section=everyday.training_api
"""Subclassed models whose call() returns several outputs (a tuple, a list; compiled
with a loss list, a loss dict keyed output_1/output_2, metrics per output): Keras 2
named the outputs output_1, output_2, ... so History, evaluate(return_dict) and
callbacks' logs carry "output_1_loss" / "output_2_mae"; the program reads them by
those names."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class TwoHeads(keras.Model):
    """A regression head and a 3-way softmax head on one trunk."""

    def __init__(self):
        super().__init__()
        self.trunk = layers.Dense(6, activation="relu")
        self.value = layers.Dense(1)
        self.classes = layers.Dense(3, activation="softmax")

    def call(self, inputs):
        h = self.trunk(inputs)
        return self.value(h), self.classes(h)


class ThreeTaps(keras.Model):
    def __init__(self):
        super().__init__()
        self.a = layers.Dense(2)
        self.b = layers.Dense(2)

    def call(self, inputs):
        first = self.a(inputs)
        return [first, self.b(first), first * 0.5]


class LossLog(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(logs["output_2_loss"])


rng = np.random.RandomState(51)
x = rng.normal(size=(24, 4)).astype("float32")
y_value = (x @ rng.normal(size=(4, 1))).astype("float32")
y_class = rng.randint(0, 3, size=(24,))

model = TwoHeads()
model(x[:1])
fill_weights(model, seed=52)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
              loss=["mse", "sparse_categorical_crossentropy"], metrics=[["mae"], ["accuracy"]])
log = LossLog()
history = model.fit(x, [y_value, y_class], batch_size=8, epochs=3, shuffle=False, verbose=0, callbacks=[log])
scores = model.evaluate(x, [y_value, y_class], verbose=0, return_dict=True)

taps = ThreeTaps()
taps(x[:1])
fill_weights(taps, seed=53)
targets = [x[:, :2], x[:, 2:], x[:, :2] * 0.1]
taps.compile(optimizer="adam", loss={"output_1": "mse", "output_2": "mae", "output_3": "mse"},
             loss_weights={"output_1": 1.0, "output_2": 0.5, "output_3": 2.0})
taps_history = taps.fit(x, targets, batch_size=8, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "value_loss": history.history["output_1_loss"],
        "class_loss": history.history["output_2_loss"],
        "value_mae": history.history["output_1_mae"],
        "class_accuracy": history.history["output_2_accuracy"],
        "callback_class_loss": log.seen,
        "evaluate": [scores["loss"], scores["output_1_loss"], scores["output_2_loss"], scores["output_1_mae"]],
        "taps_losses": [taps_history.history[k] for k in ("loss", "output_1_loss", "output_2_loss", "output_3_loss")],
        "weights": model.get_weights(),
    }
)
