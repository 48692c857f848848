# parity: section=removed_features.symbolic_add_loss
"""A functional model with symbolic add_loss() terms added after construction."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = keras.Input(shape=(4,))
hidden = keras.layers.Dense(3, activation="tanh")(inputs)
outputs = keras.layers.Dense(1)(hidden)
model = keras.Model(inputs, outputs)
model.add_loss(0.1 * tf.reduce_mean(tf.square(hidden)))
model.add_loss(0.05 * tf.reduce_mean(tf.abs(outputs)))
fill_weights(model, seed=14)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")

rng = np.random.RandomState(6)
x = rng.uniform(-1, 1, (12, 4)).astype("float32")
y = rng.uniform(-1, 1, (12, 1)).astype("float32")
initial = model.evaluate(x, y, batch_size=12, verbose=0)
history = model.fit(x, y, batch_size=12, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "initial_loss": initial,
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, verbose=0),
    }
)
