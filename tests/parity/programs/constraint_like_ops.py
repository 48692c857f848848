# parity: section=everyday.constraints
"""Weight constraints written with tf.zeros_like / tf.ones_like on the weight they
receive (a function passed as kernel_constraint=, a lambda, a Constraint subclass), and
tensors shaped like the items of model.trainable_variables (a comprehension, a loop over
zip): each is a variable, which JAX's keras.ops refused in a file importing no runtime."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


def non_negative_rows(w):
    return tf.where(w < 0.0, tf.zeros_like(w), w)


class CappedAt(keras.constraints.Constraint):
    def __init__(self, cap):
        self.cap = cap

    def __call__(self, weight):
        return tf.minimum(weight, self.cap * tf.ones_like(weight))


rng = np.random.RandomState(41)
x = rng.normal(size=(32, 4)).astype("float32")
y = (x @ rng.normal(size=(4, 1)) + 0.3).astype("float32")

model = keras.Sequential(
    [
        layers.Dense(3, activation="tanh", kernel_constraint=non_negative_rows, input_shape=(4,)),
        layers.Dense(3, kernel_constraint=CappedAt(0.2), bias_constraint=lambda b: tf.maximum(b, tf.zeros_like(b))),
        layers.Dense(1),
    ]
)
fill_weights(model, seed=42)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)

scale = [tf.ones_like(w) * 2.0 for w in model.trainable_weights]
zeros = {}
for layer, w in zip(model.layers, model.trainable_variables):
    zeros[layer.name] = tf.zeros_like(w) + 1.0

emit(
    {
        "history": history.history["loss"],
        "weights": model.get_weights(),
        "predictions": model.predict(x[:4], verbose=0),
        "scale_sums": [float(tf.reduce_sum(s)) for s in scale],
        "zeros_sums": [float(tf.reduce_sum(z)) for z in zeros.values()],
    }
)
