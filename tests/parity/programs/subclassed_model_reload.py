# parity: section=savedmodel.save_load_for_training
"""A subclassed model whose second layer takes the first one's output (handson-ml2 ch. 12's
custom models), trained, saved to a SavedModel directory and reloaded with load_model:
the reloaded model predicts and evaluates what the saved one did."""
import os
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

np.random.seed(0)
tf.random.set_seed(0)


class Regressor(keras.models.Model):
    def __init__(self, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.output_dim = output_dim
        self.hidden1 = keras.layers.Dense(6, activation="elu")
        self.hidden2 = keras.layers.Dense(4, activation="elu")
        self.out = keras.layers.Dense(output_dim)

    def get_config(self):
        return {**super().get_config(), "output_dim": self.output_dim}

    def call(self, inputs):
        return self.out(self.hidden2(self.hidden1(inputs)))


rng = np.random.RandomState(3)
x = rng.uniform(-1, 1, size=(32, 5)).astype("float32")
y = (x[:, :1] * 0.5 - x[:, 1:2]).astype("float32")

model = Regressor(1)
model(x[:1])
fill_weights(model, seed=4)
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.05))
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
before = model.predict(x[:4], verbose=0)

path = os.path.join(tempfile.mkdtemp(), "regressor")
model.save(path)
reloaded = keras.models.load_model(path)

emit(
    {
        "loss": history.history["loss"],
        "before": before.tolist(),
        "after": reloaded.predict(x[:4], verbose=0).tolist(),
        "evaluate": reloaded.evaluate(x, y, verbose=0),
    }
)
