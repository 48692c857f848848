# parity: section=everyday.layers
"""Objects registered with get_custom_objects() and used by name (Keras 3 ignores the
registry for strings). Variants: an Activation layer registered under a name Keras 3
also has ("swish", here a scaled swish), a plain function registered by subscript, used
in Dense(activation=...), Activation("..."), a recurrent_activation and a
kernel_initializer; a loss and a metric registered under their function names; the
History keys these give.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K
from tensorflow.keras.layers import Activation, Dense, Input, LSTM
from tensorflow.keras.utils import get_custom_objects

from parity_io import emit, fill_weights


def scaled_swish(x):
    return 1.5 * x * K.sigmoid(x)


def hard_tanh(x):
    return K.clip(x, -0.5, 0.5)


def smooth_l1(y_true, y_pred):
    diff = K.abs(y_true - y_pred)
    return K.mean(tf.where(diff < 1.0, 0.5 * diff ** 2, diff - 0.5), axis=-1)


def max_error(y_true, y_pred):
    return K.max(K.abs(y_true - y_pred), axis=-1)


get_custom_objects().update({"swish": Activation(scaled_swish), "smooth_l1": smooth_l1, "max_error": max_error})
get_custom_objects()["hard_tanh"] = hard_tanh
get_custom_objects()["quarter"] = keras.initializers.Constant(0.25)

x = np.linspace(-2, 2, 96).reshape(16, 6).astype("float32")
y = np.stack([x.sum(axis=1), x[:, 0] * 2], axis=1).astype("float32")

inputs = Input((6,))
h = Dense(8, activation="swish")(inputs)
h = Activation("hard_tanh")(h)
h = Dense(4, kernel_initializer="quarter")(h)
outputs = Dense(2)(h)
model = keras.Model(inputs, outputs)
fill_weights(model, seed=1)
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="smooth_l1", metrics=["max_error", "mae"])
history = model.fit(x, y, epochs=3, batch_size=4, verbose=0, shuffle=False).history

seq = keras.Sequential([LSTM(3, recurrent_activation="hard_tanh", input_shape=(3, 2)), Dense(1)])
fill_weights(seq, seed=2)
seq.compile(optimizer="sgd", loss="smooth_l1")
seq_history = seq.fit(x.reshape(16, 3, 2), y[:, :1], epochs=2, batch_size=8, verbose=0, shuffle=False).history

emit({"history": history, "predict": model.predict(x, verbose=0), "seq_history": seq_history,
      "weights": model.weights})
