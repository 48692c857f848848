# parity: section=keras_ops.other_ops
"""tf.nn / tf.linalg / tf.image ops in custom layers and a custom loss."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class ConvFeatures(layers.Layer):
    def build(self, input_shape):
        self.filters_1d = self.add_weight(
            name="filters_1d",
            shape=(3, 2, 2),
            initializer=keras.initializers.Constant(seeded_array((3, 2, 2), 30)),
        )
        self.filters_2d = self.add_weight(
            name="filters_2d",
            shape=(2, 2, 1, 2),
            initializer=keras.initializers.Constant(seeded_array((2, 2, 1, 2), 31)),
        )
        self.table = self.add_weight(
            name="table",
            shape=(5, 2),
            initializer=keras.initializers.Constant(seeded_array((5, 2), 32)),
        )

    def call(self, inputs):
        seq = tf.reshape(inputs, [-1, 4, 2])
        conv1 = tf.nn.conv1d(seq, self.filters_1d, stride=1, padding="SAME")
        image = tf.reshape(inputs, [-1, 2, 4, 1])
        conv2 = tf.nn.conv2d(image, self.filters_2d, strides=1, padding="VALID")
        ids = tf.cast(tf.math.floormod(tf.abs(tf.floor(inputs[:, :3] * 5.0)), 5.0), tf.int32)
        embedded = tf.nn.embedding_lookup(self.table, ids)
        normalized = tf.nn.l2_normalize(inputs, axis=-1)
        resized = tf.image.resize(image, (4, 8), method="bilinear")
        pooled = tf.nn.avg_pool2d(resized, ksize=2, strides=2, padding="VALID")
        top_values, _ = tf.nn.top_k(inputs, k=3)
        return tf.concat(
            [
                tf.reshape(conv1, [-1, 8]),
                tf.reshape(conv2, [-1, 6]),
                tf.reshape(embedded, [-1, 6]),
                normalized,
                tf.reshape(pooled, [-1, 8]),
                top_values,
                tf.nn.relu6(inputs * 4.0),
                tf.nn.elu(inputs),
                tf.nn.leaky_relu(inputs, alpha=0.3),
                tf.nn.log_softmax(inputs, axis=-1),
                tf.linalg.diag_part(tf.reshape(inputs, [-1, 2, 4])[:, :, :2]),
            ],
            axis=-1,
        )


def sigmoid_loss(y_true, y_pred):
    per_entry = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    return tf.reduce_mean(per_entry, axis=-1)


def sparse_ce(labels, logits):
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)


inputs = keras.Input(shape=(8,))
features = ConvFeatures()(inputs)
logits = layers.Dense(3, kernel_initializer=keras.initializers.Constant(0.01))(features)
model = keras.Model(inputs, logits)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss=sigmoid_loss)

rng = np.random.RandomState(14)
x = rng.uniform(-1, 1, (6, 8)).astype("float32")
y = (rng.uniform(size=(6, 3)) > 0.5).astype("float32")
history = model.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0)
labels = np.array([0, 2, 1, 1, 0, 2], "int32")
logits_value = model.predict(x, verbose=0)
emit(
    {
        "features": ConvFeatures()(x),
        "loss_history": history.history["loss"],
        "logits": logits_value,
        "sparse_ce": sparse_ce(labels, logits_value),
        "gather_nd": tf.gather_nd(x, [[0, 1], [2, 3], [5, 7]]),
        "gather_nd_rows": tf.gather_nd(x, [[1], [4]]),
    }
)
