# parity: section=everyday.training_api
"""Layers called with Python values as positional arguments, as keras.io's
focal_modulation_network calls its stages: `x, height, width = layer(x, height, width)`
in a loop over a list of layers inside a subclassed model's call().

Variants: ints passed positionally through a loop (the stage downsamples and returns new
ints); a layer taking a tensor and a Python float positionally in a functional model; a
layer taking two tensors positionally (allowed in Keras 3 already); fit and predict.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Stage(layers.Layer):
    def __init__(self, dim, downsample, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(dim)
        self.downsample = downsample

    def call(self, x, height, width):
        x = self.dense(x)
        if self.downsample:
            x = tf.reshape(x, (-1, height, width, x.shape[-1]))
            x = x[:, ::2, ::2, :]
            height, width = height // 2, width // 2
            x = tf.reshape(x, (-1, height * width, x.shape[-1]))
        return x, height, width


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.stages = [Stage(6, True), Stage(5, True), Stage(4, False)]
        self.head = layers.Dense(2)

    def call(self, images):
        height, width = 8, 8
        x = tf.reshape(images, (-1, height * width, 3))
        for stage in self.stages:
            x, height, width = stage(x, height, width)
        return self.head(tf.reduce_mean(x, axis=1))


class Scale(layers.Layer):
    def call(self, x, factor):
        return x * factor


class Mix(layers.Layer):
    def call(self, a, b):
        return a - 0.5 * b


rng = np.random.RandomState(0)
images = rng.normal(size=(16, 8, 8, 3)).astype("float32")
targets = rng.randint(0, 2, size=(16,)).astype("int32")

net = Net()
net(images[:1])
fill_weights(net, seed=8)
net.compile(optimizer=keras.optimizers.SGD(0.05),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
history = net.fit(images, targets, batch_size=8, epochs=2, shuffle=False, verbose=0)

inputs = keras.Input(shape=(4,))
other = keras.Input(shape=(4,))
scaled = Scale()(inputs, 0.25)
mixed = Mix()(scaled, other)
functional = keras.Model([inputs, other], layers.Dense(1)(mixed))
fill_weights(functional, seed=9)
vectors = rng.normal(size=(5, 4)).astype("float32")

emit({
    "loss": history.history["loss"],
    "net_predict": net.predict(images[:4], verbose=0),
    "functional": functional.predict([vectors, vectors[::-1]], verbose=0),
})
