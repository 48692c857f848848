# parity: section=keras_ops.tf_ops_long_tail
"""The batch size read off a KerasTensor's shape while a functional model is built,
written from a user's raw-TF functional model (found with keras-migrate verify, stop 35:
Keras 3 gives None there, and the reshape failed on every backend): inline in a
reshape's target shape, a name used by two reshapes, a keyword shape, the backend's
K.shape / K.reshape, and a static size read the same way (an int in Keras 3, left as it is).
"""
import numpy as np
import tensorflow as tf
from tensorflow.keras import backend as K

from parity_io import emit, fill_weights

rng = np.random.RandomState(21)
x = rng.rand(40, 12).astype("float32")
y = (x[:, :6].sum(axis=1, keepdims=True) - x[:, 6:].sum(axis=1, keepdims=True)).astype("float32")

inputs = tf.keras.Input(shape=(12,))
batch = tf.shape(inputs)[0]
seq = tf.reshape(inputs, (batch, 4, 3))
pooled = tf.reshape(tf.reduce_mean(seq, axis=1), [batch, 3])
pairs = tf.reshape(inputs, shape=(tf.shape(inputs)[0], 6, 2))
steps = tf.shape(inputs)[1]
halves = K.reshape(K.max(pairs, axis=-1), (K.shape(inputs)[0], 2, 3))
flat = tf.reshape(halves, (-1, 6))
thirds = tf.reduce_sum(tf.reshape(inputs, (-1, steps // 3, 3)), axis=1)
h = tf.concat([pooled, flat, thirds], axis=-1)
outputs = tf.keras.layers.Dense(1)(tf.keras.layers.Dense(8, activation="tanh")(h))
model = tf.keras.Model(inputs, outputs)
fill_weights(model, seed=9)
model.compile(optimizer=tf.keras.optimizers.SGD(0.05), loss="mse")
history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=False)
emit({"history": history.history, "predictions": model.predict(x[:5], verbose=0),
      "odd_batch": model.predict(x[:3], batch_size=3, verbose=0)})
