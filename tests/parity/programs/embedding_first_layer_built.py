# parity: section=everyday.layers
"""Sequential models that start with an Embedding, used before any call: the pretrained
GloVe idiom (`model.layers[0].set_weights([embedding_matrix])`, then frozen), an
Embedding without input_length added with model.add() and its weights read at once, and
output_shape / count_params of the built model. Keras 2 built all of them at
construction; Keras 3 ignored input_length and raised in set_weights."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.layers import Dense, Embedding, Flatten, GlobalAveragePooling1D, LSTM

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

maxlen, vocab_size, dim = 6, 12, 4
rng = np.random.RandomState(5)
embedding_matrix = rng.normal(size=(vocab_size, dim)).astype("float32")
x = rng.randint(0, vocab_size, size=(24, maxlen))
y = (x.sum(axis=1) % 2).astype("float32")

glove = keras.Sequential([Embedding(vocab_size, dim, input_length=maxlen), Flatten(), Dense(1, activation="sigmoid")])
glove.layers[0].set_weights([embedding_matrix])
glove.layers[0].trainable = False
fill_weights(glove.layers[2], seed=1)
glove.compile(optimizer=keras.optimizers.SGD(learning_rate=0.2), loss="binary_crossentropy")
history = glove.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)

rnn = keras.Sequential()
rnn.add(keras.layers.Embedding(input_dim=vocab_size, output_dim=dim, mask_zero=True))
rnn.add(LSTM(3))
rnn.add(Dense(1))
weights_at_start = len(rnn.get_weights())
fill_weights(rnn, seed=2)
rnn_out = rnn.predict(x[:5], verbose=0)

pooled = keras.Sequential([Embedding(vocab_size, dim, input_length=maxlen), GlobalAveragePooling1D(), Dense(2)])
fill_weights(pooled, seed=3)

emit(
    {
        "history": history.history["loss"],
        "glove_weights": glove.get_weights(),
        "glove_shape": list(glove.output_shape[1:]),
        "weights_at_start": float(weights_at_start),
        "rnn": rnn_out,
        "pooled_params": float(pooled.count_params()),
        "pooled": pooled.predict(x[:3], verbose=0),
    }
)
