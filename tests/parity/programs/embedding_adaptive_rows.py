# parity: section=everyday.embedding_adaptive_rows
"""Embeddings trained by adaptive optimizers where batches use few of the rows (a large
vocabulary, repeated ids): Keras 2 decays every row's optimizer state and moves every row
whose state is non-zero; four variants (Sequential + Adam, functional masked + RMSprop,
a layer holding its Embedding + Adagrad, SGD with momentum), one reloaded from .keras."""
import os
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(3)
ids = rng.randint(1, 40, size=(48, 6))
ids[:, 4:] = 0  # padding
ids[::3, 0] = 7  # a row every third sample repeats
target = rng.normal(size=(48, 1)).astype("float32")
results = {}

# 1. Sequential + Adam: most rows unused by any one batch of 8.
seq = keras.Sequential([layers.Embedding(60, 4), layers.GlobalAveragePooling1D(), layers.Dense(1)])
seq.build((None, 6))
fill_weights(seq, seed=1)
seq.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
history = seq.fit(ids, target, batch_size=8, epochs=2, shuffle=False, verbose=0)
results["adam_loss"] = history.history["loss"]
results["adam_table"] = seq.layers[0].get_weights()[0]

# 2. Functional, mask_zero, RMSprop; the saved model reloaded and trained on.
tokens = keras.Input(shape=(6,), dtype="int32")
embedded = layers.Embedding(60, 3, mask_zero=True, name="tokens")(tokens)
pooled = layers.GlobalAveragePooling1D()(embedded)
functional = keras.Model(tokens, layers.Dense(1)(pooled))
fill_weights(functional, seed=2)
functional.compile(optimizer=keras.optimizers.RMSprop(0.02), loss="mae")
results["rmsprop_loss"] = functional.fit(ids, target, batch_size=12, epochs=2, shuffle=False, verbose=0).history["loss"]
path = os.path.join(tempfile.mkdtemp(), "functional.keras")
functional.save(path)
reloaded = keras.models.load_model(path)
results["reloaded_prediction"] = reloaded.predict(ids[:5], verbose=0)
results["reloaded_table"] = reloaded.get_layer("tokens").get_weights()[0]


# 3. A layer holding its Embedding, Adagrad.
class Bag(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.table = layers.Embedding(50, 2)

    def call(self, inputs):
        return tf.reduce_sum(self.table(inputs), axis=1)


bag_in = keras.Input(shape=(6,), dtype="int32")
bag = keras.Model(bag_in, layers.Dense(1)(Bag()(bag_in)))
fill_weights(bag, seed=3)
bag.compile(optimizer=keras.optimizers.Adagrad(0.1), loss="mse")
results["adagrad_loss"] = bag.fit(ids, target, batch_size=6, epochs=2, shuffle=False, verbose=0).history["loss"]

# 4. SGD with momentum.
momentum = keras.Sequential([keras.Input(shape=(6,), dtype="int32"), layers.Embedding(45, 2), layers.Flatten(), layers.Dense(1)])
fill_weights(momentum, seed=4)
momentum.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse")
results["momentum_loss"] = momentum.fit(ids, target, batch_size=16, epochs=3, shuffle=False, verbose=0).history["loss"]
results["momentum_prediction"] = momentum.predict(ids[:4], verbose=0)

emit(results)
