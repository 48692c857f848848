# parity: section=everyday.layers
"""A shared layer's outputs and shapes per call (get_output_at / get_input_at / get_output_shape_at /
get_input_shape_at), read to build feature models, as Keras 2 code did."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

left = keras.Input(shape=(5, 3), name="left")
right = keras.Input(shape=(5, 3), name="right")
shared = keras.layers.LSTM(4, name="shared_lstm")
projection = keras.layers.Dense(2, name="projection")
merged = keras.layers.concatenate([projection(shared(left)), projection(shared(right))])
model = keras.Model([left, right], keras.layers.Dense(1)(merged))
fill_weights(model, seed=6)

rng = np.random.RandomState(5)
a = rng.normal(size=(8, 5, 3)).astype("float32")
b = rng.normal(size=(8, 5, 3)).astype("float32")
y = rng.normal(size=(8, 1)).astype("float32")
model.compile("sgd", "mse")
history = model.fit([a, b], y, batch_size=4, epochs=2, shuffle=False, verbose=0)

layer = model.get_layer("shared_lstm")
features = keras.Model(model.inputs, [layer.get_output_at(0), model.get_layer("projection").get_output_at(1)])
first_input = keras.Model(model.inputs, layer.get_input_at(1))
emit(
    {
        "loss": history.history["loss"],
        "features": [f.tolist() for f in features.predict([a, b], verbose=0)],
        "input": first_input.predict([a, b], verbose=0).tolist(),
        "shapes": [[-1 if d is None else d for d in shape] for shape in (
            layer.get_input_shape_at(0), layer.get_output_shape_at(1),
            model.get_layer("projection").get_output_shape_at(node_index=0))],
    }
)
