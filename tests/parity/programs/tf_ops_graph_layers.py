# parity: section=keras_ops.tf_ops_long_tail
"""Graph-style custom layers written with the long tail of tf.* ops, trained with fit.

Message passing over a fixed node clustering (tf.math.unsorted_segment_sum / _mean /
_max, with an empty segment), a self-similarity matrix whose diagonal is replaced
(tf.linalg.set_diag, tf.einsum), tf.one_hot features (axis=1, custom on/off values),
tf.norm with a list of axes, tf.nn.moments, tf.stop_gradient, tf.clip_by_norm and the
rank read `tf.shape(x).shape[0]`.
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

NODES, FEATURES, CLUSTERS = 6, 4, 4
CLUSTER_IDS = [0, 0, 1, 2, 2, 1]  # cluster 3 stays empty


class ClusterPool(layers.Layer):
    """Pools nodes into clusters and broadcasts the cluster summaries back."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ids = tf.constant(CLUSTER_IDS)
        self.proj = layers.Dense(FEATURES)

    def call(self, x):
        nodes_first = tf.transpose(x, perm=[1, 0, 2])  # (nodes, batch, features)
        total = tf.math.unsorted_segment_sum(nodes_first, self.ids, num_segments=CLUSTERS)
        mean = tf.math.unsorted_segment_mean(nodes_first, self.ids, CLUSTERS)
        peak = tf.math.unsorted_segment_max(data=nodes_first, segment_ids=self.ids, num_segments=CLUSTERS - 1)
        back = tf.gather(mean, self.ids) + 0.1 * tf.gather(peak, self.ids) + 0.01 * tf.gather(total, self.ids)
        return x + self.proj(tf.transpose(back, [1, 0, 2]))


class SimilarityMix(layers.Layer):
    """Mixes nodes by their (diagonal-free) similarity."""

    def call(self, x):
        unit = x / (tf.norm(x, axis=-1, keepdims=True) + 1e-3)
        sim = tf.einsum("bnd,bmd->bnm", unit, unit)
        sim = tf.linalg.set_diag(sim, tf.zeros(tf.shape(sim)[:-1]))
        weights = tf.nn.softmax(sim * 3.0, axis=-1)
        mixed = tf.matmul(weights, x)
        scale = tf.norm(sim, axis=[1, 2])  # Frobenius norm per sample
        return mixed * tf.reshape(1.0 + 0.1 * scale, [-1, 1, 1])


class Standardize(layers.Layer):
    def call(self, x):
        rank = tf.shape(x).shape[0]
        mean, variance = tf.nn.moments(x, axes=[rank - 1], keepdims=True)
        centred = (x - tf.stop_gradient(mean)) / tf.sqrt(variance + 1e-3)
        return tf.clip_by_norm(centred, 2.0, axes=[-1])


class TypeFeatures(layers.Layer):
    def call(self, types):
        smooth = tf.one_hot(types, depth=3, on_value=0.9, off_value=0.05)
        counts = tf.reduce_sum(tf.one_hot(types, 3, axis=1), axis=-1)
        return smooth, counts


node_features = keras.Input(shape=(NODES, FEATURES))
node_types = keras.Input(shape=(NODES,), dtype="int32")
types_hot, types_first = TypeFeatures()(node_types)
h = layers.Concatenate()([node_features, types_hot])
h = layers.Dense(FEATURES)(h)
h = ClusterPool()(h)
h = SimilarityMix()(h)
h = Standardize()(h)
pooled = layers.GlobalAveragePooling1D()(h)
outputs = layers.Dense(2)(layers.Concatenate()([pooled, types_first]))
model = keras.Model([node_features, node_types], outputs)
fill_weights(model, seed=13)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")

rng = np.random.RandomState(5)
x = rng.uniform(-1, 1, (8, NODES, FEATURES)).astype("float32")
t = rng.randint(0, 3, (8, NODES)).astype("int32")
y = rng.uniform(-1, 1, (8, 2)).astype("float32")
history = model.fit([x, t], y, batch_size=4, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict([x, t], verbose=0),
        "evaluate": model.evaluate([x, t], y, verbose=0),
        "weights": [w.numpy() for w in model.trainable_weights],
    }
)
