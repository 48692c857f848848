# parity: section=state_building
"""TensorShape methods in build()/call()/compute_output_shape() (tuples in Keras 3)."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Projection(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        input_shape = tf.TensorShape(input_shape)
        input_shape.assert_has_rank(2)
        features = input_shape.as_list()[-1]
        self.kernel = self.add_weight(name="kernel", shape=(features, self.units), initializer="ones")
        self.scale = self.add_weight(name="scale", shape=(input_shape.rank,), initializer="ones")

    def call(self, inputs):
        width = inputs.shape.as_list()[-1]
        return tf.matmul(inputs, self.kernel) / float(width) * self.scale[0]

    def compute_output_shape(self, input_shape):
        return tf.TensorShape(input_shape[:-1].as_list() + [self.units])


class MaskedDense(layers.Layer):
    """keras-io vq_vae style: a mask built from the kernel's get_shape()."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)

    def build(self, input_shape):
        self.dense.build(input_shape)
        kernel_shape = self.dense.kernel.get_shape()
        self.mask = np.zeros(shape=kernel_shape, dtype="float32")
        self.mask[: kernel_shape[0] // 2, ...] = 1.0
        self.mask[kernel_shape[0] // 2, : kernel_shape[1] // 2] = 1.0

    def call(self, inputs):
        return tf.matmul(inputs, self.dense.kernel * self.mask) + self.dense.bias


inputs = keras.Input(shape=(6,))
hidden = Projection(5)(inputs)
outputs = MaskedDense(3)(hidden)
model = keras.Model(inputs, outputs)
fill_weights(model, seed=17)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")

rng = np.random.RandomState(6)
x = rng.uniform(-1, 1, (10, 6)).astype("float32")
y = rng.uniform(-1, 1, (10, 3)).astype("float32")
history = model.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, verbose=0),
        "output_shape": list(Projection(7).compute_output_shape(tf.TensorShape((4, 6)))),
    }
)
