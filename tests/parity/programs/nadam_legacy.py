# parity: section=everyday.training_api
"""Keras 2's legacy Nadam (the only Nadam before TF 2.11): fit with the module path, a
from-import with positional arguments, lr= and decay= (decay is overwritten by the
legacy schedule_decay), schedule_decay itself, and a tf.function training loop."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.optimizers.legacy import Nadam

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(11)
x = rng.uniform(-1, 1, (48, 5)).astype("float32")
y = (np.sin(x @ rng.normal(size=(5, 2))) + 0.1).astype("float32")


def make(seed):
    model = keras.Sequential([keras.layers.Dense(6, activation="tanh", input_shape=(5,)),
                              keras.layers.Dense(6, activation="relu"), keras.layers.Dense(2)])
    fill_weights(model, seed=seed)
    return model


optimizers = {
    "module_path": tf.keras.optimizers.legacy.Nadam(learning_rate=0.01),
    "positional": Nadam(0.02, 0.8, 0.99),
    "lr_and_decay": keras.optimizers.legacy.Nadam(lr=0.03, decay=1e-2, epsilon=1e-5),
    "schedule_decay": Nadam(learning_rate=0.01, schedule_decay=0.05, clipnorm=1.0),
}
results = {}
for i, (key, optimizer) in enumerate(optimizers.items()):
    model = make(seed=3 + i)
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(x, y, batch_size=12, epochs=4, shuffle=False, verbose=0)
    results[key + "_loss"] = history.history["loss"]
    results[key + "_weights"] = model.get_weights()

model = make(seed=9)
optimizer = Nadam(learning_rate=0.02)
loss_fn = keras.losses.MeanSquaredError()


@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, model(xb, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


losses = []
for epoch in range(3):
    for start in range(0, 48, 16):
        losses.append(train_step(x[start:start + 16], y[start:start + 16]))
results["loop_losses"] = losses
results["loop_weights"] = model.get_weights()
emit(results)
