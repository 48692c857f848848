# parity: section=removed_features.thresholded_relu
"""ThresholdedReLU, including inputs exactly at the threshold."""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Dense, ThresholdedReLU
from tensorflow.keras.models import Sequential

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

model = Sequential([Dense(6, input_shape=(3,)), ThresholdedReLU(theta=0.5), Dense(1)])
fill_weights(model, seed=13)
model.compile(optimizer="sgd", loss="mse")

edge = np.array([[-1.0, 0.0, 0.25, 0.5, 0.5000001, 0.75, 1.0, 3.0]], "float32")
rng = np.random.RandomState(5)
x = rng.uniform(-1, 1, (16, 3)).astype("float32")
y = np.tanh(x.sum(axis=1, keepdims=True)).astype("float32")
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "edge_values": ThresholdedReLU(theta=0.5)(edge),
        "default_theta": ThresholdedReLU()(edge),
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, verbose=0),
    }
)
