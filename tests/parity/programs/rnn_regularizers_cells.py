# parity: section=everyday.regularizers
"""Regularized RNN cells (RNN(cell), stacked cells, Bidirectional) in a Sequential model,
spelled tf.keras.*: the spellings Keras 3 keeps, with the same penalties."""
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

cells = [
    tf.keras.layers.GRUCell(4, kernel_regularizer="l2", recurrent_regularizer=tf.keras.regularizers.L1L2(l1=0.01, l2=0.02)),
    tf.keras.layers.LSTMCell(3, bias_regularizer=tf.keras.regularizers.L2(0.2)),
]
model = tf.keras.Sequential([
    tf.keras.Input(shape=(5, 2)),
    tf.keras.layers.RNN(cells, return_sequences=True),
    tf.keras.layers.Bidirectional(
        tf.keras.layers.SimpleRNN(2, kernel_regularizer=tf.keras.regularizers.l1(0.05), recurrent_regularizer="l1"),
        merge_mode="ave",
    ),
    tf.keras.layers.Dense(1, kernel_regularizer=tf.keras.regularizers.l2(0.01)),
])
fill_weights(model, seed=52)

rng = np.random.RandomState(52)
x = rng.uniform(-1, 1, (10, 5, 2)).astype("float32")
y = (x[:, :, 0] - x[:, :, 1]).mean(axis=1, keepdims=True).astype("float32")
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mae", metrics=["mse"])
history = model.fit(x, y, batch_size=5, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "losses": sorted(float(v) for v in model.losses),
        "loss_history": history.history["loss"],
        "mse_history": history.history["mse"],
        "weights": [w for layer in model.layers for w in layer.get_weights()],
    }
)
