# parity: section=everyday.training_api
"""compile(sample_weight_mode="temporal") (gone from Keras 3) with per-timestep sample
weights: zero weights masking the first steps, doubled weights on one sequence, in fit
and evaluate, with metrics and weighted metrics; and sample_weight_mode=None with
per-sample weights.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

xs = np.linspace(0, 1, 60).reshape(6, 5, 2).astype("float32")
ys = xs[:, :, :1] * 0.5
w = np.ones((6, 5), "float32")
w[:, :2] = 0.0
w[0] = 2.0

model = keras.Sequential([keras.layers.LSTM(3, return_sequences=True, input_shape=(5, 2)),
                          keras.layers.TimeDistributed(keras.layers.Dense(1))])
fill_weights(model, seed=1)
model.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mse"], sample_weight_mode="temporal")
history = model.fit(xs, ys, sample_weight=w, epochs=2, batch_size=4, verbose=0, shuffle=False).history
evaluated = model.evaluate(xs, ys, sample_weight=w, verbose=0)

flat = keras.Sequential([keras.layers.Dense(2, input_shape=(10,)), keras.layers.Dense(1)])
fill_weights(flat, seed=2)
flat.compile(optimizer="adam", loss="mae", sample_weight_mode=None)
flat_history = flat.fit(xs.reshape(6, 10), ys[:, 0], sample_weight=np.arange(1, 7, dtype="float32"), epochs=2,
                        batch_size=3, verbose=0, shuffle=False).history

emit({"history": history, "evaluated": evaluated, "flat_history": flat_history, "weights": model.weights})
