# parity: section=everyday.layers
"""A layer's batch_input_shape= / batch_size= (Keras 3 layers refuse both). Variants:
Sequential().add(layer with batch_input_shape), a Sequential list whose first layer has
input_shape= + batch_size=, input_dim= + batch_size=, an InputLayer(batch_input_shape=),
and a later layer's batch_input_shape (ignored by Keras 2); each trained and predicted
with the batch size it declares.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.layers import Conv1D, Dense, Flatten, GRU, InputLayer
from tensorflow.keras.models import Sequential

from parity_io import emit, fill_weights

x_seq = np.linspace(-1, 1, 240).reshape(8, 10, 3).astype("float32")
y = np.cos(x_seq.sum(axis=(1, 2))).reshape(8, 1).astype("float32")
x_flat = x_seq.reshape(8, 30)

added = Sequential()
added.add(Conv1D(4, 3, activation="relu", batch_input_shape=(4, 10, 3)))
added.add(Flatten())
added.add(Dense(1))
fill_weights(added, seed=1)
added.compile(optimizer="sgd", loss="mse")
added_history = added.fit(x_seq, y, batch_size=4, epochs=2, verbose=0, shuffle=False).history

listed = keras.Sequential([
    GRU(5, input_shape=(10, 3), batch_size=4),
    Dense(1, batch_input_shape=(4, 5)),
])
fill_weights(listed, seed=2)
listed.compile(optimizer="adam", loss="mse")
listed_history = listed.fit(x_seq, y, batch_size=4, epochs=2, verbose=0, shuffle=False).history

flat = Sequential([Dense(6, activation="tanh", input_dim=30, batch_size=2), Dense(1)])
fill_weights(flat, seed=3)
flat.compile(optimizer="sgd", loss="mae")
flat_history = flat.fit(x_flat, y, batch_size=2, epochs=1, verbose=0, shuffle=False).history

layered = Sequential([InputLayer(batch_input_shape=(4, 30)), Dense(3), Dense(1)])
fill_weights(layered, seed=4)

emit(
    {
        "added_history": added_history,
        "added_predict": added.predict(x_seq, batch_size=4, verbose=0),
        "added_input_shape": list(added.input_shape),
        "listed_history": listed_history,
        "listed_predict": listed.predict(x_seq, batch_size=4, verbose=0),
        "flat_history": flat_history,
        "flat_input_shape": list(flat.input_shape),
        "layered": layered.predict(x_flat, batch_size=4, verbose=0),
        "layered_input_shape": list(layered.input_shape),
    }
)
