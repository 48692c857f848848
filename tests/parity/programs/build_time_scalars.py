# parity: section=state_building
"""Scalars a layer computes in build() from Python numbers (keras.io StyleGAN's
equalized learning rate: `self.scale = tf.sqrt(gain / fan_in)`), in layers first
built inside a training step (a subclassed model's call), then trained again after a
second compile (a new traced step). Variants: sqrt of the fan-in, exp of a decay rate,
a convolution's kernel-size fan-in.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

tf.random.set_seed(0)


class EqualizedDense(layers.Layer):
    def __init__(self, units, gain=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.gain = gain

    def build(self, input_shape):
        self.in_channels = input_shape[-1]
        self.w = self.add_weight(shape=[self.in_channels, self.units], initializer="ones", name="kernel")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        fan_in = self.in_channels
        self.scale = tf.sqrt(self.gain / fan_in)
        self.decay = tf.math.exp(-1.0 / self.units)

    def call(self, inputs):
        return (tf.matmul(inputs, self.scale * self.w) + self.b) * self.decay


class EqualizedConv(layers.Layer):
    def __init__(self, out_channels, kernel=3, gain=2, **kwargs):
        super().__init__(**kwargs)
        self.kernel = kernel
        self.out_channels = out_channels
        self.gain = gain

    def build(self, input_shape):
        self.in_channels = input_shape[-1]
        self.w = self.add_weight(shape=[self.kernel, self.kernel, self.in_channels, self.out_channels],
                                 initializer="ones", name="kernel")
        fan_in = self.kernel * self.kernel * self.in_channels
        self.scale = tf.sqrt(self.gain / fan_in)

    def call(self, inputs):
        return tf.nn.conv2d(inputs, self.scale * self.w, strides=1, padding="SAME")


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = EqualizedConv(3)
        self.flat = layers.Flatten()
        self.dense = EqualizedDense(2)

    def call(self, x):
        return self.dense(self.flat(tf.nn.leaky_relu(self.conv(x), 0.2)))


rng = np.random.RandomState(111)
images = rng.uniform(-1, 1, (16, 4, 4, 2)).astype("float32")
targets = rng.normal(size=(16, 2)).astype("float32")
model = Net()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
first = model.fit(images, targets, batch_size=8, epochs=1, shuffle=False, verbose=0)
fill_weights(model, seed=111)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.005), loss="mse")
second = model.fit(images, targets, batch_size=8, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "second": second.history["loss"],
        "predict": model.predict(images, batch_size=8, verbose=0),
        "weights": model.get_weights(),
    }
)
