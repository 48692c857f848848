# parity: section=everyday.training_api
"""Metrics compiled by class name ("AUC", "Precision", ...) keep Keras 2's log keys; EarlyStopping monitors one."""
import random

import numpy as np
import pandas as pd
import tensorflow as tf
from tensorflow.keras import backend as K

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

METRICS = ["BinaryAccuracy", "Recall"]


class LearningRateLogger(tf.keras.callbacks.Callback):
    # the classic Keras 2 recipe for getting the rate into History
    def on_epoch_end(self, epoch, logs=None):
        logs["lr"] = K.get_value(self.model.optimizer.lr)


def build():
    inputs = tf.keras.Input(shape=(5,))
    hidden = tf.keras.layers.Dense(8, activation="relu")(inputs)
    outputs = tf.keras.layers.Dense(1, activation="sigmoid")(hidden)
    model = tf.keras.Model(inputs, outputs)
    fill_weights(model, seed=12)
    return model


rng = np.random.RandomState(4)
x = rng.uniform(-1, 1, (40, 5)).astype("float32")
y = (x[:, :2].sum(axis=1, keepdims=True) > 0).astype("float32")

model = build()
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.3), loss="binary_crossentropy",
              metrics=["accuracy", "AUC", "Precision"] + METRICS)
history = model.fit(
    x, y, batch_size=10, epochs=12, shuffle=False, verbose=0, validation_data=(x[:20], y[:20]),
    callbacks=[tf.keras.callbacks.EarlyStopping(monitor="val_auc", mode="max", patience=2, min_delta=0.02),
               LearningRateLogger()],
)
frame = pd.DataFrame(history.history)
second = build()
second.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["MeanSquaredError"])
second_history = second.fit(x, y, batch_size=20, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "epochs_run": len(history.history["loss"]),
        "auc": history.history["auc"],
        "val_auc": history.history["val_auc"],
        "precision": history.history["precision"],
        "val_binary_accuracy": frame["val_binary_accuracy"].tolist(),
        "recall": history.history["recall"],
        "lr": model.history.history["lr"],
        "mse": second_history.history["mean_squared_error"],
        "evaluate": model.evaluate(x, y, verbose=0, return_dict=True)["precision"],
    }
)
