# parity: section=removed_features.layer_attributes
"""A custom layer keeping running statistics with self.add_update (gone from Keras 3):
K.moving_average_update (gone too) read again in the same pass, a list of assign ops, a
callable update (run only while the layer is trainable), training and inference passes,
and a frozen copy.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K

from parity_io import emit, fill_weights


class RunningMean(keras.layers.Layer):
    def build(self, input_shape):
        self.mean = self.add_weight(name="mean", shape=(input_shape[-1],), initializer="zeros", trainable=False)
        self.count = self.add_weight(name="count", shape=(), initializer="zeros", trainable=False)
        self.calls = self.add_weight(name="calls", shape=(), initializer="zeros", trainable=False)

    def call(self, inputs, training=None):
        if training:
            self.add_update(K.moving_average_update(self.mean, K.mean(inputs, axis=0), 0.9))
            self.add_update([self.count.assign_add(1.0)])
            self.add_update(lambda: self.calls.assign_add(2.0))
        return inputs - self.mean


x = np.linspace(-1, 1, 16).reshape(8, 2).astype("float32")
model = keras.Sequential([keras.layers.Dense(3, input_shape=(2,)), RunningMean(), keras.layers.Dense(1)])
fill_weights(model, seed=1)
model.compile(optimizer="sgd", loss="mse")
history = model.fit(x, x[:, :1] * 3, epochs=3, batch_size=4, verbose=0, shuffle=False).history
running = model.layers[1]
predicted = model.predict(x, verbose=0)

frozen = keras.Sequential([keras.layers.Dense(3, input_shape=(2,)), RunningMean(), keras.layers.Dense(1)])
fill_weights(frozen, seed=1)
frozen.layers[1].trainable = False
frozen.compile(optimizer="sgd", loss="mse")
frozen_history = frozen.fit(x, x[:, :1] * 3, epochs=2, batch_size=4, verbose=0, shuffle=False).history

emit({"history": history, "mean": running.mean, "count": running.count, "calls": running.calls,
      "predicted": predicted, "frozen_history": frozen_history, "frozen_count": frozen.layers[1].count,
      "frozen_calls": frozen.layers[1].calls, "frozen_mean": frozen.layers[1].mean})
