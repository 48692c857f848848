# parity: section=savedmodel.export_for_serving
# parity: tensorflow_only=the program serves a TF SavedModel through tf.saved_model.load signatures
"""Export a model as a SavedModel for serving and call its serving signature.

Keras 2 idioms: model.save(dir, save_format="tf") then tf.saved_model.load()
and signatures["serving_default"]; tf.keras.models.load_model(dir) for
inference only.
"""
import os
import random
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

export_dir = os.path.join(tempfile.mkdtemp(), "serving_model")

inputs = keras.Input(shape=(5,), name="features")
hidden = keras.layers.Dense(6, activation="tanh")(inputs)
outputs = keras.layers.Dense(2, name="scores")(hidden)
model = keras.Model(inputs, outputs)
fill_weights(model, seed=11)

x = np.linspace(-1.0, 1.0, 15, dtype="float32").reshape(3, 5)
expected = model.predict(x, verbose=0)

model.save(export_dir, save_format="tf")

served = tf.saved_model.load(export_dir)
signature = served.signatures["serving_default"]
served_outputs = signature(tf.constant(x))
(served_scores,) = list(served_outputs.values())

inference_model = keras.models.load_model(export_dir)

emit(
    {
        "predictions": expected,
        "served_scores": served_scores,
        "reloaded_predictions": inference_model.predict(x, verbose=0),
    }
)
