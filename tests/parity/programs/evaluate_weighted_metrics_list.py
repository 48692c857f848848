# parity: section=everyday.training_api
"""evaluate() as a list for a model compiled with the same metric in `metrics` and
`weighted_metrics`, with class weights in fit(), written from the Keras 2 guide's
class-weight recipe (found with keras-migrate verify, stop 34): Keras 2 returns [loss,
metric, weighted metric], Keras 3.15 four values (history keys and return_dict=True agree
with Keras 2). KM145 reads the list by Keras 2's names.
"""
import numpy as np
from tensorflow import keras

from parity_io import emit, fill_weights

rng = np.random.RandomState(97)
x = rng.randn(90, 4).astype("float32")
y = np.digitize(x[:, 0], [-0.8, 0.8])
model = keras.Sequential([keras.layers.Dense(6, activation="relu", input_shape=(4,)),
                          keras.layers.Dense(3, activation="softmax")])
fill_weights(model, seed=2)
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
              metrics=["sparse_categorical_accuracy"], weighted_metrics=["sparse_categorical_accuracy"])
history = model.fit(x, y, class_weight={0: 2.0, 1: 0.5, 2: 1.5}, epochs=2, batch_size=15, verbose=0, shuffle=False)
emit({"history": history.history, "scores": model.evaluate(x, y, verbose=0)})
