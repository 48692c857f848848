# parity: section=everyday.lstm_text
# parity: atol=1e-4 rtol=1e-3 reason=momentum steps through a masked LSTM accumulate float32 reordering differences between backends
"""An Embedding + LSTM binary text classifier on padded integer sequences."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.preprocessing.sequence import pad_sequences

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

sequences = [[1, 5, 3], [2, 7, 7, 1, 4], [9, 2], [3, 3, 3, 3, 3, 3, 8], [4], [6, 1, 2, 8]]
labels = np.array([1, 0, 1, 0, 1, 0], "float32")
x = pad_sequences(sequences, maxlen=6, padding="post", truncating="post")

model = keras.Sequential(
    [
        keras.layers.Embedding(10, 4, input_length=6, mask_zero=True),
        keras.layers.LSTM(5),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.build((None, 6))
fill_weights(model, seed=27)
model.compile(
    # SGD, not RMSprop/Adam: adaptive steps amplify the ~1e-7 gradient
    # differences between backends' masked-LSTM kernels into ~1e-2 weights.
    optimizer=keras.optimizers.SGD(learning_rate=0.5, momentum=0.9),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(x, labels, batch_size=3, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "padded": x,
        "loss_history": history.history["loss"],
        "probabilities": model.predict(x, verbose=0),
    }
)
