# parity: section=removed_features.locally_connected
"""LocallyConnected1D and LocallyConnected2D in small trained models."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

model_1d = keras.Sequential(
    [
        layers.LocallyConnected1D(3, 2, activation="relu", input_shape=(6, 2)),
        layers.Flatten(),
        layers.Dense(1),
    ]
)
model_2d = keras.Sequential(
    [
        layers.LocallyConnected2D(2, (2, 2), strides=(1, 1), input_shape=(4, 4, 1)),
        layers.Flatten(),
        layers.Dense(1),
    ]
)
fill_weights(model_1d, seed=15)
fill_weights(model_2d, seed=16)

rng = np.random.RandomState(7)
x1 = rng.uniform(-1, 1, (8, 6, 2)).astype("float32")
y1 = x1.mean(axis=(1, 2))[:, None].astype("float32")
x2 = rng.uniform(-1, 1, (8, 4, 4, 1)).astype("float32")
y2 = x2.max(axis=(1, 2, 3))[:, None].astype("float32")

results = {
    "lc1d_initial": model_1d.predict(x1, verbose=0),
    "lc2d_initial": model_2d.predict(x2, verbose=0),
}
for name, model, x, y in (("lc1d", model_1d, x1, y1), ("lc2d", model_2d, x2, y2)):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    results[name + "_loss_history"] = history.history["loss"]
    results[name + "_kernel_after"] = model.layers[0].get_weights()[0]
emit(results)
