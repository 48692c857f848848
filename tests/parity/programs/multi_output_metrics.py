# parity: section=multi_output_evaluate
"""A two-output model compiled with one flat metrics list, evaluate() unpacked.

Keras 2 applies every metric of a flat list to every output and evaluate()
returns [loss, out1_loss, out2_loss, out1_m1, out1_m2, out2_m1, out2_m2].
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = layers.Input(shape=(6,))
hidden = layers.Dense(4, activation="tanh")(inputs)
score = layers.Dense(2, name="score")(hidden)
offset = layers.Dense(3, name="offset")(inputs)
model = keras.Model(inputs=inputs, outputs=[score, offset])
fill_weights(model, seed=21)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss="mse",
    metrics=["mae", keras.metrics.RootMeanSquaredError()],
)

rng = np.random.RandomState(5)
x = rng.uniform(-1, 1, size=(12, 6)).astype("float32")
y_score = rng.uniform(-1, 1, size=(12, 2)).astype("float32")
y_offset = rng.uniform(-1, 1, size=(12, 3)).astype("float32")

results = model.evaluate(x, [y_score, y_offset], batch_size=12, verbose=0)
loss, score_loss, offset_loss, score_mae, score_rmse, offset_mae, offset_rmse = results
history = model.fit(x, [y_score, y_offset], batch_size=12, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "num_results": len(results),
        "loss": loss,
        "score_loss": score_loss,
        "offset_loss": offset_loss,
        "score_mae": score_mae,
        "score_rmse": score_rmse,
        "offset_mae": offset_mae,
        "offset_rmse": offset_rmse,
        "fit_offset_mae": history.history["offset_mae"],
        "fit_loss": history.history["loss"],
    }
)
