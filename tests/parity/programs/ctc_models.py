# parity: section=everyday.backend_functions
"""CTC training and decoding as keras.io's speech recognition and OCR examples write
them with Keras 2's backend functions.

Variants: a loss function calling `keras.backend.ctc_batch_cost` with (batch, 1) lengths
built from tf.shape (the speech model, compiled as `loss=CTCLoss`); an OCR-style endpoint
layer holding `self.loss_fn = keras.backend.ctc_batch_cost` as a value and adding the
loss with add_loss (weights compared: the logged loss is KM218's); greedy `keras.backend.ctc_decode` of the predictions with
`input_length=np.ones(n) * steps`, its labels mapped back to text on the host.
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

characters = list("abcde")
char_to_num = layers.StringLookup(vocabulary=characters, oov_token="")
num_to_char = layers.StringLookup(vocabulary=char_to_num.get_vocabulary(), oov_token="", invert=True)


def CTCLoss(y_true, y_pred):
    batch_len = tf.cast(tf.shape(y_true)[0], dtype="int64")
    input_length = tf.cast(tf.shape(y_pred)[1], dtype="int64")
    label_length = tf.cast(tf.shape(y_true)[1], dtype="int64")
    input_length = input_length * tf.ones(shape=(batch_len, 1), dtype="int64")
    label_length = label_length * tf.ones(shape=(batch_len, 1), dtype="int64")
    return keras.backend.ctc_batch_cost(y_true, y_pred, input_length, label_length)


class CTCLayer(layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.backend.ctc_batch_cost

    def call(self, y_true, y_pred):
        batch_len = tf.cast(tf.shape(y_true)[0], dtype="int64")
        input_length = tf.cast(tf.shape(y_pred)[1], dtype="int64")
        label_length = tf.cast(tf.shape(y_true)[1], dtype="int64")
        input_length = input_length * tf.ones(shape=(batch_len, 1), dtype="int64")
        label_length = label_length * tf.ones(shape=(batch_len, 1), dtype="int64")
        self.add_loss(self.loss_fn(y_true, y_pred, input_length, label_length))
        return y_pred


def decode_batch_predictions(pred):
    input_len = np.ones(pred.shape[0]) * pred.shape[1]
    results = keras.backend.ctc_decode(pred, input_length=input_len, greedy=True)[0][0]
    output_text = []
    for result in results:
        output_text.append(tf.strings.reduce_join(num_to_char(result)).numpy().decode("utf-8"))
    return results, output_text


rng = np.random.RandomState(0)
steps, features, label_len = 12, 6, 4
x = rng.normal(size=(16, steps, features)).astype("float32")
labels = rng.randint(1, len(characters) + 1, size=(16, label_len)).astype("float32")

inputs = keras.Input(shape=(steps, features))
h = layers.Bidirectional(layers.GRU(8, return_sequences=True))(inputs)
outputs = layers.Dense(len(char_to_num.get_vocabulary()) + 1, activation="softmax")(h)
speech = keras.Model(inputs, outputs)
fill_weights(speech, seed=31)
speech.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss=CTCLoss)
speech_history = speech.fit(x, labels, batch_size=8, epochs=2, shuffle=False, verbose=0)
predictions = speech.predict(x[:4], verbose=0)
decoded, texts = decode_batch_predictions(predictions)

image = keras.Input(shape=(steps, features), name="image")
label = keras.Input(shape=(None,), name="label", dtype="float32")
y = layers.Dense(16, activation="relu")(image)
y = layers.Dense(len(char_to_num.get_vocabulary()) + 1, activation="softmax")(y)
ocr = keras.Model([image, label], CTCLayer(name="ctc_loss")(label, y))
fill_weights(ocr, seed=32)
ocr.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))
ocr_history = ocr.fit({"image": x, "label": labels}, batch_size=8, epochs=2, shuffle=False, verbose=0)

emit({
    "speech_loss": speech_history.history["loss"],
    "speech_ctc": CTCLoss(labels[:3], predictions[:3]),
    "decoded": decoded,
    "text_codes": [[ord(c) for c in text.ljust(steps)] for text in texts],
    # The logged OCR loss is the mean of the per-sample losses in Keras 2 and their sum in
    # Keras 3 (KM218 reports it); training (the sum's gradients) is the same.
    "ocr_weights": [[w.sum() for w in layer.get_weights()] for layer in ocr.layers if layer.get_weights()],
})
