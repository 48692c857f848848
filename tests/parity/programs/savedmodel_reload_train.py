# parity: section=savedmodel.save_load_for_training
"""Save to a SavedModel directory, reload it, and keep training.

Keras 2 idioms: model.save(dir) (SavedModel by default), a ModelCheckpoint
writing SavedModel directories, save_weights() to a TF checkpoint prefix and
load_model(dir) for further training.
"""
import os
import random
import tempfile

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

workdir = tempfile.mkdtemp()

model = tf.keras.Sequential(
    [
        tf.keras.layers.Dense(8, activation="relu", input_shape=(4,)),
        tf.keras.layers.Dense(1),
    ]
)
fill_weights(model, seed=3)
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), loss="mse")

rng = np.random.RandomState(7)
x = rng.uniform(-1, 1, size=(16, 4)).astype("float32")
y = (x.sum(axis=1, keepdims=True) * 0.5).astype("float32")

checkpoint = tf.keras.callbacks.ModelCheckpoint(os.path.join(workdir, "ckpt"))
model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, callbacks=[checkpoint])

model.save(os.path.join(workdir, "saved_model"))
model.save_weights(os.path.join(workdir, "weights_ckpt"))

reloaded = tf.keras.models.load_model(os.path.join(workdir, "saved_model"))
before = reloaded.predict(x[:4], verbose=0)
history = reloaded.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)

from_checkpoint = tf.keras.models.load_model(os.path.join(workdir, "ckpt"))

fresh = tf.keras.Sequential(
    [
        tf.keras.layers.Dense(8, activation="relu", input_shape=(4,)),
        tf.keras.layers.Dense(1),
    ]
)
fresh.load_weights(os.path.join(workdir, "weights_ckpt"))

emit(
    {
        "reloaded_predictions": before,
        "continued_loss_history": history.history["loss"],
        "continued_weights": reloaded.get_weights(),
        "checkpoint_predictions": from_checkpoint.predict(x[:4], verbose=0),
        "weights_file_predictions": fresh.predict(x[:4], verbose=0),
    }
)
