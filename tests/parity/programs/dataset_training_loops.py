# parity: section=custom_training.gradient_tape
"""Training-loop functions over tf.data pipelines, as handson-ml2 chapter 13 writes them:
a plain function whose loss subtracts the batch's targets from the model's output, a
@tf.function looping over the dataset with a GradientTape inside (AutoGraph makes a graph
loop of it on TensorFlow), an `enumerate` loop over a module-level pipeline, and a
serialized tensor's .numpy() bytes (tf.io is TensorFlow's on every backend)."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(13)
X = rng.normal(size=(24, 4)).astype("float32")
y = (X @ rng.normal(size=(4, 1))).astype("float32")
train_ds = tf.data.Dataset.from_tensor_slices((X, y)).batch(8)


def make_model(seed):
    model = keras.models.Sequential([keras.layers.Dense(3, activation="tanh", input_shape=[4]), keras.layers.Dense(1)])
    fill_weights(model, seed=seed)
    return model


def train_plain(model, optimizer):
    for X_batch, y_batch in tf.data.Dataset.from_tensor_slices((X, y)).batch(8):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(X_batch) - y_batch))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


@tf.function
def train_graph(model, optimizer):
    for X_batch, y_batch in train_ds:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.mean_squared_error(y_batch, model(X_batch)))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))


def train_steps(model, optimizer):
    losses = []
    for step, (X_batch, y_batch) in enumerate(train_ds):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.abs(y_batch - model(X_batch))) * (1.0 + 0.1 * step)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        losses.append(float(loss))
    return losses


results = {}
plain = make_model(1)
results["plain_loss"] = float(train_plain(plain, keras.optimizers.SGD(learning_rate=0.05)))
results["plain_weights"] = plain.get_weights()
graph = make_model(2)
graph_optimizer = keras.optimizers.SGD(learning_rate=0.05)
for epoch in range(2):
    train_graph(graph, graph_optimizer)
results["graph_weights"] = graph.get_weights()
stepped = make_model(3)
results["step_losses"] = train_steps(stepped, keras.optimizers.SGD(learning_rate=0.05))

image_data = tf.io.serialize_tensor(tf.constant(X[:2]))
feature = tf.train.Feature(bytes_list=tf.train.BytesList(value=[image_data.numpy()]))
restored = tf.io.parse_tensor(feature.bytes_list.value[0], out_type=tf.float32)
results["restored"] = np.asarray(restored)
emit(results)
