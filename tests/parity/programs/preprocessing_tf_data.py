# parity: section=everyday.preprocessing_and_tf_data
"""Experimental preprocessing layers, a tf.data input pipeline and
model.input_names / output_names, in the tf.compat.v1.keras spelling too."""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras.layers.experimental import preprocessing

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(22)
features = rng.uniform(0, 255, (16, 4)).astype("float32")
target = (features.mean(axis=1, keepdims=True) / 255.0).astype("float32")

normalizer = preprocessing.Normalization(axis=-1)

inputs = tf.keras.Input(shape=(4,), name="pixels")
scaled = tf.keras.layers.experimental.preprocessing.Rescaling(1.0 / 255.0)(inputs)
hidden = tf.keras.layers.Concatenate()([normalizer(inputs), scaled])
outputs = tf.compat.v1.keras.layers.Dense(1, name="score")(hidden)
model = tf.keras.Model(inputs, outputs)
fill_weights(model, seed=32)
normalizer.adapt(features)  # after fill_weights, which would overwrite the statistics
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), loss="mse")

dataset = tf.data.Dataset.from_tensor_slices((features, target)).batch(8)
history = model.fit(dataset, epochs=2, verbose=0)
emit(
    {
        "normalizer_mean": normalizer.mean,
        "normalizer_variance": normalizer.variance,
        "normalized": normalizer(features[:3]),
        "loss_history": history.history["loss"],
        "input_names_ok": float(model.input_names == ["pixels"]),
        "output_names_ok": float(model.output_names == ["score"]),
        "predictions": model.predict(dataset, verbose=0),
    }
)
