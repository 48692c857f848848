# parity: section=everyday.training_api
# parity: tensorflow_only=a Hashing layer inside the model: JAX cannot build it for fit() (KM234)
"""A Hashing layer inside a functional model, next to Discretization, CategoryEncoding
and Normalization, written from keras.io's structured-data preprocessing recipes (found
with keras-migrate verify, stop 34): on JAX fit() raises "Unable to automatically build
the model" (each other layer alone is fine); TensorFlow and PyTorch match Keras 2. KM234
keeps the file on TensorFlow, as for lookup layers.
"""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

rng = np.random.RandomState(83)
age = rng.uniform(10, 80, size=(64, 1)).astype("float32")
code = rng.randint(0, 6, size=(64, 1))
y = ((age[:, 0] > 40) ^ (code[:, 0] % 2 == 0)).astype("float32")
a_in = keras.Input((1,))
c_in = keras.Input((1,), dtype="int64")
buckets = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(layers.Discretization(bin_boundaries=[20.0, 40.0, 60.0])(a_in))
hashed = layers.CategoryEncoding(num_tokens=3, output_mode="one_hot")(layers.Hashing(num_bins=3)(c_in))
feats = layers.concatenate([buckets, hashed, layers.Normalization(mean=45.0, variance=400.0)(a_in)])
model = keras.Model([a_in, c_in], layers.Dense(1, activation="sigmoid")(layers.Dense(6, activation="relu")(feats)))
fill_weights(model, seed=6)
model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
history = model.fit([age, code], y, epochs=2, batch_size=16, verbose=0, shuffle=False)
emit({"history": history.history, "predictions": model.predict([age[:4], code[:4]], verbose=0)})
