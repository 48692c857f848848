"""An LSTM sentiment model trained from a Python generator (Keras 2 style)."""

import numpy as np
import tensorflow as tf


def build_model(vocab_size=50, units=8):
    model = tf.keras.Sequential([
        tf.keras.layers.Embedding(vocab_size, 8, embeddings_initializer="ones"),
        tf.keras.layers.LSTM(units),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=tf.keras.optimizers.RMSprop(lr=0.01), loss="binary_crossentropy")
    return model


def batches(tokens, labels, batch_size=8):
    """Endless (tokens, labels) batches, the way Keras 2 generators were written."""
    while True:
        for start in range(0, len(tokens), batch_size):
            yield tokens[start:start + batch_size], labels[start:start + batch_size]


def train(model, tokens, labels, epochs=2):
    steps = int(np.ceil(len(tokens) / 8))
    history = model.fit_generator(batches(tokens, labels), steps_per_epoch=steps, epochs=epochs, verbose=0)
    return history.history["loss"]
