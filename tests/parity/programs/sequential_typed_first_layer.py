# parity: section=everyday.layers
"""A Sequential model whose first layer is an int64 custom layer given input_shape /
input_dim: Keras 2 made the model's input int64, Keras 3 makes it float32, so ids above
2**24 (hashed feature ids) were rounded before the layer saw them. Variants: a layer
class with `super().__init__(dtype="int64")` in a list with input_shape; a Keras layer
given dtype="int32" at the call, added with model.add() and input_dim.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

tf.random.set_seed(0)


class IdBuckets(keras.layers.Layer):
    """One-hot of id % buckets, as a hashed-feature model does."""

    def __init__(self, buckets, **kwargs):
        super().__init__(dtype="int64", **kwargs)
        self.buckets = buckets

    def call(self, inputs):
        return tf.reduce_sum(tf.one_hot(inputs % self.buckets, self.buckets), axis=1)


ids = np.array([[16777217, 33554433], [16777219, 5], [20000001, 16777216], [7, 16777221]], dtype="int64")
target = np.array([[1.0], [0.0], [2.0], [1.0]], dtype="float32")

model = keras.Sequential([IdBuckets(4, input_shape=(2,)), keras.layers.Dense(1)])
fill_weights(model, seed=3)
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.1))
history = model.fit(ids, target, batch_size=2, epochs=2, shuffle=False, verbose=0)

counts = keras.Sequential()
counts.add(keras.layers.Lambda(lambda x: x % 1000, input_dim=2, dtype="int32"))
remainders = counts.predict(ids.astype("int32"), verbose=0)

emit({
    "history": history.history["loss"],
    "pred": model.predict(ids, verbose=0),
    "remainders": remainders,
})
