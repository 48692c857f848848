# parity: section=everyday.training_api
# parity: tensorflow_only=the model takes tf.string inputs (Input(dtype="string")): only TensorFlow has string tensors
"""A structured-data model with a string input fed NumPy string arrays, written from
keras.io's structured-data recipe (found with keras-migrate verify: Keras 3's data
adapters refused the arrays, "Invalid dtype: str160"). Variants: a dict of inputs with a
NumPy unicode column and a float matrix in fit(); validation data; predict() of a fresh
NumPy array; evaluate(x=...) of an object array (a DataFrame column's `.values`).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

rng = np.random.RandomState(9)
n = 60
city = rng.choice(["paris", "rome", "oslo", "lima"], size=n)
num = np.stack([rng.randint(18, 70, size=n), rng.rand(n) * 100], axis=1).astype("float32")
label = ((num[:, 0] > 40) & (city != "oslo")).astype("float32")

city_in = keras.Input(shape=(1,), dtype=tf.string, name="city")
num_in = keras.Input(shape=(2,), name="num")
lookup = layers.StringLookup(output_mode="one_hot", vocabulary=["lima", "oslo", "paris", "rome"])
norm = layers.Normalization(mean=[44.0, 50.0], variance=[196.0, 833.0])
x = layers.concatenate([lookup(city_in), norm(num_in)])
out = layers.Dense(1, activation="sigmoid")(layers.Dense(6, activation="relu")(x))
model = keras.Model([city_in, num_in], out)
fill_weights(model, seed=4)
model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy", metrics=["accuracy"])
inputs = {"city": city[:, None], "num": num}
history = model.fit(inputs, label, epochs=3, batch_size=15, verbose=0, shuffle=False,
                    validation_data=({"city": city[:20, None], "num": num[:20]}, label[:20]))
predicted = model.predict({"city": np.array([["rome"], ["oslo"]]), "num": np.array([[50.0, 10.0], [30.0, 90.0]], "float32")},
                          verbose=0)
city_model = keras.Model(city_in, lookup(city_in))
scores = model.evaluate(x={"city": city[:, None].astype(object), "num": num}, y=label, verbose=0)
emit({"history": history.history, "predicted": predicted, "scores": scores,
      "one_hot": city_model.predict(np.array([["paris"], ["nowhere"]]), verbose=0)})
