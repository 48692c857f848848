# parity: section=everyday.scheduled_learning_rate_reads
"""Learning rates read from optimizers that follow a LearningRateSchedule: a callback
logging the rate into logs (so into the history), reads after training through
`model.optimizer.lr` and `optimizer.learning_rate`, a custom schedule subclass, and an
optimizer with a plain float beside them."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

np.random.seed(0)
tf.random.set_seed(0)

x = np.random.RandomState(0).normal(size=(24, 3)).astype("float32")
y = np.random.RandomState(1).normal(size=(24, 1)).astype("float32")


class HalvingSchedule(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, initial):
        self.initial = initial

    def __call__(self, step):
        return self.initial * tf.pow(0.5, tf.cast(step, tf.float32) / 3.0)

    def get_config(self):
        return {"initial": self.initial}


class LogRate(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        logs["rate"] = float(keras.backend.get_value(self.model.optimizer.learning_rate))


def trained(optimizer, seed):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
    fill_weights(model, seed=seed)
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, callbacks=[LogRate()])
    return model, history.history


results = {}
exponential = keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5))
model, history = trained(exponential, 1)
results["exponential_history"] = [history["loss"], history["rate"]]
results["exponential_after"] = [float(model.optimizer.lr), float(exponential.learning_rate)]

custom = keras.optimizers.Adam(HalvingSchedule(0.05))
model, history = trained(custom, 2)
results["custom_rate"] = history["rate"]
results["custom_after"] = float(custom.learning_rate)

plain = keras.optimizers.RMSprop(0.01)
model, history = trained(plain, 3)
results["plain_rate"] = history["rate"]
emit(results)
