# parity: section=savedmodel.save_load_for_training
"""Resume training from what an earlier phase wrote, checking paths first.

Keras 2 idioms: a checkpoint directory created by hand with os.makedirs, a
best-only ModelCheckpoint writing SavedModels into it, an os.path.exists()
guard before load_model(), save_weights() with a .h5 name inside a directory
made by os.makedirs, and a method of a helper class that saves to a path held
in an attribute.
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

rng = np.random.RandomState(13)
x = rng.uniform(-1, 1, size=(16, 2)).astype("float32")
y = (x[:, :1] * 2.0 - x[:, 1:]).astype("float32")

checkpoint_dir = "./checkpoints"
os.makedirs(checkpoint_dir, exist_ok=True)
best_path = os.path.join(checkpoint_dir, "best")


def new_model():
    model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(2,)),
                              keras.layers.Dense(1)])
    fill_weights(model, seed=31)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    return model


def train_phase(epochs):
    if os.path.exists(best_path):
        model = keras.models.load_model(best_path)
    else:
        model = new_model()
    checkpoint = keras.callbacks.ModelCheckpoint(best_path, monitor="loss", save_best_only=True)
    history = model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0, callbacks=[checkpoint])
    return history.history["loss"]


class Exporter:
    def __init__(self, directory):
        self.path = os.path.join(directory, "exported")

    def save(self, model):
        model.save(self.path)

    def load(self):
        return keras.models.load_model(self.path)


first = train_phase(2)
second = train_phase(2)  # resumes from the best model of the first phase

weights_dir = os.path.join("exports", "weights")
os.makedirs(weights_dir)
resumed = keras.models.load_model(best_path)
resumed.save_weights(os.path.join(weights_dir, "final.h5"))
copy = new_model()
copy.load_weights(os.path.join(weights_dir, "final.h5"))
exporter = Exporter(os.path.join("exports", "run_1"))
exporter.save(resumed)
exported = exporter.load()

emit(
    {
        "first_phase_loss": first,
        "second_phase_loss": second,
        "resumed_predictions": resumed.predict(x[:4], verbose=0),
        "copy_predictions": copy.predict(x[:4], verbose=0),
        "copy_evaluate": copy.evaluate(x, y, verbose=0),
        "exported_evaluate": exported.evaluate(x, y, verbose=0),
    }
)
