# parity: section=everyday.regularizers
"""Recurrent layers regularized with Keras 2's l1_l2() defaults, the "l1_l2" string and l2(l=...).

Keras 2's regularizers.l1_l2() means l1=0.01, l2=0.01 (Keras 3's l1_l2 is the L1L2
class: 0.0, 0.0), the "l1_l2" string the same (unknown to Keras 3), and l2(l=...)
Keras 2's old keyword (a TypeError in Keras 3).
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import Model, layers, optimizers, regularizers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = layers.Input(shape=(6, 3))
sequence = layers.Bidirectional(
    layers.LSTM(4, return_sequences=True, kernel_regularizer=regularizers.l1_l2(),
                recurrent_regularizer=regularizers.l1_l2(l2=0.05), bias_regularizer="l1_l2")
)(inputs)
summary = layers.GRU(3, kernel_regularizer=regularizers.l1_l2(0.02), recurrent_regularizer=regularizers.l2(l=0.1))(sequence)
head = layers.SimpleRNN(2, recurrent_regularizer="l1_l2", bias_regularizer=regularizers.l1(l=0.3))(inputs)
outputs = layers.Dense(1)(layers.Concatenate()([summary, head]))
model = Model(inputs, outputs)
fill_weights(model, seed=51)

rng = np.random.RandomState(51)
x = rng.uniform(-1, 1, (12, 6, 3)).astype("float32")
y = x.sum(axis=(1, 2))[:, None].astype("float32") * 0.2
initial_losses = sorted(float(v) for v in model.losses)
model.compile(optimizer=optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit(x, y, batch_size=6, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "initial_losses": initial_losses,
        "loss_history": history.history["loss"],
        "eval_loss": model.evaluate(x, y, verbose=0),
        "final_losses": sorted(float(v) for v in model.losses),
        "predictions": model.predict(x, verbose=0),
    }
)
