# parity: section=everyday.layers
# parity: tensorflow_only=Keras 3 carries a stateful RNN's states across batches only on TensorFlow (JAX drops them, PyTorch fails in fit)
"""Stateful recurrent layers as Keras 2 time-series tutorials use them: an LSTM added
with batch_input_shape, trained one epoch at a time with reset_states() in between,
predicted batch by batch; a GRU in a Sequential list with input_shape + batch_size; a
one-sample model sharing the trained weights, stepped through a sequence and reset.
"""
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import GRU, LSTM, Dense
from tensorflow.keras.models import Sequential

from parity_io import emit, fill_weights

series = np.sin(np.linspace(0, 6, 41)).astype("float32")
X = series[:-1].reshape(40, 1, 1)
y = series[1:].reshape(40, 1)
batch_size = 4

model = Sequential()
model.add(LSTM(6, batch_input_shape=(batch_size, X.shape[1], X.shape[2]), stateful=True))
model.add(Dense(1))
fill_weights(model, seed=1)
model.compile(loss="mean_squared_error", optimizer="adam")
losses = []
for i in range(3):
    losses.append(model.fit(X, y, epochs=1, batch_size=batch_size, verbose=0, shuffle=False).history["loss"])
    model.reset_states()
predicted = model.predict(X[:12], batch_size=batch_size, verbose=0)
model.reset_states()

gru = Sequential([GRU(4, input_shape=(1, 1), batch_size=batch_size, stateful=True), Dense(1)])
fill_weights(gru, seed=2)
gru.compile(loss="mae", optimizer="sgd")
gru_history = gru.fit(X, y, epochs=2, batch_size=batch_size, verbose=0, shuffle=False).history

single = Sequential([LSTM(6, batch_input_shape=(1, 1, 1), stateful=True), Dense(1)])
single.set_weights(model.get_weights())
steps = [single.predict(X[t:t + 1], batch_size=1, verbose=0) for t in range(5)]
single.reset_states()
again = single.predict(X[:1], batch_size=1, verbose=0)

emit({"losses": losses, "predicted": predicted, "gru_history": gru_history, "steps": steps, "again": again})
