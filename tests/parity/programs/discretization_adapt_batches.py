# parity: section=everyday.discretization_adapt_batches
"""Discretization layers adapted on NumPy arrays (tf_keras summarised batches of 32, or
adapt()'s batch_size, its own way and merged the summaries): 1-D and 2-D data, a given
epsilon and batch size, a layer held by another layer, the boundaries learned and a
model trained on the bins."""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(4)
ages = rng.gamma(3.0, 3.0, size=(300,)).astype("float32")
income = rng.lognormal(1.0, 0.6, size=(300, 2)).astype("float32")
target = (ages > 8).astype("float32")[:, None]

age_bins = layers.Discretization(num_bins=5)
age_bins.adapt(ages)
income_bins = layers.Discretization(num_bins=3, epsilon=0.02)
income_bins.adapt(income)
wide = rng.lognormal(0.5, 0.8, size=(260, 4)).astype("float32")
wide_bins = layers.Discretization(num_bins=4)
wide_bins.adapt(wide, batch_size=64)


class Bucketed(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.buckets = tf.keras.layers.Discretization(num_bins=4)

    def learn(self, values):
        self.buckets.adapt(values)

    def call(self, inputs):
        return tf.reshape(tf.cast(self.buckets(inputs), "float32"), (-1, 1))


bucketed = Bucketed()
bucketed.learn(ages[:, None])

inputs = keras.Input((1,))
onehot = layers.CategoryEncoding(num_tokens=5, output_mode="one_hot")(age_bins(inputs))
model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.Concatenate()([onehot, bucketed(inputs)])))
fill_weights(model.layers[-1], seed=6)  # (the Discretization layers hold their sketch as a weight)
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
history = model.fit(ages[:, None], target, batch_size=50, epochs=2, shuffle=False, verbose=0)
emit({
    "age_boundaries": age_bins.bin_boundaries,
    "income_boundaries": income_bins.bin_boundaries,
    "wide_boundaries": wide_bins.bin_boundaries,
    "bucket_boundaries": bucketed.buckets.bin_boundaries,
    "loss": history.history["loss"],
    "prediction": model.predict(ages[:6, None], verbose=0),
})
