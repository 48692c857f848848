# parity: section=tf_ops_on_keras_tensors
"""A functional model built with TF ops applied directly to symbolic tensors."""
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = tf.keras.layers.Input(shape=(4, 3))
pooled = tf.concat(
    [tf.reduce_mean(inputs, axis=1), tf.reduce_max(inputs, axis=1)], axis=-1
)
x = tf.keras.layers.Dense(4)(pooled)
x = tf.nn.relu(x)
x = tf.expand_dims(x, axis=-1)
x = tf.squeeze(x, axis=-1)
x = tf.math.square(x) + tf.abs(pooled[:, :4])
outputs = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs, outputs)
fill_weights(model, seed=8)
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.01), loss="mse")

rng = np.random.RandomState(3)
data = rng.uniform(-1, 1, (8, 4, 3)).astype("float32")
target = data.sum(axis=(1, 2))[:, None].astype("float32")
history = model.fit(data, target, batch_size=8, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(data, verbose=0),
    }
)
