# parity: section=everyday.training_api
"""Keras 2 callback keywords Keras 3 dropped: ModelCheckpoint(period=N) (Keras 3:
TypeError), saving weights and whole models every N epochs, with save_best_only;
ReduceLROnPlateau(epsilon=...) (Keras 3 ignores it silently: the learning rate drops at
other epochs).
"""
import os
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

x = np.linspace(-1, 1, 96).reshape(24, 4).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5], [0.25]], "float32")).astype("float32")
model = keras.Sequential([keras.layers.Dense(6, activation="tanh", input_shape=(4,)), keras.layers.Dense(1)])
fill_weights(model, seed=1)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")

folder = tempfile.mkdtemp()
lrs = []
callbacks = [
    keras.callbacks.ModelCheckpoint(os.path.join(folder, "w.{epoch:02d}.h5"), save_weights_only=True, period=2),
    keras.callbacks.ModelCheckpoint(os.path.join(folder, "best.h5"), monitor="loss", save_best_only=True,
                                    save_weights_only=True, period=3),
    keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, epsilon=0.05, min_lr=1e-3),
    keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: lrs.append(
        float(keras.backend.get_value(model.optimizer.learning_rate)))),
]
history = model.fit(x, y, epochs=7, batch_size=6, verbose=0, shuffle=False, callbacks=callbacks).history
saved = sorted(name for name in os.listdir(folder) if name.startswith("w."))
probe = keras.models.clone_model(model)
probe.load_weights(os.path.join(folder, "w.04.h5"))
at_four = probe.predict(x[:4], verbose=0)
probe.load_weights(os.path.join(folder, "best.h5"))
best = probe.predict(x[:4], verbose=0)

emit({"loss": history["loss"], "lrs": lrs, "saved_epochs": [int(name[2:4]) for name in saved],
      "at_four": at_four, "best": best})
