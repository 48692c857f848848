# parity: section=tf_autograph
# parity: tensorflow_only=JAX cannot differentiate the while loop over the layer's weight, and get_concrete_function() needs the tf.function
"""Constructs only TensorFlow runs: the migrator must say so, and TensorFlow must still match.

A tf.while_loop whose loop value depends on a trainable weight (trained
through, which JAX's while loop cannot differentiate), and a tf.function whose
concrete function the program asks for.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class ScaledHalving(layers.Layer):
    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(), initializer=keras.initializers.Constant(1.5))

    def call(self, x):
        y = x * self.scale
        y, = tf.while_loop(lambda t: tf.reduce_max(tf.abs(t)) > 3.0, lambda t: (t / 2.0,), (y,))
        return y


model = keras.Sequential(
    [
        keras.Input(shape=(3,)),
        ScaledHalving(),
        layers.Dense(2, kernel_initializer=keras.initializers.Constant(seeded_array((3, 2), 9))),
    ]
)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")


@tf.function
def serve(batch):
    return model(batch, training=False)


concrete = serve.get_concrete_function(tf.TensorSpec([None, 3], tf.float32))
x = np.array([[1.0, 2.0, 3.0], [-4.0, 0.5, 1.0], [5.0, -6.0, 2.0], [0.1, 0.2, -0.3]], "float32")
y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.0, 0.0]], "float32")
served_before = concrete(tf.constant(x))
history = model.fit(x, y, batch_size=2, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "served_before": served_before,
        "loss_history": history.history["loss"],
        "scale": model.layers[0].scale,
        "served_after": serve(tf.constant(x)),
    }
)
