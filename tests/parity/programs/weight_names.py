# parity: section=removed_features.layer_attributes
"""Weights picked and grouped by their names (Keras 2: "<layer>/<weight>:0"; Keras 3:
"<weight>"): a comprehension matching a full name, a dict keyed by names, grouping by
the layer part of the name, an enumerate loop, an indexed weight, a name bound to an
item; weights of a nested model and of a custom layer.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights


class Offset(keras.layers.Layer):
    def build(self, input_shape):
        self.offset = self.add_weight(name="offset", shape=(int(input_shape[-1]),), initializer="ones")

    def call(self, inputs):
        return inputs + self.offset


inner = keras.Sequential([keras.layers.Dense(3, name="inner_dense")], name="inner")
inputs = keras.Input((4,))
hidden = keras.layers.Dense(3, name="enc")(inputs)
hidden = keras.layers.BatchNormalization(name="bn")(hidden)
outputs = Offset(name="shift")(inner(hidden))
model = keras.Model(inputs, outputs)
fill_weights(model, seed=1)

enc_kernel = [w for w in model.weights if w.name == "enc/kernel:0"][0]
sums = {w.name: float(np.abs(w.numpy()).sum()) for w in model.weights}
by_layer = {}
for w in model.trainable_weights:
    by_layer.setdefault(w.name.split("/")[0], []).append(int(np.prod(w.shape)))
positions = {}
for i, v in enumerate(model.non_trainable_variables):
    positions[v.name] = i
first = model.weights[0]
first_name = first.name

emit({"enc_kernel": enc_kernel, "sums": sums, "by_layer": by_layer, "positions": positions,
      "first_is_enc_kernel": first_name == "enc/kernel:0"})
