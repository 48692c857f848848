# parity: section=everyday.backend_functions
"""Custom layer, loss and metric written with keras.backend (K.*) functions."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

K.clear_session()


class BackendLayer(keras.layers.Layer):
    def call(self, x):
        m = K.mean(x, axis=-1, keepdims=True)
        s = K.std(x, axis=-1, keepdims=True)
        z = K.clip((x - m) / (s + K.epsilon()), -2.0, 2.0)
        norm = K.sqrt(K.sum(K.square(z), axis=1, keepdims=True))
        pieces = [
            z,
            norm,
            K.max(x, axis=-1, keepdims=True),
            K.min(x, axis=-1, keepdims=True),
            K.exp(K.minimum(x, 0.0)),
            K.abs(x),
            K.sigmoid(x),
            K.softplus(x),
            K.tanh(x),
            K.pow(K.abs(x) + 1.0, 2),
            K.dot(x, K.constant(np.ones((6, 2)))),
            K.l2_normalize(x, axis=-1),
            K.cast(K.greater(x, 0.0), K.floatx()),
            K.relu(x, alpha=0.1),
            K.log(K.abs(x) + 1.0),
            K.reshape(K.permute_dimensions(K.reshape(x, (-1, 2, 3)), (0, 2, 1)), (-1, 6)),
            K.one_hot(K.argmax(x, axis=-1), 6),
            K.expand_dims(K.prod(K.abs(x) + 0.5, axis=-1), -1),
            K.switch(K.greater(x, 0.0), x, K.zeros_like(x)),
        ]
        return K.concatenate(pieces, axis=-1)


def scaled_mse(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true) * 2.0, axis=-1)


def rmse(y_true, y_pred):
    return K.sqrt(K.mean(K.square(y_pred - y_true)))


inputs = keras.Input(shape=(6,))
outputs = keras.layers.Dense(1)(BackendLayer()(inputs))
model = keras.Model(inputs, outputs)
fill_weights(model, seed=30)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.001), loss=scaled_mse, metrics=[rmse])

rng = np.random.RandomState(20)
x = rng.uniform(-1, 1, (8, 6)).astype("float32")
y = rng.uniform(-1, 1, (8, 1)).astype("float32")
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
probs = K.softmax(K.constant(x[:, :3]))
targets = K.one_hot(K.constant([0, 1, 2, 0, 1, 2, 0, 1], dtype="int32"), 3)
var = K.variable(np.ones((2, 2), "float32"))
K.set_value(var, np.full((2, 2), 3.0, "float32"))
emit(
    {
        "layer": BackendLayer()(x),
        "loss_history": history.history["loss"],
        "rmse_history": history.history["rmse"],
        "categorical_crossentropy": K.categorical_crossentropy(targets, probs),
        "binary_crossentropy": K.binary_crossentropy(
            K.constant([[1.0, 0.0]]), K.constant([[0.8, 0.3]])
        ),
        "variable_value": K.get_value(var),
        "int_shape": list(K.int_shape(K.zeros((3, 4)))),
        "predictions": model.predict(x, verbose=0),
    }
)
