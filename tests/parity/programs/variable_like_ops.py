# parity: section=everyday.training_api
"""Weight surgery with tf.ones_like / tf.zeros_like of layer variables, in a file that
needs nothing else from the runtime, written from the usual "copy and reset weights"
recipe (found with keras-migrate verify: on JAX keras.ops.ones_like refused the
keras.Variable, "Could not convert <Variable ...>"). Variants: a kernel set to
`tf.ones_like(kernel) * c`, a bias reset with `tf.zeros_like(layer.bias)`, a metric-like
accumulator reset with `tf.zeros_like(self.total)`, then training on.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

rng = np.random.RandomState(61)
x = rng.randn(30, 4).astype("float32")
y = x.sum(axis=1, keepdims=True)


class Accumulate(keras.layers.Layer):
    def build(self, input_shape):
        self.total = self.add_weight(name="total", shape=(input_shape[-1],), initializer="zeros", trainable=False)

    def call(self, inputs):
        self.total.assign_add(tf.reduce_sum(inputs, axis=0))
        return inputs

    def reset(self):
        self.total.assign(tf.zeros_like(self.total))


acc = Accumulate()
model = keras.Sequential([keras.Input((4,)), acc, keras.layers.Dense(3, name="a"), keras.layers.Dense(1, name="b")])
fill_weights(model, seed=5)
model.compile(keras.optimizers.SGD(0.05), "mse")
model.fit(x, y, epochs=1, batch_size=10, verbose=0, shuffle=False)
seen = acc.total.numpy()
acc.reset()
model.get_layer("b").kernel.assign(tf.ones_like(model.get_layer("b").kernel) * 0.1)
model.layers[1].bias.assign(tf.zeros_like(model.layers[1].bias))
history = model.fit(x, y, epochs=2, batch_size=10, verbose=0, shuffle=False)
emit({"seen": seen, "history": history.history, "weights": model.get_weights(), "total": acc.total.numpy()})
