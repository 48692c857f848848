# parity: section=custom_train_step.optimization
"""Custom steps that change the batch and hand it to Keras' own step, `return
super().train_step((x, y))`, written from their description. Keras 3's JAX steps are
stateless (train_step(state, data)), so the call cannot stay as written there unless the
runtime mixin gives Keras' step the state. Variants:

- a functional subclass scaling uint8 images in train_step, test_step and predict_step,
  each ending in the super() call, with a BatchNormalization (non-trainable state the
  super step updates) and RMSprop;
- a subclassed model (own call()) whose train_step calls `super(Denoiser, self)
  .train_step(data)` on a (x, y, sample_weight) batch after adding a fixed offset, then
  adds its own entry to the logs; its test_step is Keras' own;
- a Sequential subclass whose train_step casts labels and delegates, with a metric
  compiled by name, trained from a tf.data pipeline.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

rng = np.random.RandomState(7)
images = rng.randint(0, 255, size=(48, 6, 6, 1)).astype("uint8")
labels = (images.reshape(48, -1).mean(axis=1) > 127).astype("float32")


class Scaled(keras.Model):
    def train_step(self, data):
        x, y = data
        x = tf.cast(x, tf.float32) / 255.0
        return super().train_step((x, y))

    def test_step(self, data):
        x, y = data
        x = tf.cast(x, tf.float32) / 255.0
        return super().test_step((x, y))

    def predict_step(self, data):
        x = tf.cast(data, tf.float32) / 255.0
        return super().predict_step(x)


inputs = keras.Input(shape=(6, 6, 1))
h = layers.Conv2D(3, 3, activation="relu")(inputs)
h = layers.BatchNormalization()(h)
h = layers.GlobalAveragePooling2D()(h)
outputs = layers.Dense(1, activation="sigmoid")(h)
scaled = Scaled(inputs, outputs)
fill_weights(scaled, seed=1)
scaled.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="binary_crossentropy", metrics=["accuracy"])
scaled_history = scaled.fit(images, labels, batch_size=16, epochs=3, shuffle=False, verbose=0,
                            validation_data=(images[:16], labels[:16]))
scaled_eval = scaled.evaluate(images, labels, batch_size=16, verbose=0)
scaled_pred = scaled.predict(images[:8], verbose=0)


class Denoiser(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(6, activation="tanh")
        self.out = layers.Dense(4)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def train_step(self, data):
        x, y, sample_weight = data
        logs = super(Denoiser, self).train_step((x + 0.25, y, sample_weight))
        logs["offset"] = 0.25
        return logs


features = rng.normal(size=(40, 4)).astype("float32")
weights = rng.uniform(0.5, 1.5, size=(40,)).astype("float32")
denoiser = Denoiser()
denoiser(features[:1])
fill_weights(denoiser, seed=2)
denoiser.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"])
denoiser_history = denoiser.fit(features, features, sample_weight=weights, batch_size=10, epochs=3,
                                shuffle=False, verbose=0)
denoiser_eval = denoiser.evaluate(features, features, batch_size=10, verbose=0)


class LabelCasting(keras.Sequential):
    def train_step(self, data):
        x, y = data
        return super().train_step((x, tf.cast(y, tf.float32)))


counts = rng.normal(size=(32, 5)).astype("float32")
classes = (counts[:, 0] + counts[:, 1] > 0).astype("int64")
sequential = LabelCasting([keras.Input((5,)), layers.Dense(8, activation="relu"),
                           layers.Dense(1, activation="sigmoid")])
fill_weights(sequential, seed=3)
sequential.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5), loss="binary_crossentropy",
                   metrics=["binary_accuracy"])
dataset = tf.data.Dataset.from_tensor_slices((counts, classes)).batch(8)
sequential_history = sequential.fit(dataset, epochs=3, verbose=0)

emit(
    {
        "scaled_history": scaled_history.history,
        "scaled_eval": scaled_eval,
        "scaled_pred": scaled_pred,
        "scaled_weights": scaled.get_weights(),
        "denoiser_history": denoiser_history.history,
        "denoiser_eval": denoiser_eval,
        "denoiser_weights": denoiser.get_weights(),
        "sequential_history": sequential_history.history,
        "sequential_weights": sequential.get_weights(),
    }
)
