# parity: section=everyday.training_api
# parity: atol=1e-4 rtol=1e-3 reason=float16 arithmetic: JAX float16 kernels round differently from TensorFlow (without the rule the step counts differ and losses move by far more)
"""float16 training whose first steps overflow under loss scaling (skipped, scale
halved): Adam's bias correction and a step-based learning-rate schedule see the
skipped steps as Keras 2 counted them; the policy set back to float32 after."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import mixed_precision

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(17)
x = rng.normal(size=(32, 6)).astype("float32")
y = (rng.normal(size=(32, 1)) * 20).astype("float32")  # large losses: the first scaled steps overflow
results = {}

mixed_precision.set_global_policy("mixed_float16")
schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.5)
for key, optimizer in (("adam", keras.optimizers.Adam(0.01)), ("sgd_schedule", keras.optimizers.SGD(schedule))):
    inputs = keras.Input((6,))
    h = keras.layers.Dense(16, activation="relu")(inputs)
    h = keras.layers.BatchNormalization()(h)
    out = keras.layers.Dense(1, dtype="float32")(h)
    model = keras.Model(inputs, out)
    fill_weights(model, seed=5)
    model.compile(optimizer, "mse")
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    results[key + "_loss"] = history.history["loss"]
    results[key + "_iterations"] = int(model.optimizer.iterations.numpy())
    results[key + "_weights"] = model.get_weights()
mixed_precision.set_global_policy("float32")
plain = keras.Sequential([keras.layers.Dense(1, input_shape=(6,))])
results["plain_is_float32"] = float(plain.layers[0].compute_dtype == "float32")
emit(results)
