# parity: section=everyday.training_api
"""TensorFlow 2's top-level aliases of Keras modules, written without `keras` in the
name: tf.optimizers, tf.losses, tf.metrics, tf.initializers are tf.keras's. Variants:
an optimizer with a schedule from tf.optimizers.schedules, a loss object and the short
function alias tf.losses.mse as a metric, a metric object with an argument, an
initializer function called; a second model compiled with `from tensorflow import
losses` names.
"""
import numpy as np
import tensorflow as tf
from tensorflow import losses

from parity_io import emit, fill_weights

x = np.linspace(-1.0, 1.0, 48, dtype="float32").reshape(12, 4)
y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")

model = tf.keras.Sequential([
    tf.keras.layers.Dense(3, activation="relu", input_shape=(4,)),
    tf.keras.layers.Dense(1, bias_initializer=tf.initializers.constant(0.25)),
])
fill_weights(model, seed=5)
schedule = tf.optimizers.schedules.InverseTimeDecay(0.05, decay_steps=2, decay_rate=0.5)
model.compile(optimizer=tf.optimizers.Adam(schedule),
              loss=tf.losses.BinaryCrossentropy(from_logits=True),
              metrics=[tf.metrics.BinaryAccuracy(threshold=0.0), tf.losses.mse])
history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)

regressor = tf.keras.Sequential([tf.keras.layers.Dense(2, kernel_initializer=tf.initializers.zeros(), input_shape=(4,))])
regressor.compile(optimizer=tf.optimizers.SGD(0.1), loss=losses.MeanAbsoluteError(), metrics=[losses.mae])
targets = np.stack([x[:, 0] - x[:, 1], x[:, 2] * 2.0], axis=1)
regression = regressor.fit(x, targets, batch_size=6, epochs=2, shuffle=False, verbose=0)

emit({
    "history": history.history,
    "regression": regression.history,
    "pred": model.predict(x, verbose=0),
    "weights": regressor.get_weights(),
})
