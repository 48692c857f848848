# parity: section=everyday.layers
"""Average pooling layers built with Keras 2's default pool size (Keras 3 requires one):
1-D, 2-D and 3-D, the AvgPool aliases, strides or padding given without a pool size."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.layers import AvgPool2D

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(21)
images = rng.uniform(0, 1, (8, 8, 8, 2)).astype("float32")
series = rng.uniform(-1, 1, (8, 9, 3)).astype("float32")
volumes = rng.uniform(0, 1, (8, 4, 4, 4, 1)).astype("float32")

image_in = keras.Input((8, 8, 2))
a = layers.AveragePooling2D()(layers.Conv2D(3, 3, padding="same")(image_in))
b = AvgPool2D(strides=1, padding="same")(image_in)
c = tf.keras.layers.AveragePooling2D(padding="same")(b)
image_out = layers.Dense(1)(layers.Concatenate()([layers.Flatten()(a), layers.Flatten()(c)]))

series_in = keras.Input((9, 3))
s = layers.AveragePooling1D(padding="same")(series_in)
s = layers.AvgPool1D(strides=1)(s)
series_out = layers.Dense(1)(layers.GlobalAveragePooling1D()(s))

volume_in = keras.Input((4, 4, 4, 1))
v = layers.AveragePooling3D()(volume_in)
volume_out = layers.Dense(1)(layers.Flatten()(v))

model = keras.Model([image_in, series_in, volume_in], [image_out, series_out, volume_out])
fill_weights(model, seed=4)
model.compile(keras.optimizers.SGD(0.05), "mse")
targets = [rng.normal(size=(8, 1)).astype("float32") for _ in range(3)]
history = model.fit([images, series, volumes], targets, batch_size=4, epochs=2, shuffle=False, verbose=0)
emit({"loss": history.history["loss"], "shapes": [list(t.shape[1:]) for t in (a, b, c, s, v)],
      "predictions": model.predict([images, series, volumes], verbose=0), "weights": model.get_weights()})
