# parity: section=removed_features.random_fourier_features
"""RandomFourierFeatures (keras.layers.experimental) feeding a linear head."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.layers.experimental import RandomFourierFeatures

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rff = RandomFourierFeatures(output_dim=16, kernel_initializer="gaussian", scale=2.0)
model = keras.Sequential([keras.Input(shape=(4,)), rff, keras.layers.Dense(2)])
fill_weights(model, seed=17)
rff.kernel_scale.assign([2.0])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")

rng = np.random.RandomState(8)
x = rng.uniform(-1, 1, (10, 4)).astype("float32")
y = np.stack([np.sin(x.sum(axis=1)), np.cos(x[:, 0])], axis=1).astype("float32")
initial = model.predict(x, verbose=0)
history = model.fit(x, y, batch_size=10, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "initial_predictions": initial,
        "loss_history": history.history["loss"],
        "kernel_scale_after": rff.kernel_scale,
        "features": rff(x),
    }
)
