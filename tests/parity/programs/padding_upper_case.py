# parity: section=everyday.layers
"""Padding modes written as tf.nn spells them, which Keras 2 lower-cased: handson-ml2's
ResNet-34 stem (a functools.partial Conv2D with padding="SAME", MaxPool2D(padding="SAME")),
a positional 'VALID' pooling and a causal 1-D convolution in upper case. Keras 3's
pooling layers raised when the model was built."""
import random
from functools import partial

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

DefaultConv2D = partial(keras.layers.Conv2D, kernel_size=3, strides=1, padding="SAME", use_bias=False)
rng = np.random.RandomState(14)
images = rng.rand(8, 12, 12, 3).astype("float32")
labels = rng.randint(0, 4, size=(8,))

stem = keras.models.Sequential([
    DefaultConv2D(6, kernel_size=5, strides=2, input_shape=[12, 12, 3]),
    keras.layers.BatchNormalization(),
    keras.layers.Activation("relu"),
    keras.layers.MaxPool2D(pool_size=3, strides=2, padding="SAME"),
    DefaultConv2D(8),
    keras.layers.GlobalAvgPool2D(),
    keras.layers.Dense(4, activation="softmax"),
])
fill_weights(stem, seed=1)
stem.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.1))
history = stem.fit(images, labels, batch_size=4, epochs=2, shuffle=False, verbose=0)

series = rng.normal(size=(6, 10, 2)).astype("float32")
inputs = keras.Input(shape=(10, 2))
h = keras.layers.Conv1D(3, 3, padding="CAUSAL")(inputs)
h = keras.layers.AveragePooling1D(2, 2, 'VALID')(h)
outputs = keras.layers.MaxPooling1D(pool_size=2, padding="Same")(h)
sequence = keras.Model(inputs, outputs)
fill_weights(sequence, seed=2)

emit(
    {
        "history": history.history["loss"],
        "stem_shape": list(stem.output_shape[1:]),
        "stem": stem.predict(images[:3], verbose=0),
        "sequence_shape": list(sequence.output_shape[1:]),
        "sequence": sequence.predict(series, verbose=0),
    }
)
