# parity: section=everyday.backend_functions
"""Backend functions through aliases: a module imported as `backend`, `as K2`, `K = tf.keras.backend`
inside functions, and a backend module stored on a layer."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend
from tensorflow.keras import backend as K2

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


def smooth_l1(y_true, y_pred):
    K = tf.keras.backend
    diff = K.abs(y_true - y_pred)
    quadratic = 0.5 * K.square(diff)
    return K.mean(K.switch(quadratic < 0.5, quadratic, diff - 0.5), axis=-1)


class Gate(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.K = keras.backend

    def call(self, inputs):
        return inputs * self.K.sigmoid(self.K.sum(inputs, axis=-1, keepdims=True))


def swish(x):
    return x * backend.sigmoid(x)


inputs = keras.Input(shape=(4,))
hidden = keras.layers.Dense(6, activation=swish)(inputs)
hidden = Gate()(hidden)
outputs = keras.layers.Lambda(lambda t: K2.concatenate([K2.max(t, axis=1, keepdims=True), K2.tanh(t)]))(hidden)
outputs = keras.layers.Dense(2)(outputs)
model = keras.Model(inputs, outputs)
fill_weights(model, seed=9)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss=smooth_l1)
rng = np.random.RandomState(15)
x = rng.uniform(-2, 2, (8, 4)).astype("float32")
y = rng.uniform(-2, 2, (8, 2)).astype("float32")
history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, verbose=0),
        "smooth_l1": smooth_l1(y, y * 0.5),
    }
)
