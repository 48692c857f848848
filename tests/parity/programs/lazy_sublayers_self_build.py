# parity: section=state_building
"""A subclassed model that builds itself in __init__ and is loaded from weights.

`self.build(...)` in the constructor (a common Keras 2 idiom) and a build()
that reaches Keras 2's Model.build through super(): the weights must exist
before the first call, for set_weights() copies between two instances and for
load_weights() of an .h5 file written by another instance.
"""
import os
import random
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.keras import Model
from tensorflow.keras.layers import Dense, Layer

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Gate(Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.value = Dense(units)
        self.gate = Dense(units, activation="sigmoid")

    def call(self, inputs):
        return self.value(inputs) * self.gate(inputs * 0.5)


class Encoder(Model):
    def __init__(self, dim, **kwargs):
        super(Encoder, self).__init__(**kwargs)
        self.gate_a = Gate(3)
        self.gate_b = Gate(2)
        self.build((None, dim))

    def call(self, x, training=False):
        return self.gate_b(tf.tanh(self.gate_a(x)))


class Decoder(Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = Dense(5, activation="tanh")
        self.out = Dense(3)

    def build(self, input_shape):
        super().build(input_shape)

    def call(self, x):
        return self.out(self.hidden(x))


source = Encoder(4)
source.set_weights([seeded_array(w.shape, seed=40 + i) for i, w in enumerate(source.get_weights())])
copy = Encoder(4)
copy.set_weights(source.get_weights())

decoder = Decoder()
decoder.build((None, 2))
decoder.set_weights([seeded_array(w.shape, seed=50 + i) for i, w in enumerate(decoder.get_weights())])
path = os.path.join(tempfile.mkdtemp(), "decoder.h5")
decoder.save_weights(path)
restored = Decoder()
restored.build((None, 2))
restored.load_weights(path)

x = np.random.RandomState(5).uniform(-1, 1, (4, 4)).astype("float32")
emit(
    {
        "num_weights": [len(copy.weights), len(restored.weights)],
        "copy_predictions": copy.predict(x, verbose=0),
        "same_as_source": copy(x).numpy() - source(x).numpy(),
        "decoded": restored.predict(copy.predict(x, verbose=0), verbose=0),
    }
)
