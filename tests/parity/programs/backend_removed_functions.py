# parity: section=everyday.backend_functions
"""keras.backend functions Keras 3 dropped (K.batch_dot, K.bias_add, K.batch_flatten,
K.repeat, K.count_params, K.dtype, K.cast_to_floatx) in the places Keras 2 code has them:
dot-product attention and a Luong-style decoder, a channels-first bias, a flattening head."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class DotAttention(keras.layers.Layer):
    """Scaled dot-product attention with K.batch_dot (axes=2, then the default axes)."""

    def call(self, inputs):
        query, value = inputs
        scores = K.batch_dot(query, value, axes=2) / np.sqrt(float(K.int_shape(query)[-1]))
        weights = K.softmax(scores, axis=-1)
        return K.batch_dot(weights, value)


class ChannelsFirstBias(keras.layers.Layer):
    """A per-channel bias on (batch, channels, steps) data, and a full bias after it."""

    def build(self, input_shape):
        self.channel_bias = self.add_weight(name="channel_bias", shape=(input_shape[1],), initializer="zeros")
        self.full_bias = self.add_weight(name="full_bias", shape=tuple(input_shape[1:]), initializer="zeros")

    def call(self, x):
        x = K.bias_add(x, self.channel_bias, data_format="channels_first")
        return K.bias_add(x, self.full_bias, data_format="channels_last")


class GatedDecoder(keras.layers.Layer):
    """Repeats a context vector over time (K.repeat) and scores it against each step."""

    def __init__(self, steps, **kwargs):
        super().__init__(**kwargs)
        self.steps = steps

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[0][-1], input_shape[0][-1]))
        self.bias = self.add_weight(name="bias", shape=(input_shape[0][-1],), initializer="zeros")

    def call(self, inputs):
        context, sequence = inputs
        repeated = K.repeat(context, self.steps)
        gate = K.sigmoid(K.bias_add(K.dot(repeated, self.kernel), self.bias))
        pooled = K.batch_dot(sequence, K.mean(gate, axis=1), axes=(2, 1))  # (batch, steps)
        return K.concatenate([K.mean(gate * sequence, axis=1), pooled], axis=-1)


query_in = keras.Input(shape=(4, 6))
value_in = keras.Input(shape=(5, 6))
attended = DotAttention()([query_in, value_in])
biased = ChannelsFirstBias()(attended)
context = keras.layers.Dense(6, activation="tanh")(keras.layers.Flatten()(biased))
decoded = GatedDecoder(4)([context, biased])
output = keras.layers.Dense(2)(decoded)
model = keras.Model([query_in, value_in], output)
fill_weights(model, seed=41)


def flat_mse(y_true, y_pred):
    return K.mean(K.square(K.batch_flatten(y_pred - y_true)), axis=-1)


model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=flat_mse)

rng = np.random.RandomState(7)
q = rng.normal(size=(12, 4, 6)).astype("float32")
v = rng.normal(size=(12, 5, 6)).astype("float32")
y = rng.normal(size=(12, 2)).astype("float32")
history = model.fit([q, v], y, batch_size=4, epochs=3, shuffle=False, verbose=0)

sizes = {w.name.split("/")[-1].split(":")[0]: int(K.count_params(w)) for w in model.layers[3].weights}
pair = K.batch_dot(K.constant(q[:, 0, :]), K.constant(v[:, 0, :]))  # two rank-2 operands: (batch, 1)
emit(
    {
        "loss_history": history.history["loss"],
        "prediction": model.predict([q, v], verbose=0),
        "attention": DotAttention()([K.constant(q), K.constant(v)]),
        "pair_dot": pair,
        "pair_dot_shape": list(K.int_shape(pair)),
        "flattened": K.batch_flatten(K.constant(q[:2])),
        "param_count": int(sum(K.count_params(w) for w in model.trainable_weights)),
        "bias_sizes": [sizes[k] for k in sorted(sizes)],
        "dtypes_are_keras2_names": [K.dtype(K.constant(q)) == "float32",
                                    K.dtype(K.constant(np.arange(3, dtype="int32"))) == "int32"],
        "floatx_list": K.cast_to_floatx([1, 2, 3]),
    }
)
