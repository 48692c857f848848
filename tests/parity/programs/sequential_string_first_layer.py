# parity: section=everyday.layers
# parity: tensorflow_only=the model takes tf.string inputs (a first layer of dtype string): only TensorFlow has string tensors
"""Sequential models whose first layer is a custom layer of dtype string, given
input_shape: Keras 2 made the model's input of that dtype, Keras 3 makes a float32 one
(found in handson-ml2 chapter 13's lookup layer with keras-migrate verify: the strings
could not be converted). Variants: the lookup-table layer of the book
(`super().__init__(dtype=tf.string, **kwargs)`, input_shape=[]) trained on a tf.data
pipeline; a hashing layer whose dtype is a default parameter, added with model.add()
and given input_dim, fed NumPy string arrays.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

tf.random.set_seed(0)


class LookupAndEmbed(keras.layers.Layer):
    def __init__(self, vocab, **kwargs):
        super().__init__(dtype=tf.string, **kwargs)
        init = tf.lookup.KeyValueTensorInitializer(
            tf.constant(vocab), tf.range(len(vocab), dtype=tf.int64))
        self.table = tf.lookup.StaticVocabularyTable(init, 1)

    def call(self, inputs):
        ids = self.table.lookup(inputs)
        return tf.one_hot(ids, 4)


class HashBuckets(keras.layers.Layer):
    def __init__(self, buckets, dtype="string", **kwargs):
        super(HashBuckets, self).__init__(dtype=dtype, **kwargs)
        self.buckets = buckets

    def call(self, inputs):
        hashed = tf.strings.to_hash_bucket_fast(inputs, self.buckets)
        return tf.cast(tf.reduce_sum(tf.one_hot(hashed, self.buckets), axis=1), tf.float32)


words = tf.constant([b"NEAR BAY", b"INLAND", b"ISLAND", b"NEAR OCEAN", b"<1H OCEAN", b"INLAND"] * 4)
targets = tf.constant([1.0, 0.0, 2.0, 1.0, 0.5, 0.0] * 4)
model = keras.models.Sequential([
    LookupAndEmbed([b"NEAR BAY", b"INLAND", b"NEAR OCEAN"], input_shape=[]),
    keras.layers.Dense(1),
])
fill_weights(model, seed=1)
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.1))
ds = tf.data.Dataset.from_tensor_slices((words, targets)).batch(4)
history = model.fit(ds, epochs=3, verbose=0)
lookup_pred = model.predict(ds.map(lambda x, y: x), verbose=0)

hashing = keras.Sequential()
hashing.add(HashBuckets(8, input_dim=2))
hashing.add(keras.layers.Dense(2, activation="softmax"))
fill_weights(hashing, seed=2)
pairs = np.array([["red", "small"], ["blue", "large"], ["red", "large"], ["green", "small"]] * 3)
labels = np.array([0, 1, 1, 0] * 3)
hashing.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.2))
hash_history = hashing.fit(pairs, labels, batch_size=4, epochs=2, shuffle=False, verbose=0)

emit({
    "history": history.history["loss"],
    "lookup_pred": lookup_pred,
    "hash_history": hash_history.history["loss"],
    "hash_pred": hashing.predict(np.array([["blue", "small"], ["red", "red"]]), verbose=0),
})
