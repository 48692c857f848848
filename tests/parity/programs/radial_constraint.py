# parity: section=removed_features.radial_constraint
"""A Conv2D kernel constrained with keras.constraints.RadialConstraint."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

model = keras.Sequential(
    [
        keras.layers.Conv2D(
            2,
            (3, 3),
            kernel_constraint=keras.constraints.RadialConstraint(),
            input_shape=(5, 5, 1),
        ),
        keras.layers.Flatten(),
        keras.layers.Dense(1),
    ]
)
fill_weights(model, seed=18)
# Keras 2's RadialConstraint creates variables, so it only works eagerly.
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", run_eagerly=True)

rng = np.random.RandomState(9)
x = rng.uniform(-1, 1, (8, 5, 5, 1)).astype("float32")
y = x.mean(axis=(1, 2, 3))[:, None].astype("float32")
constraint = keras.constraints.RadialConstraint()
kernel = np.arange(36, dtype="float32").reshape(3, 3, 2, 2) / 10.0
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "constraint_applied": constraint(tf.constant(kernel)),
        "loss_history": history.history["loss"],
        "kernel_after": model.layers[0].get_weights()[0],
        "predictions": model.predict(x, verbose=0),
    }
)
