# parity: section=everyday.training_api
"""Targets given as a dict keyed by the name of a model's only output, as keras.io's FNet
and Transformer text generators build them in their tf.data map function:
`return {"encoder_inputs": x, "decoder_inputs": y[:-1]}, {"outputs": y[1:]}`, the
decoder a nested Model named "outputs".

Variants: the dataset trained with fit and validation_data and evaluated; fit of NumPy
arrays with a dict literal target naming a Dense output layer; evaluate with it.
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

rng = np.random.RandomState(0)
sources = rng.randint(1, 12, size=(24, 6)).astype("int32")
targets = rng.randint(1, 12, size=(24, 7)).astype("int32")


def vectorize(source, target):
    return {"encoder_inputs": source, "decoder_inputs": target[:-1]}, {"outputs": target[1:]}


dataset = tf.data.Dataset.from_tensor_slices((sources, targets)).map(vectorize).batch(8)

encoder_inputs = keras.Input(shape=(6,), dtype="int32", name="encoder_inputs")
decoder_inputs = keras.Input(shape=(6,), dtype="int32", name="decoder_inputs")
encoded = layers.GlobalAveragePooling1D()(layers.Embedding(12, 4)(encoder_inputs))
embedded = layers.Embedding(12, 4)(decoder_inputs)
decoder_state = keras.Input(shape=(4,), name="decoder_state")
mixed = embedded + layers.RepeatVector(6)(decoder_state)
decoder = keras.Model([decoder_inputs, decoder_state], layers.Dense(12, activation="softmax")(mixed), name="outputs")
model = keras.Model([encoder_inputs, decoder_inputs], decoder([decoder_inputs, encoded]), name="seq2seq")
fill_weights(model, seed=41)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
history = model.fit(dataset, epochs=2, validation_data=dataset, verbose=0)
evaluation = model.evaluate(dataset, verbose=0)

x = rng.normal(size=(16, 3)).astype("float32")
inputs = keras.Input(shape=(3,))
regressor = keras.Model(inputs, layers.Dense(1, name="score")(layers.Dense(4, activation="relu")(inputs)))
fill_weights(regressor, seed=42)
regressor.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
regression = regressor.fit(x, {"score": x.sum(axis=1, keepdims=True)}, batch_size=8, epochs=2, shuffle=False, verbose=0)

emit({
    "loss": history.history["loss"],
    "val_loss": history.history["val_loss"],
    "evaluation": evaluation,
    "regression_loss": regression.history["loss"],
    "regression_evaluation": regressor.evaluate(x, {"score": x.sum(axis=1, keepdims=True)}, verbose=0),
})
