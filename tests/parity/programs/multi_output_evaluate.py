# parity: section=multi_output_evaluate
"""evaluate() of a two-output model, reading the per-output losses it returns."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = layers.Input(shape=(10,))
x1 = layers.Dense(5, activation="relu")(inputs)
x2 = layers.Dense(5, activation="relu")(x1)
output_1 = layers.Dense(5, activation="softmax", name="output_1")(x1)
output_2 = layers.Dense(5, activation="softmax", name="output_2")(x2)
model = keras.Model(inputs=inputs, outputs=[output_1, output_2])
fill_weights(model, seed=2)
model.compile(optimizer="adam", loss="categorical_crossentropy")

rng = np.random.RandomState(0)
x_test = rng.uniform(size=[10, 10]).astype("float32")
y_test_1 = np.eye(5, dtype="float32")[rng.randint(0, 5, size=10)]
y_test_2 = np.eye(5, dtype="float32")[rng.randint(0, 5, size=10)]
# Labels are distributions: with unnormalised labels Keras 2's fused softmax
# cross-entropy has a different gradient (TF's kernel assumes they sum to 1).
y_test_1 /= y_test_1.sum(axis=1, keepdims=True)
y_test_2 /= y_test_2.sum(axis=1, keepdims=True)

total_loss, loss_1, loss_2 = model.evaluate(x_test, [y_test_1, y_test_2], verbose=0)
named = model.evaluate(x_test, [y_test_1, y_test_2], verbose=0, return_dict=True)
history = model.fit(x_test, [y_test_1, y_test_2], batch_size=10, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "total_loss": total_loss,
        "output_1_loss": loss_1,
        "output_2_loss": loss_2,
        "named_output_1_loss": named["output_1_loss"],
        "named_output_2_loss": named["output_2_loss"],
        "fit_output_2_loss": history.history["output_2_loss"],
        "fit_loss": history.history["loss"],
    }
)
