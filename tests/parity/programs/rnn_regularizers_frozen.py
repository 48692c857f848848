# parity: section=everyday.regularizers
"""A frozen, regularized recurrent encoder under a trainable head (transfer learning).

Keras 3 leaves the penalties of non-trainable weights out of model.losses and of the
training loss, which Keras 2 kept: the migrator diagnoses it (KM161) and the reported
loss differs by that constant, so only what trains the same is emitted here: the
trainable head's penalty, the weights after training and the predictions.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

encoder = keras.layers.Bidirectional(
    keras.layers.GRU(4, kernel_regularizer=keras.regularizers.l2(0.1), recurrent_regularizer=keras.regularizers.l2(0.1))
)
inputs = keras.Input(shape=(5, 3))
head = keras.layers.Dense(1, kernel_regularizer=keras.regularizers.l2(0.05))
model = keras.Model(inputs, head(encoder(inputs)))
fill_weights(model, seed=53)
encoder.trainable = False

rng = np.random.RandomState(53)
x = rng.uniform(-1, 1, (12, 5, 3)).astype("float32")
y = rng.uniform(-1, 1, (12, 1)).astype("float32")
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
model.fit(x, y, batch_size=6, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "head_penalty": [float(v) for v in head.losses],
        "weights": [w for layer in model.layers for w in layer.get_weights()],
        "predictions": model.predict(x, verbose=0),
    }
)
