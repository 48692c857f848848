# parity: section=tf_autograph
"""Python if/for/while on tensor values inside a custom layer's call().

Keras 2 runs call() through TF autograph; Keras 3 does not.
"""
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class GatedScale(tf.keras.layers.Layer):
    def call(self, inputs):
        if tf.reduce_mean(inputs) > 0:
            outputs = inputs * 2.0
        else:
            outputs = inputs / 2.0
        total = tf.zeros_like(outputs)
        for i in tf.range(3):
            total += outputs * tf.cast(i + 1, outputs.dtype)
        while tf.reduce_max(tf.abs(total)) > 4.0:
            total = total / 2.0
        return total


model = tf.keras.Sequential(
    [
        GatedScale(input_shape=(3,)),
        tf.keras.layers.Dense(
            2,
            kernel_initializer=tf.keras.initializers.Constant(seeded_array((3, 2), 4)),
            bias_initializer="zeros",
        ),
    ]
)
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), loss="mse")

x = np.array(
    [[1.0, 2.0, 3.0], [0.5, 0.1, 0.2], [-1.0, -2.0, 0.5], [-0.3, 0.1, -0.2]], "float32"
)
y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.0, 0.0]], "float32")

before = model.predict(x, batch_size=2, verbose=0)
history = model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "predictions_before": before,
        "layer_positive_batch": model.layers[0](x[:2]),
        "layer_negative_batch": model.layers[0](x[2:]),
        "loss_history": history.history["loss"],
        "predictions_after": model.predict(x, batch_size=2, verbose=0),
    }
)
