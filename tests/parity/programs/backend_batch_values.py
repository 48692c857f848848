# parity: section=everyday.backend_functions
"""K.batch_set_value / K.batch_get_value (gone from Keras 3): a per-class metric resetting its vector
variables the tf_keras way, weights read and written in batches, values given as lists, arrays and tensors."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class PerClassHits(keras.metrics.Metric):
    def __init__(self, num_classes=3, name="per_class_hits", **kwargs):
        super().__init__(name=name, **kwargs)
        self.hits = self.add_weight(name="hits", shape=(num_classes,), initializer="zeros")
        self.seen = self.add_weight(name="seen", shape=(num_classes,), initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        labels = tf.one_hot(tf.cast(tf.reshape(y_true, [-1]), "int32"), 3)
        predicted = tf.one_hot(tf.argmax(y_pred, axis=-1), 3)
        self.hits.assign_add(tf.reduce_sum(labels * predicted, axis=0))
        self.seen.assign_add(tf.reduce_sum(labels, axis=0))

    def result(self):
        return tf.reduce_mean(self.hits / (self.seen + K.epsilon()))

    def reset_state(self):
        K.batch_set_value([(v, np.zeros(v.shape)) for v in self.variables])


inputs = keras.Input(shape=(4,))
outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Dense(6, activation="relu")(inputs))
model = keras.Model(inputs, outputs)
fill_weights(model, seed=8)

rng = np.random.RandomState(2)
x = rng.normal(size=(60, 4)).astype("float32")
y = (np.abs(x[:, 0]) * 2).astype("int32").clip(0, 2)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.2), loss="sparse_categorical_crossentropy",
              metrics=[PerClassHits()])
history = model.fit(x, y, batch_size=20, epochs=3, shuffle=False, verbose=0, validation_data=(x[:30], y[:30]))

kernel, bias = model.layers[1].kernel, model.layers[1].bias
before = K.batch_get_value([kernel, bias])
K.batch_set_value([(bias, [0.5] * 6), (kernel, before[0] * 0.5)])
after = K.batch_get_value(model.layers[1].weights)
K.batch_set_value(list(zip(model.layers[1].weights, before)))
emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "evaluate": model.evaluate(x, y, verbose=0),
        "before": [v.tolist() for v in before],
        "after": [v.tolist() for v in after],
        "restored": model.predict(x[:3], verbose=0).tolist(),
    }
)
