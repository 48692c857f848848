# parity: section=everyday.layers
"""Input shapes given as one int read from data (handson-ml2 ch. 10's wide & deep model:
Input(shape=X_train_A.shape[-1]), and a len() of a column list), which Keras 2 took
as a 1-tuple."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(4)
X_train = rng.uniform(-1, 1, size=(20, 6)).astype("float32")
columns = ["a", "b", "c"]
X_train_A, X_train_B = X_train[:, :5], X_train[:, 3:]
y = (X_train[:, :1] * 2.0).astype("float32")

input_A = keras.layers.Input(shape=X_train_A.shape[-1], name="wide_input")
input_B = keras.layers.Input(shape=len(columns), name="deep_input")
hidden = keras.layers.Dense(4, activation="relu")(input_B)
concat = keras.layers.concatenate([input_A, hidden])
model = keras.models.Model(inputs=[input_A, input_B], outputs=[keras.layers.Dense(1)(concat)])
fill_weights(model, seed=12)
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.05))
history = model.fit((X_train_A, X_train_B), y, batch_size=5, epochs=2, shuffle=False, verbose=0)
emit({"loss": history.history["loss"], "shapes": [list(t.shape[1:]) for t in model.inputs],
      "predictions": model.predict((X_train_A[:3], X_train_B[:3]), verbose=0).tolist()})
