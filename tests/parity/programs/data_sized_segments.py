# parity: section=keras_ops.tf_ops_long_tail
"""Ops whose output is sized from tensor values (keras.io's GAT: the number of segments
is `tf.reduce_max(ids) + 1`, the repeats `tf.math.bincount(ids)`), in subclassed models
that hold the graph: neither XLA nor JAX's jit compiles them, so the models run without
jit (and are built by their own test step, never traced). Variants: a graph attention
layer (GAT's) trained by the model's own train_step (tape, compiled_loss,
compiled_metrics) with its own test_step and predict_step; a segment mean/max pooling
sized through a local name (`count = tf.reduce_max(ids) + 1`), trained by Adam in its own
steps with a custom loss.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit

tf.random.set_seed(0)
rng = np.random.RandomState(7)

NODES, FEATURES = 12, 5
# Edges sorted by target node, every node with at least one neighbour (as GAT's data).
targets = np.repeat(np.arange(NODES), rng.randint(1, 4, NODES))
sources = rng.randint(0, NODES, len(targets))
edges = tf.convert_to_tensor(np.stack([targets, sources], axis=1).astype("int64"))
features = tf.convert_to_tensor(rng.normal(size=(NODES, FEATURES)).astype("float32"))
labels = rng.randint(0, 3, NODES)


class GraphAttention(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        # Built inside the first step (as GAT's): fixed values, the same in Keras 2 and 3.
        kernel = rng.normal(scale=0.5, size=(input_shape[0][-1], self.units)).astype("float32")
        attention = rng.normal(scale=0.5, size=(self.units * 2, 1)).astype("float32")
        self.kernel = self.add_weight(shape=kernel.shape, initializer=keras.initializers.Constant(kernel),
                                      name="kernel")
        self.kernel_attention = self.add_weight(shape=attention.shape,
                                                initializer=keras.initializers.Constant(attention),
                                                name="kernel_attention")
        self.built = True

    def call(self, inputs):
        node_states, edges = inputs
        transformed = tf.matmul(node_states, self.kernel)
        expanded = tf.reshape(tf.gather(transformed, edges), (tf.shape(edges)[0], -1))
        scores = tf.squeeze(tf.nn.leaky_relu(tf.matmul(expanded, self.kernel_attention)), -1)
        scores = tf.math.exp(tf.clip_by_value(scores, -2, 2))
        sums = tf.math.unsorted_segment_sum(
            data=scores, segment_ids=edges[:, 0], num_segments=tf.reduce_max(edges[:, 0]) + 1)
        sums = tf.repeat(sums, tf.math.bincount(tf.cast(edges[:, 0], "int32")))
        norm = scores / sums
        neighbours = tf.gather(transformed, edges[:, 1])
        return tf.math.unsorted_segment_sum(
            data=neighbours * norm[:, tf.newaxis], segment_ids=edges[:, 0], num_segments=tf.shape(node_states)[0])


class GraphNet(keras.Model):
    def __init__(self, node_states, edges, **kwargs):
        super().__init__(**kwargs)
        self.node_states = node_states
        self.edges = edges
        self.attention = GraphAttention(4)
        self.out = layers.Dense(3, kernel_initializer=keras.initializers.Constant(
            rng.normal(scale=0.5, size=(4, 3)).astype("float32")))

    def call(self, inputs):
        node_states, edges = inputs
        return self.out(tf.nn.relu(self.attention([node_states, edges])))

    def train_step(self, data):
        indices, labels = data
        with tf.GradientTape() as tape:
            outputs = self([self.node_states, self.edges])
            loss = self.compiled_loss(labels, tf.gather(outputs, indices))
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.compiled_metrics.update_state(labels, tf.gather(outputs, indices))
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        indices, labels = data
        outputs = self([self.node_states, self.edges])
        self.compiled_loss(labels, tf.gather(outputs, indices))
        self.compiled_metrics.update_state(labels, tf.gather(outputs, indices))
        return {m.name: m.result() for m in self.metrics}

    def predict_step(self, data):
        indices = data
        outputs = self([self.node_states, self.edges])
        return tf.nn.softmax(tf.gather(outputs, indices))


class SegmentPool(layers.Layer):
    """Each node gets its segment's mean and max (segments sized by the largest id)."""

    def call(self, inputs):
        values, ids = inputs
        count = tf.reduce_max(ids) + 1
        total = tf.math.unsorted_segment_sum(values, ids, num_segments=count)
        sizes = tf.cast(tf.math.bincount(ids), values.dtype)
        mean = total / sizes[:, tf.newaxis]
        peak = tf.math.unsorted_segment_max(values, ids, num_segments=count)
        return tf.concat([tf.gather(mean, ids), tf.gather(peak, ids)], axis=-1)


class PoolNet(keras.Model):
    def __init__(self, ids, **kwargs):
        super().__init__(**kwargs)
        self.ids = ids
        self.pool = SegmentPool()
        self.dense = layers.Dense(2, kernel_initializer=keras.initializers.Constant(
            rng.normal(scale=0.5, size=(6, 2)).astype("float32")))
        self.tracker = keras.metrics.Mean(name="loss")

    def call(self, x):
        return self.dense(self.pool([x, self.ids]))

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(self(x) - y)) + 0.01 * tf.reduce_sum(tf.square(self.dense.kernel))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.tracker.update_state(loss)
        return {"loss": self.tracker.result()}

    def test_step(self, data):
        x, y = data
        self.tracker.update_state(tf.reduce_mean(tf.square(self(x) - y)))
        return {"loss": self.tracker.result()}

    @property
    def metrics(self):
        return [self.tracker]


graph = GraphNet(features, edges)
graph.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")])
indices = np.arange(NODES)
history = graph.fit(indices, labels, batch_size=6, epochs=3, shuffle=False, verbose=0)
evaluated = graph.evaluate(indices, labels, batch_size=6, verbose=0)
probabilities = graph.predict(indices, batch_size=6, verbose=0)

groups = tf.constant([0, 0, 1, 2, 2, 2, 1, 0, 3, 3, 2, 1], dtype="int32")
x = rng.normal(size=(NODES, 3)).astype("float32")
y = rng.normal(size=(NODES, 2)).astype("float32")
pool = PoolNet(groups)
pool.compile(optimizer=keras.optimizers.Adam(0.01))
pool_history = pool.fit(x, y, batch_size=NODES, epochs=4, shuffle=False, verbose=0)
pool_evaluated = pool.evaluate(x, y, batch_size=NODES, verbose=0)

emit(
    {
        "loss": history.history["loss"],
        "acc": history.history["acc"],
        "evaluated": evaluated,
        "probabilities": probabilities,
        "graph_weights": graph.get_weights(),
        "pool_loss": pool_history.history["loss"],
        "pool_weights": pool.dense.get_weights(),
        "pool_evaluated": pool_evaluated,
    }
)
