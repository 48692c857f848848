# parity: section=savedmodel.save_load_for_training
"""Save paths built in one place and read in another.

Keras 2 idioms: a module-level output directory, a training function that
saves with tf.keras.models.save_model() and an evaluation function that
reloads with tf.keras.models.load_model(); paths built with pathlib, with
str.format and in a loop over run names; a path variable assigned in a
function and returned to the caller.
"""
import os
import pathlib
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

OUTPUT_DIR = os.path.join("outputs", "models")
ARTIFACTS = pathlib.Path("artifacts")

rng = np.random.RandomState(29)
x = rng.uniform(-1, 1, size=(10, 3)).astype("float32")
y = (x.sum(axis=1, keepdims=True) * 0.3).astype("float32")


def build(seed):
    model = tf.keras.Sequential(
        [tf.keras.layers.Dense(4, activation="relu", input_shape=(3,)), tf.keras.layers.Dense(1)]
    )
    fill_weights(model, seed=seed)
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    return model


def train(seed, epochs):
    model = build(seed)
    model.fit(x, y, batch_size=5, epochs=epochs, shuffle=False, verbose=0)
    tf.keras.models.save_model(model, os.path.join(OUTPUT_DIR, "run_{}".format(seed)))
    return model


def evaluate(seed):
    model = tf.keras.models.load_model(os.path.join(OUTPUT_DIR, "run_{}".format(seed)))
    return model.evaluate(x, y, verbose=0)


def export_path(name):
    target = ARTIFACTS / name
    return target


for seed in (1, 2):
    train(seed, epochs=seed)
scores = [evaluate(seed) for seed in (1, 2)]

for name in ["small", "large"]:
    model = build(7 if name == "small" else 8)
    model.save(str(ARTIFACTS / name))

small = tf.keras.models.load_model(str(ARTIFACTS / "small"))
large = tf.keras.models.load_model(str(export_path("large")))

emit(
    {
        "scores": scores,
        "small_predictions": small.predict(x[:3], verbose=0),
        "large_predictions": large.predict(x[:3], verbose=0),
    }
)
