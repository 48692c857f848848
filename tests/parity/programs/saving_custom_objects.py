# parity: section=savedmodel.save_load_for_training
"""Models with custom pieces saved and reloaded in the same program.

Keras 2 idioms: a custom layer with get_config() saved to .h5 and reloaded
with custom_objects=; a Lambda layer wrapping a named function and a custom
layer saved as a SavedModel and reloaded without custom_objects (Keras 2
revives them from the SavedModel); model.save(path, save_format="h5") to a
path without an extension.
"""
import random

import numpy as np
import tensorflow as tf
import tensorflow.keras as keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config


def shifted_square(t):
    return tf.square(t) - 0.25


rng = np.random.RandomState(37)
x = rng.uniform(-1, 1, size=(12, 3)).astype("float32")
y = (x[:, :1] * x[:, 1:2] + x[:, 2:]).astype("float32")

inputs = keras.Input(shape=(3,))
h = Scale(0.5)(inputs)
h = layers.Lambda(shifted_square)(h)
h = layers.Dense(4, activation="tanh")(h)
outputs = layers.Dense(1)(h)
model = keras.Model(inputs, outputs)
fill_weights(model, seed=53)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)

model.save("custom_h5.h5")
from_h5 = keras.models.load_model("custom_h5.h5", custom_objects={"Scale": Scale, "shifted_square": shifted_square})

model.save("custom_savedmodel")
from_savedmodel = keras.models.load_model("custom_savedmodel")
from_savedmodel.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)

model.save("custom_noext", save_format="h5")
from_noext = keras.models.load_model("custom_noext", custom_objects={"Scale": Scale, "shifted_square": shifted_square})

emit(
    {
        "h5_predictions": from_h5.predict(x[:4], verbose=0),
        "h5_evaluate": from_h5.evaluate(x, y, verbose=0),
        "savedmodel_trained_predictions": from_savedmodel.predict(x[:4], verbose=0),
        "noext_predictions": from_noext.predict(x[:4], verbose=0),
    }
)
