# parity: section=savedmodel.save_load_for_training
"""Keras 2 SavedModel saves that create their parent directories.

Keras 2 idioms: model.save("exports/run_1/model") and
tf.keras.models.save_model() into directories that do not exist yet (a
SavedModel write creates them), save_weights() to a TF checkpoint prefix in a
missing directory, and a whole-model .h5 write in a missing directory. Every
file is reloaded and the reloaded models predict and evaluate.
"""
import os
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(5)
x = rng.uniform(-1, 1, size=(12, 3)).astype("float32")
y = (x[:, :1] - 0.5 * x[:, 1:2] + x[:, 2:3] ** 2).astype("float32")


def build():
    model = keras.Sequential(
        [
            keras.layers.Dense(6, activation="tanh", input_shape=(3,)),
            keras.layers.Dense(1),
        ]
    )
    fill_weights(model, seed=17)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    return model


model = build()
model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)

# Keras 2: a SavedModel directory, parents created on the fly.
model.save("exports/run_1/model")
keras.models.save_model(model, os.path.join("exports", "run_2", "model"))
model.save_weights("weights/run_1/ckpt")

restored = keras.models.load_model("exports/run_1/model")
restored_2 = keras.models.load_model(os.path.join("exports", "run_2", "model"))
fresh = build()
fresh.load_weights("weights/run_1/ckpt")

# The reloaded model keeps training from where the first one stopped.
history = restored.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "restored_predictions": restored_2.predict(x[:5], verbose=0),
        "restored_evaluate": restored_2.evaluate(x, y, verbose=0),
        "continued_loss": history.history["loss"],
        "continued_predictions": restored.predict(x[:5], verbose=0),
        "weights_predictions": fresh.predict(x[:5], verbose=0),
    }
)
