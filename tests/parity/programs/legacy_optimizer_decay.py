# parity: section=everyday.optimizers
"""Legacy optimizers with a time-based `decay` (handson-ml2 ch. 11's power scheduling:
optimizers.legacy.SGD(learning_rate=0.01, decay=1e-4)): Keras 2 divided the rate by
(1 + decay * iterations) at every step."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(8)
x = rng.uniform(-1, 1, size=(32, 4)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32")).astype("float32")

results = {}
for name, optimizer in (
        ("sgd", keras.optimizers.legacy.SGD(learning_rate=0.2, decay=0.5)),
        ("adam", keras.optimizers.legacy.Adam(0.05, decay=0.2)),
        ("rmsprop", keras.optimizers.legacy.RMSprop(decay=0.3)),
):
    model = keras.Sequential([keras.layers.Dense(3, activation="tanh", input_shape=(4,)), keras.layers.Dense(1)])
    fill_weights(model, seed=5)
    model.compile(loss="mse", optimizer=optimizer)
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    results[name] = {"loss": history.history["loss"], "kernel": model.layers[-1].get_weights()[0].tolist()}
emit(results)
