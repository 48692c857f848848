# parity: section=everyday.training_api
"""Preprocessing models in tf.data, as keras.io's vision examples build them
(temporal_latent_bottleneck, focal_modulation_network): `keras.Sequential` of
Rescaling / Resizing / crops / random layers, called in `Dataset.map` through a named
function, a lambda and a function the mapped function calls; a model then trained on
the pipeline's output.

Random layers are called with training=False (Keras 2 and Keras 3 draw different random
numbers): a random layer the mapped function calls without `training` is covered by the
migrator's examples and by `keras-migrate verify` on the corpus.
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
images = rng.randint(0, 256, size=(24, 20, 20, 3)).astype("uint8")
labels = rng.randint(0, 3, size=(24,)).astype("int32")

train_augmentation = keras.Sequential(
    [
        layers.Rescaling(1 / 255.0, dtype="float32"),
        layers.Resizing(24, 24, dtype="float32"),
        layers.RandomCrop(16, 16, dtype="float32"),
        layers.RandomFlip("horizontal", dtype="float32"),
    ],
    name="train_data_augmentation",
)
test_augmentation = keras.Sequential(
    [layers.Rescaling(1 / 255.0, dtype="float32"), layers.Resizing(16, 16, dtype="float32")],
    name="test_data_augmentation",
)
centre = keras.Sequential([layers.CenterCrop(16, 16), layers.Rescaling(scale=2.0, offset=-1.0)])


def train_map_fn(image, label):
    return train_augmentation(image, training=False), label


def scale(image):
    return centre(tf.cast(image, "float32") / 255.0)


def centre_map_fn(image, label):
    return scale(image), label


train_ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(train_map_fn).batch(8)
test_ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(8).map(
    lambda x, y: (test_augmentation(x), y))
centre_ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(centre_map_fn).batch(8)

model = keras.Sequential([
    layers.Conv2D(4, 3, activation="relu", input_shape=(16, 16, 3)),
    layers.GlobalAveragePooling2D(),
    layers.Dense(3),
])
fill_weights(model, seed=4)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
history = model.fit(train_ds, epochs=2, verbose=0)

emit({
    "train_batch": next(iter(train_ds))[0],
    "test_batch": next(iter(test_ds))[0],
    "centre_batch": next(iter(centre_ds))[0],
    "loss": history.history["loss"],
    "evaluate": model.evaluate(test_ds, verbose=0),
    "centre_predictions": model.predict(centre_ds, verbose=0),
})
