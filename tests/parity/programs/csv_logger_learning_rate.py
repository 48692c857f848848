# parity: section=everyday.training_api
"""A CSVLogger next to ReduceLROnPlateau and LearningRateScheduler, its file read back
with csv.DictReader (rows in a loop, one row by index) and pandas (found with
keras-migrate verify, stop 35: Keras 3 writes the column "learning_rate" where Keras 2
wrote "lr", and the reads failed with KeyError on every backend).
"""
import csv
import os
import tempfile

import numpy as np
import pandas as pd
import tensorflow as tf

from parity_io import emit, fill_weights

rng = np.random.RandomState(8)
x = rng.randn(60, 3).astype("float32")
y = (x.sum(axis=1, keepdims=True) * 0.5).astype("float32")
model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="tanh", input_shape=(3,)), tf.keras.layers.Dense(1)])
fill_weights(model, seed=4)
model.compile(optimizer=tf.keras.optimizers.SGD(0.05), loss="mse")
path = os.path.join(tempfile.mkdtemp(), "log.csv")
callbacks = [
    tf.keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.9),
    tf.keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0),
    tf.keras.callbacks.CSVLogger(path),
]
history = model.fit(x, y, batch_size=20, epochs=3, verbose=0, shuffle=False, callbacks=callbacks)
with open(path) as f:
    rows = list(csv.DictReader(f))
rates = [float(row["lr"]) for row in rows]
last = float(rows[-1]["lr"])
frame = pd.read_csv(path)
emit({"loss": history.history["loss"], "rates": rates, "last": last,
      "pandas": frame["lr"].tolist(), "inline": float(pd.read_csv(path)["lr"].min())})
