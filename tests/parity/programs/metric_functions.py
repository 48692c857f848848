# parity: section=everyday.metrics
"""Metric functions in compile(): the f1/precision/recall trio of many notebooks on a
sigmoid output with rank-1 labels, integer labels, a rank-1 output with (batch, 1)
labels, weighted metrics with sample weights, and a lambda."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


def recall_m(y_true, y_pred):
    true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
    possible_positives = K.sum(K.round(K.clip(y_true, 0, 1)))
    return true_positives / (possible_positives + K.epsilon())


def precision_m(y_true, y_pred):
    true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
    predicted_positives = K.sum(K.round(K.clip(y_pred, 0, 1)))
    return true_positives / (predicted_positives + K.epsilon())


def f1_m(y_true, y_pred):
    precision = precision_m(y_true, y_pred)
    recall = recall_m(y_true, y_pred)
    return 2 * ((precision * recall) / (precision + recall + K.epsilon()))


def hit_rate(y_true, y_pred):
    return K.mean(K.equal(y_true, K.round(y_pred)))


def abs_error(y_true, y_pred):
    return K.mean(K.abs(y_true - y_pred))


rng = np.random.RandomState(11)
x = rng.normal(size=(40, 5)).astype("float32")
labels = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("float32")  # shape (40,)
int_labels = labels.astype("int32")
weights = rng.uniform(0.5, 2.0, size=(40,)).astype("float32")

classifier = keras.Sequential([keras.layers.Dense(6, activation="relu", input_shape=(5,)),
                               keras.layers.Dense(1, activation="sigmoid")])
fill_weights(classifier, seed=12)
classifier.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy",
                   metrics=["accuracy", f1_m, precision_m, recall_m],
                   weighted_metrics=[hit_rate, lambda t, p: K.mean(K.square(t - p))])
fit = classifier.fit(x, labels, sample_weight=weights, batch_size=10, epochs=2, shuffle=False, verbose=0)
scores = classifier.evaluate(x, labels, batch_size=20, verbose=0)

ints = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(5,))])
fill_weights(ints, seed=13)
ints.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[hit_rate, f1_m])
int_fit = ints.fit(x, int_labels, batch_size=8, epochs=2, shuffle=False, verbose=0)

flat_in = keras.Input(shape=(5,))
flat_out = keras.layers.Lambda(lambda t: t[:, 0])(keras.layers.Dense(1)(flat_in))
regressor = keras.Model(flat_in, flat_out)
fill_weights(regressor, seed=14)
regressor.compile(optimizer="sgd", loss="mse", metrics=[abs_error])
targets = x[:, :1] * 2.0  # (40, 1) next to a (batch,) output
reg_fit = regressor.fit(x, targets, batch_size=10, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "history": {k: v for k, v in fit.history.items() if not k.startswith("<lambda")},
        "lambda_history": [v for k, v in fit.history.items() if k.startswith("<lambda")],
        "evaluate": scores,
        "int_history": int_fit.history,
        "regressor_history": reg_fit.history,
        "predictions": classifier.predict(x[:5], verbose=0),
    }
)
