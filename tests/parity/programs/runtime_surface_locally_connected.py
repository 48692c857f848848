# parity: section=removed_features.locally_connected
"""What code touches on locally connected layers besides their numbers.

Layers looked up by name, their output_shape / input_shape, get_config()
values, weights set from a list in Keras 2's order, a model cloned from its
config, and training.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense, Flatten, LocallyConnected1D, LocallyConnected2D, Reshape
from tensorflow.keras.models import clone_model
from tensorflow.keras.optimizers import SGD

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

model = Sequential(
    [
        LocallyConnected2D(3, (2, 2), input_shape=(5, 5, 2), implementation=2, activation="relu", name="local2d"),
        Reshape((16, 3)),
        LocallyConnected1D(2, 3, strides=2, implementation=1, name="local1d"),
        LocallyConnected1D(2, 2, padding="same", implementation=3, name="local1d_sparse"),
        Flatten(),
        Dense(1, name="out"),
    ]
)
model.set_weights([seeded_array(w.shape, seed=90 + i) for i, w in enumerate(model.get_weights())])

local2d = model.get_layer("local2d")
local1d = model.get_layer("local1d")
config = local1d.get_config()
clone = clone_model(model)
clone.set_weights(model.get_weights())

rng = np.random.RandomState(12)
x = rng.uniform(-1, 1, (6, 5, 5, 2)).astype("float32")
y = rng.uniform(-1, 1, (6, 1)).astype("float32")
model.compile(optimizer=SGD(learning_rate=0.05), loss="mse")
history = model.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "output_shapes": [list(model.get_layer(n).output_shape[1:]) for n in ("local2d", "local1d", "local1d_sparse")],
        "input_shapes": [list(local2d.input_shape[1:]), list(local1d.input_shape[1:])],
        "config": [config["filters"], list(config["kernel_size"]), list(config["strides"]),
                   config["implementation"], float(config["padding"] == "valid")],
        "weight_shapes": [list(w.shape) for w in model.get_weights()],
        "trainable_count": len(model.trainable_weights),
        "clone_predictions": clone.predict(x, verbose=0),
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, verbose=0),
    }
)
