# parity: section=everyday.training_api
"""lr= on the legacy optimizers (honoured by Keras 2) and lr= next to learning_rate= (one of them ignored)."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(9)
x = rng.uniform(-1, 1, (16, 3)).astype("float32")
y = np.cos(x.sum(axis=1, keepdims=True)).astype("float32")

optimizers = {
    "legacy_sgd_lr": keras.optimizers.legacy.SGD(lr=0.05, momentum=0.5),
    "legacy_both": tf.keras.optimizers.legacy.SGD(learning_rate=0.5, lr=0.02),
    "new_both": keras.optimizers.SGD(0.03, lr=0.9),
    "new_both_keywords": keras.optimizers.SGD(learning_rate=0.04, lr=0.9, momentum=0.2),
}
results = {}
for key, optimizer in optimizers.items():
    model = keras.Sequential([keras.layers.Dense(4, activation="tanh", input_shape=(3,)), keras.layers.Dense(1)])
    fill_weights(model, seed=1)
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    results[key + "_loss"] = history.history["loss"]
    results[key + "_rate"] = model.optimizer.learning_rate
emit(results)
