# parity: section=libraries.tensorflow_addons keras2_extras=1
"""TF Addons pieces Keras 3 has: InstanceNormalization (GroupNormalization with groups=-1)
in a small conv net trained with fit(), and npairs_loss as a supervised-contrastive loss
(keras-io's supervised-contrastive-learning writes it this way)."""
import random

import numpy as np
import tensorflow as tf
import tensorflow_addons as tfa
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow_addons.layers import InstanceNormalization

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(3)
images = rng.uniform(-1, 1, (16, 8, 8, 3)).astype("float32")
labels = rng.randint(0, 4, 16).astype("int32")

norm_model = keras.Sequential(
    [
        layers.Conv2D(4, 3, padding="same", input_shape=(8, 8, 3)),
        tfa.layers.InstanceNormalization(gamma_initializer="ones", beta_initializer="zeros"),
        layers.ReLU(),
        layers.Conv2D(2, 3, padding="same"),
        InstanceNormalization(epsilon=1e-5),
        layers.GlobalAveragePooling2D(),
        layers.Dense(4),
    ]
)
fill_weights(norm_model, seed=11)
norm_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
before = norm_model.predict(images, verbose=0)
history = norm_model.fit(images, labels, batch_size=8, epochs=2, shuffle=False, verbose=0)


class SupervisedContrastiveLoss(keras.losses.Loss):
    def __init__(self, temperature=1, name=None):
        super().__init__(name=name)
        self.temperature = temperature

    def __call__(self, labels, feature_vectors, sample_weight=None):
        normalized = tf.math.l2_normalize(feature_vectors, axis=1)
        logits = tf.divide(tf.matmul(normalized, tf.transpose(normalized)), self.temperature)
        return tfa.losses.npairs_loss(tf.squeeze(labels), logits)


encoder = keras.Sequential([layers.Flatten(input_shape=(8, 8, 3)), layers.Dense(6, activation="relu"), layers.Dense(5)])
fill_weights(encoder, seed=12)
encoder.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=SupervisedContrastiveLoss(0.1))
contrastive = encoder.fit(images, labels.reshape(-1, 1), batch_size=8, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "norm_predict": before,
        "norm_loss": history.history["loss"],
        "norm_after": norm_model.predict(images, verbose=0),
        "npairs_direct": tfa.losses.npairs_loss(labels, np.matmul(images.reshape(16, -1)[:, :5],
                                                                 images.reshape(16, -1)[:, :5].T)),
        "contrastive_loss": contrastive.history["loss"],
        "encoder_weights": encoder.get_weights(),
    }
)
