# parity: section=everyday.training_api
"""Callbacks that run the model between epochs and hand the outputs to NumPy, as keras.io's
GAN monitors (`self.model.generator(latents)` -> array_to_img) and focal_modulation's
gate maps (`_ = self.model(images)`, then a layer attribute set during the call) do.

Variants: a sub-model attribute called with a latent batch, np.asarray and
keras.utils.array_to_img on the result; the whole model called with training=False and
an attribute its layer stored during call() read with np.asarray; predict() in the same
callback (already without gradients); the model called at module level, its output
handed to NumPy.
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


class Gate(layers.Layer):
    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], 2), initializer="ones")

    def call(self, x):
        self.gates = tf.sigmoid(tf.matmul(x, self.kernel))
        return x * tf.reduce_mean(self.gates, axis=-1, keepdims=True)


class Pair(keras.Model):
    def __init__(self):
        super().__init__()
        self.generator = keras.Sequential([layers.Dense(12, activation="sigmoid")])
        self.gate = Gate()
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(self.gate(x))


class Monitor(keras.callbacks.Callback):
    def __init__(self, latents, samples):
        super().__init__()
        self.latents = latents
        self.samples = samples
        self.images, self.gates, self.predictions = [], [], []

    def on_epoch_end(self, epoch, logs=None):
        generated = self.model.generator(self.latents)
        image = keras.utils.array_to_img(np.reshape(np.asarray(generated)[0] * 255.0, (2, 6, 1)), scale=False)
        self.images.append(np.asarray(image, dtype="float32"))
        _ = self.model(self.samples, training=False)
        self.gates.append(np.asarray(self.model.gate.gates))
        self.predictions.append(self.model.predict(self.samples, verbose=0))


rng = np.random.RandomState(0)
x = rng.normal(size=(16, 4)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
latents = rng.normal(size=(2, 3)).astype("float32")

model = Pair()
model(x[:1])
model.generator(latents)
fill_weights(model, seed=10)
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
monitor = Monitor(latents, x[:3])
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[monitor])

latent_out = model(x[:3])  # module level: plotted / printed in NumPy afterwards
emit({
    "module_level": np.asarray(latent_out),
    "loss": history.history["loss"],
    "images": monitor.images,
    "gates": monitor.gates,
    "predictions": monitor.predictions,
})
