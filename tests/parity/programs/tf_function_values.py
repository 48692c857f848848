# parity: section=keras_ops.other_ops
"""TensorFlow functions passed as values: activation=tf.nn.*, Lambda(tf.math.l2_normalize), map(tf.reduce_sum)."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = keras.Input(shape=(6,))
gelu = layers.Dense(8, activation=tf.nn.gelu)(inputs)  # exact gelu, as in TF
elu = layers.Dense(8, activation=tf.nn.elu)(gelu)
relu = layers.Dense(8, activation=tf.nn.relu)(elu)
leaky = layers.Dense(8, activation=tf.nn.leaky_relu)(relu)
normalized = layers.Lambda(tf.math.l2_normalize)(leaky)  # over all axes: the whole batch
selu = layers.Dense(8, activation=tf.nn.selu)(normalized)
outputs = layers.Dense(3, activation=tf.nn.softmax)(selu)
model = keras.Model(inputs, outputs)
# every hidden activation, scaled up so that small differences show
probe = keras.Model(inputs, [gelu, elu, relu, leaky, normalized, selu])
fill_weights(model, seed=21)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="categorical_crossentropy")

rng = np.random.RandomState(3)
data = rng.uniform(-4, 4, (16, 6)).astype("float32")
labels = np.eye(3, dtype="float32")[rng.randint(0, 3, 16)]
history = model.fit(data, labels, batch_size=16, epochs=3, shuffle=False, verbose=0)
predictions = model.predict(data, batch_size=16, verbose=0)
columns = [predictions[:, i] for i in range(3)]
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": predictions,
        "hidden": probe.predict(data, batch_size=16, verbose=0),
        "column_sums": list(map(tf.reduce_sum, columns)),
        "column_max": [tf.reduce_max(c) for c in columns],
    }
)
