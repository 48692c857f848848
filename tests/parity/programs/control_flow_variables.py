# parity: section=tf_variable_tracking
"""tf.Variable state read and written the TensorFlow way inside and around layers.

tf.cond on a boolean tf.Variable switch, tf.cond/tf.while_loop lambdas that
capture variables and weights, a memory written with scatter_nd_update(),
sliced assign() and read back with read_value(), and a module-level counter
variable updated the same ways; a callback reads the optimizer's step counter
with read_value(), as tf_keras' own callbacks do.
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

counts = tf.Variable(tf.zeros((4,)), trainable=False)
enabled = tf.Variable(True, trainable=False)


class Switch(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.use_double = tf.Variable(True, trainable=False)

    def call(self, x):
        return tf.cond(self.use_double, lambda: x * 2.0, lambda: x - 1.0)


class Normalizer(layers.Layer):
    """Halves inputs until they fit a limit held in a variable (no weights in the loop)."""

    def build(self, input_shape):
        self.limit = tf.Variable(3.0, trainable=False)
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        x, = tf.while_loop(lambda t: tf.reduce_max(tf.abs(t)) > self.limit, lambda t: (t / 2.0,), (x,))
        return tf.cond(tf.reduce_sum(x) > 0, lambda: x * self.scale, lambda: x + self.limit)


class Memory(layers.Layer):
    def __init__(self, slots, **kwargs):
        super().__init__(**kwargs)
        self.slots = slots

    def build(self, input_shape):
        self.memory = tf.Variable(tf.zeros((self.slots, input_shape[-1])), trainable=False)
        self.pointer = self.add_weight(name="pointer", shape=(), dtype=tf.int32, initializer="zeros", trainable=False)

    def call(self, x):
        summary = tf.reduce_mean(x, axis=0)
        self.memory.scatter_nd_update([[self.pointer % self.slots]], [summary])
        self.memory[0].assign(self.memory[0] * 0.5 + summary * 0.5)
        self.pointer.assign_add(1)
        snapshot = self.memory.read_value()
        return x + tf.reduce_sum(snapshot, axis=0)


class StepLogger(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.steps = []

    def on_train_batch_end(self, batch, logs=None):
        self.steps.append(int(self.model.optimizer.iterations.read_value()))


switch = Switch()
inputs = keras.Input(shape=(3,))
outputs = layers.Dense(2, kernel_initializer=keras.initializers.Constant(seeded_array((3, 2), 8)))(
    Memory(2)(Normalizer()(switch(inputs)))
)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.002), loss="mse")

x = np.array([[1.0, 2.0, 3.0], [-4.0, 0.5, 1.0], [5.0, -6.0, 2.0], [0.1, 0.2, -0.3]], "float32")
y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.0, 0.0]], "float32")
doubled = model.predict(x, batch_size=2, verbose=0)
switch.use_double.assign(False)
shifted = model.predict(x, batch_size=2, verbose=0)
logger = StepLogger()
history = model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0, callbacks=[logger])

for step in range(3):
    counts.scatter_nd_update([[step], [3]], [float(step + 1), 1.0])
counts[2].assign(counts[2] * 10.0)
counts[0:2].assign(counts[0:2] + 0.5)
if enabled.read_value():
    counts.assign(counts.read_value() * 2.0)
memory_layer = model.layers[3]
emit(
    {
        "doubled": doubled,
        "shifted": shifted,
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, batch_size=2, verbose=0),
        "memory": memory_layer.memory,
        "pointer": memory_layer.pointer,
        "counts": counts,
        "optimizer_steps": logger.steps,
    }
)
