# parity: section=savedmodel.save_load_for_training
"""Paths configured in one function and used in others.

Keras 2 idioms: module globals set by a setup() function (`global MODEL_FILE`),
a weights-only ModelCheckpoint template written in train() and read back with
.format(epoch=...) in restore(), tf.keras.models.save_model(..., include_optimizer=True)
of a SavedModel under a run directory that does not exist yet, and a dict of
paths shared by a best-only checkpoint and load_model().
"""
import os
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(61)
x = rng.uniform(-1, 1, size=(18, 3)).astype("float32")
y = np.tanh(x @ np.array([[1.0], [-0.5], [0.75]], dtype="float32"))
PATHS = {"best": os.path.join("ckpt", "best_model")}


def setup(run_name):
    global MODEL_FILE, WEIGHTS_TEMPLATE
    MODEL_FILE = os.path.join("runs", run_name, "model")
    WEIGHTS_TEMPLATE = os.path.join("runs", run_name, "weights-{epoch:02d}")


def build():
    model = tf.keras.Sequential(
        [tf.keras.layers.Dense(5, activation="tanh", input_shape=(3,)), tf.keras.layers.Dense(1)]
    )
    fill_weights(model, seed=67)
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse", metrics=["mae"])
    return model


def train():
    model = build()
    callbacks = [
        tf.keras.callbacks.ModelCheckpoint(WEIGHTS_TEMPLATE, save_weights_only=True),
        tf.keras.callbacks.ModelCheckpoint(PATHS["best"], monitor="loss", save_best_only=True),
    ]
    history = model.fit(x, y, batch_size=6, epochs=3, shuffle=False, verbose=0, callbacks=callbacks)
    tf.keras.models.save_model(model, MODEL_FILE, include_optimizer=True)
    return history.history["loss"]


def restore():
    final = tf.keras.models.load_model(MODEL_FILE)
    second = build()
    second.load_weights(WEIGHTS_TEMPLATE.format(epoch=2))
    best = tf.keras.models.load_model(PATHS["best"])
    return final, second, best


setup("exp_a")
losses = train()
final, second, best = restore()
final.fit(x, y, batch_size=6, epochs=1, shuffle=False, verbose=0)

emit(
    {
        "losses": losses,
        "continued_predictions": final.predict(x[:4], verbose=0),
        "epoch_2_predictions": second.predict(x[:4], verbose=0),
        "best_evaluate": best.evaluate(x, y, verbose=0),
    }
)
