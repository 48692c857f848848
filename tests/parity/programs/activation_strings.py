# parity: section=everyday.activations
"""Activations Keras 2 accepted by class name ("LeakyReLU", ...), its hard_sigmoid, ConvLSTM's default."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.activations import hard_sigmoid

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

edge = np.array([[-4.0, -2.5, -1.0, 0.0, 0.5, 1.0, 1.5, 3.0]], "float32")

model = keras.Sequential(
    [
        layers.Dense(8, activation="LeakyReLU", input_shape=(4,)),
        layers.Dense(8, activation="ELU"),
        layers.Dense(8, "ReLU"),
        layers.Dense(8, activation="ThresholdedReLU"),
        layers.Activation("hard_sigmoid"),
        layers.Reshape((2, 4)),
        layers.LSTM(4, recurrent_activation="hard_sigmoid", return_sequences=True),
        layers.GRU(3, recurrent_activation=hard_sigmoid),
        layers.Dense(3, activation="Softmax"),
    ]
)
fill_weights(model, seed=5)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="categorical_crossentropy")

conv = keras.Sequential([layers.ConvLSTM1D(2, 3, padding="same", input_shape=(3, 5, 2)), layers.Flatten()])
fill_weights(conv, seed=6)

rng = np.random.RandomState(2)
x = rng.uniform(-2, 2, (8, 4)).astype("float32")
y = np.eye(3, dtype="float32")[rng.randint(0, 3, 8)]
history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
frames = rng.uniform(-3, 3, (2, 3, 5, 2)).astype("float32")
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, verbose=0),
        "conv_lstm": conv.predict(frames, verbose=0),
        "hard_sigmoid_values": keras.activations.hard_sigmoid(tf.constant(edge)),
        "leaky_values": layers.Activation("LeakyReLU")(edge),
        "relu_alpha": keras.activations.relu(tf.constant(edge), alpha=0.1, max_value=2.0),
    }
)
