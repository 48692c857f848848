# parity: section=everyday.backend_functions
"""Feature extraction as Keras 2 code wrote it: K.function (gone from Keras 3) on a
Sequential model's input and a hidden layer's output (Dropout in inference mode), on
model.inputs/model.outputs, on two inputs giving two outputs; keras.Model(model.input,
[every layer's output]) and a head built on model.output of a Sequential model (Keras 3's
Sequential models have no `input` / `output`).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K

from parity_io import emit, fill_weights

model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,), name="hidden"),
                          keras.layers.Dropout(0.5), keras.layers.Dense(1, name="out")])
fill_weights(model, seed=1)
x = np.linspace(-1, 1, 15).reshape(5, 3).astype("float32")

get_hidden = K.function([model.input], [model.get_layer("hidden").output])
hidden = get_hidden([x])
get_out = K.function(model.inputs, model.outputs)
out = get_out(x)

a = keras.Input((3,))
b = keras.Input((2,))
merged = keras.layers.Concatenate()([a, b])
projected = keras.layers.Dense(2, name="proj")(merged)
both = K.function([a, b], [merged, projected])
fill_weights(keras.Model([a, b], projected), seed=2)
pair = both([x, x[:, :2]])

extractor = keras.Model(inputs=model.input, outputs=[layer.output for layer in model.layers])
features = extractor.predict(x, verbose=0)
head = keras.Model(model.input, keras.layers.Dense(2, name="head")(model.output))
fill_weights(head, seed=3)

emit(
    {
        "hidden_count": len(hidden),
        "hidden": hidden[0],
        "out_count": len(out),
        "out": out[0],
        "pair": pair,
        "features": features,
        "head": head.predict(x, verbose=0),
    }
)
