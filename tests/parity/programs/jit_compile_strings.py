# parity: section=jit_compile
# parity: tensorflow_only=tf.strings ops inside the model's call() have no keras.ops equivalent
"""A subclassed model that parses numbers through strings inside call().

Keras 3 compiles train/predict steps with XLA by default (jit_compile="auto"),
and XLA cannot compile tf.strings ops.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class StringRoundTrip(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(
            2,
            kernel_initializer=keras.initializers.Constant(seeded_array((3, 2), 1)),
            bias_initializer="zeros",
        )

    def call(self, inputs):
        # tf.strings ops aren't supported by XLA
        string_input = tf.strings.as_string(inputs, precision=3)
        numbers = tf.strings.to_number(string_input)
        return self.dense(numbers)


x_train = np.array([[1, 2, 3], [4, 5, 6], [0.5, 0.25, 0.125], [-1, 0, 1]], "float32")
y_train = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], "float32")

model = StringRoundTrip()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
history = model.fit(x_train, y_train, batch_size=4, epochs=3, shuffle=False, verbose=0)

emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(x_train, verbose=0),
        "kernel": model.dense.get_weights()[0],
    }
)
