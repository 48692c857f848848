# parity: section=state_building
"""add_weight(synchronization=ON_READ, aggregation=MEAN): Keras 2 made such weights non-trainable."""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class ShiftScale(layers.Layer):
    def build(self, input_shape):
        self.shift = self.add_weight(
            "shift",
            (input_shape[-1],),
            initializer="zeros",
            synchronization=tf.VariableSynchronization.ON_READ,
            aggregation=tf.VariableAggregation.MEAN,
        )
        self.scale = self.add_weight(
            name="scale", shape=(input_shape[-1],), initializer="ones",
            aggregation=tf.VariableAggregation.SUM,
        )
        self.seen = self.add_weight(
            name="seen", shape=(), initializer="zeros", trainable=False,
            synchronization=tf.VariableSynchronization.ON_READ,
            aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA,
        )

    def call(self, inputs):
        return (inputs - self.shift) * self.scale


model = tf.keras.Sequential([tf.keras.layers.Dense(4, input_shape=(3,)), ShiftScale(), tf.keras.layers.Dense(1)])
fill_weights(model, seed=2)
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse")
rng = np.random.RandomState(12)
x = rng.uniform(-1, 1, (12, 3)).astype("float32")
y = rng.uniform(-1, 1, (12, 1)).astype("float32")
history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
layer = model.layers[1]
emit(
    {
        "loss_history": history.history["loss"],
        "trainable_count": len(layer.trainable_weights),
        "shift_after_fit": layer.shift,
        "scale_after_fit": layer.scale,
        "predictions": model.predict(x, verbose=0),
    }
)
