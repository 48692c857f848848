# parity: section=everyday.transfer_learning
"""`training=` given while a functional model is built: the fine-tuning idiom
`base(x, training=False)` (BatchNormalization kept in inference mode while the head and
the unfrozen top train), a layer forced into training mode at predict
(`BatchNormalization()(x, training=True)`: batch statistics), and a custom layer that
branches on `training`, built inside a function."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Scale(layers.Layer):
    def call(self, inputs, training=None):
        if training:
            return inputs * 0.5
        return inputs


def make_base():
    inp = keras.Input(shape=(6,))
    h = layers.Dense(8, name="d1")(inp)
    h = layers.BatchNormalization(name="bn1")(h)
    h = layers.Activation("relu")(h)
    h = layers.Dense(5, name="d2")(h)
    h = layers.BatchNormalization(name="bn2")(h)
    return keras.Model(inp, h, name="base")


def build_classifier(base):
    inputs = keras.Input(shape=(6,))
    x = base(inputs, training=False)
    x = Scale()(x, training=False)
    outputs = layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)


rng = np.random.RandomState(21)
x = rng.normal(loc=1.0, scale=2.0, size=(48, 6)).astype("float32")
y = rng.randint(0, 3, size=(48,))

base = make_base()
fill_weights(base, seed=22)
base.trainable = False
model = build_classifier(base)
fill_weights(model.layers[-1], seed=23)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
head = model.fit(x, y, batch_size=12, epochs=2, shuffle=False, verbose=0)

base.trainable = True
for layer in base.layers[:-2]:
    layer.trainable = False
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
tuned = model.fit(x, y, batch_size=12, epochs=2, shuffle=False, verbose=0)

inputs = keras.Input(shape=(6,))
h = layers.Dense(4, name="probe_dense")(inputs)
h = layers.BatchNormalization(name="probe_bn")(h, training=True)
probe = keras.Model(inputs, h)
fill_weights(probe, seed=24)

emit(
    {
        "head_loss": head.history["loss"],
        "tuned_loss": tuned.history["loss"],
        "bn2_moving_mean": base.get_layer("bn2").moving_mean.numpy(),
        "bn1_moving_variance": base.get_layer("bn1").moving_variance.numpy(),
        "predictions": model.predict(x[:6], verbose=0),
        "evaluate": model.evaluate(x, y, verbose=0),
        "probe_predict": probe.predict(x[:8], batch_size=8, verbose=0),
    }
)
