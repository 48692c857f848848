# parity: section=everyday.training_api
"""RandomCrop inside models at inference: Keras 2 returns the centred window of the
target aspect ratio resized to (height, width); the next layers depend on that shape.

Variants: a Sequential whose first layer is RandomCrop, predicting and evaluating
(inference) on larger square images; a functional model with the experimental
preprocessing spelling on wide images (aspect-ratio crop); images smaller than the crop
(resized up); uint8 input; the layer called alone with training=False.
Training-time crops are random (Keras 2 and 3 draw different numbers): not compared.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(0)
square = rng.uniform(size=(6, 20, 20, 3)).astype("float32")
wide = rng.uniform(size=(6, 14, 30, 3)).astype("float32")
small = rng.uniform(size=(4, 8, 9, 3)).astype("float32")
pixels = rng.randint(0, 256, size=(2, 18, 18, 1)).astype("uint8")
targets = rng.randint(0, 2, size=(6,)).astype("int32")

sequential = keras.Sequential([
    layers.RandomCrop(12, 12, seed=7, input_shape=(20, 20, 3)),
    layers.Conv2D(4, 3, activation="relu"),
    layers.Flatten(),
    layers.Dense(2),
])
fill_weights(sequential, seed=5)
sequential.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])

inputs = keras.Input(shape=(None, None, 3))
cropped = keras.layers.experimental.preprocessing.RandomCrop(height=10, width=16)(inputs)
features = layers.Conv2D(3, 3)(cropped)
functional = keras.Model(inputs, layers.Flatten()(features))
fill_weights(functional, seed=6)

alone = layers.RandomCrop(6, 6)

emit({
    "sequential_predict": sequential.predict(square, verbose=0),
    "sequential_evaluate": sequential.evaluate(square, targets, verbose=0),
    "functional_wide": functional.predict(wide, verbose=0),
    "functional_small": functional.predict(small, verbose=0),
    "alone_uint8": alone(pixels, training=False),
    "alone_small": alone(small[:, :5, :5], training=False),
})
