# parity: section=removed_features.rnn_time_major
"""RNN layers used with time_major=True inputs (time, batch, features)."""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class TimeMajorModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rnn = layers.GRU(4, time_major=True)
        self.head = layers.Dense(1)

    def call(self, inputs):
        inputs = tf.transpose(inputs, [1, 0, 2])  # batch-major -> time-major
        return self.head(self.rnn(inputs))


rng = np.random.RandomState(10)
batch_major = rng.uniform(-1, 1, (6, 5, 3)).astype("float32")
target = batch_major.sum(axis=(1, 2))[:, None].astype("float32") * 0.1

lstm = layers.LSTM(4, time_major=True, return_sequences=True)
time_major = np.transpose(batch_major, (1, 0, 2))
lstm(tf.constant(time_major))
fill_weights(lstm, seed=19)

model = TimeMajorModel()
model(batch_major)
fill_weights(model, seed=20)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit(batch_major, target, batch_size=6, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "lstm_sequences": lstm(tf.constant(time_major)),
        "loss_history": history.history["loss"],
        "predictions": model.predict(batch_major, verbose=0),
    }
)
