# parity: section=everyday.small_cnn
# parity: atol=1e-4 rtol=1e-3 reason=two epochs of Adam through conv+batchnorm accumulate float32 reordering differences between backends
"""A small Conv2D/BatchNorm/MaxPool image classifier trained for two epochs."""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, models

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

model = models.Sequential(
    [
        layers.Conv2D(4, (3, 3), activation="relu", padding="same", input_shape=(8, 8, 1)),
        layers.BatchNormalization(),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(8, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(3, activation="softmax"),
    ]
)
fill_weights(model, seed=26)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

rng = np.random.RandomState(17)
images = rng.uniform(0, 1, (32, 8, 8, 1)).astype("float32")
labels = (images.mean(axis=(1, 2, 3)) * 6).astype("int32") % 3
history = model.fit(images, labels, batch_size=16, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "probabilities": model.predict(images[:6], verbose=0),
        "bn_moving_mean": model.layers[1].moving_mean,
        "bn_moving_variance": model.layers[1].moving_variance,
    }
)
