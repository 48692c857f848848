# parity: section=everyday.training_api
"""TPU detection with a fallback, as Kaggle and keras.io programs open (keras_recipes/
tfrecord, vision/xray_classification_with_tpus): no TPU here, so each detection falls
back to the default strategy, the batch size is scaled by num_replicas_in_sync and the
model is built and compiled under strategy.scope().

Variants: connect() under a bare except, printing the device inside the try; the
TPUClusterResolver constructor with experimental_connect_to_cluster and
initialize_tpu_system under `except ValueError`; detection inside a function returning
the strategy, caught as `except (ValueError, RuntimeError)`; fit, evaluate and predict
under and outside the scope.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

try:
    tpu = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
    print("Device:", tpu.master())
    strategy = tf.distribute.TPUStrategy(tpu)
except:
    strategy = tf.distribute.get_strategy()
print("Number of replicas:", strategy.num_replicas_in_sync)

try:
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu="")
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    second = tf.distribute.experimental.TPUStrategy(resolver)
except ValueError:
    second = tf.distribute.get_strategy()


def detect():
    try:
        found = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
        return tf.distribute.TPUStrategy(found)
    except (ValueError, RuntimeError):
        return tf.distribute.get_strategy()


third = detect()
BATCH_SIZE = 8 * strategy.num_replicas_in_sync
AUTOTUNE = tf.data.AUTOTUNE

rng = np.random.RandomState(0)
x = rng.normal(size=(48, 6)).astype("float32")
y = (x[:, :1] * 0.7 - x[:, 1:2] + 0.1).astype("float32")
labels = (x[:, 2] > 0).astype("int32")
dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH_SIZE).prefetch(AUTOTUNE)


def make_model():
    inputs = keras.Input(shape=(6,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1)(hidden))


with strategy.scope():
    model = make_model()
    fill_weights(model, seed=1)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])

history = model.fit(dataset, epochs=3, verbose=0)

with second.scope():
    classifier = keras.Sequential([keras.layers.Dense(4, activation="tanh", input_shape=(6,)),
                                   keras.layers.Dense(2)])
    fill_weights(classifier, seed=2)
    classifier.compile(optimizer="sgd",
                       loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                       metrics=["accuracy"])
classifier.fit(x, labels, batch_size=16 * second.num_replicas_in_sync, epochs=2, verbose=0, shuffle=False)

with third.scope():
    evaluated = model.evaluate(dataset, verbose=0)

emit({
    "replicas": [strategy.num_replicas_in_sync, second.num_replicas_in_sync, third.num_replicas_in_sync],
    "loss": history.history["loss"],
    "mae": history.history["mae"],
    "evaluated": evaluated,
    "predictions": model.predict(x[:5], verbose=0),
    "classifier_weights": classifier.get_weights(),
    "classifier_logits": classifier.predict(x[:4], verbose=0),
})
