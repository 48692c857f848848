# parity: section=tf_variable_tracking
"""A custom layer that keeps tf.Variable attributes (trainable and not)."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class MyCustomLayer(keras.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.w = tf.Variable(
            initial_value=seeded_array((input_dim, self.units), 6), name="w"
        )
        self.b = tf.Variable(initial_value=tf.zeros([self.units]), name="b")
        self.scale = tf.Variable(2.0, trainable=False, name="scale")

    def call(self, inputs):
        return tf.matmul(inputs, self.w) * self.scale + self.b


layer = MyCustomLayer(3)
model = keras.models.Sequential([keras.Input(shape=(3,)), layer])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")

rng = np.random.RandomState(2)
data = rng.uniform(size=[6, 3]).astype("float32")
target = rng.uniform(size=[6, 3]).astype("float32")
history = model.fit(data, target, batch_size=6, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "num_trainable_weights": len(model.trainable_weights),
        "num_weights": len(model.weights),
        "loss_history": history.history["loss"],
        "w_after_fit": layer.w,
        "b_after_fit": layer.b,
        "predictions": model.predict(data, verbose=0),
    }
)
