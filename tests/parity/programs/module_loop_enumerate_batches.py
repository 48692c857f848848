# parity: section=custom_training.gradient_tape
"""A module-level custom training loop over a tf.data pipeline written with enumerate()
(the Keras guide's `for step, (x_batch, y_batch) in enumerate(train_dataset):`): the
batch's TensorFlow tensors meet the model's backend tensors in the loss. Variants: the
loop nested in an epoch loop with a tuple target; a batch bound whole and unpacked in
the loop; a dict of targets indexed in the loss.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

x = np.linspace(-1.0, 1.0, 96, dtype="float32").reshape(24, 4)
y = np.stack([x.sum(axis=1), x[:, 0] * x[:, 1]], axis=1).astype("float32")
train_dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(6)

model = keras.Sequential([keras.layers.Dense(5, activation="tanh", input_shape=(4,)), keras.layers.Dense(2)])
fill_weights(model, seed=7)
optimizer = keras.optimizers.Adam(learning_rate=0.01)
losses = []
for epoch in range(2):
    for step, (x_batch, y_batch) in enumerate(train_dataset):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x_batch, training=True) - y_batch))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        losses.append(float(loss) * (step + 1))

second = keras.Sequential([keras.layers.Dense(2, input_shape=(4,))])
fill_weights(second, seed=8)
sgd = keras.optimizers.SGD(learning_rate=0.05)
for step, batch in enumerate(train_dataset):
    features, targets = batch
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.abs(targets - second(features)))
    sgd.apply_gradients(zip(tape.gradient(loss, second.trainable_weights), second.trainable_weights))
    losses.append(float(loss))

named = tf.data.Dataset.from_tensor_slices((x, {"sum": y[:, :1], "product": y[:, 1:]})).batch(8)
third = keras.Sequential([keras.layers.Dense(1, input_shape=(4,))])
fill_weights(third, seed=9)
third_sgd = keras.optimizers.SGD(learning_rate=0.05)
for step, (features, labels) in enumerate(named.take(2)):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(labels["sum"] - third(features))) + 0.1 * tf.reduce_sum(features)
    third_sgd.apply_gradients(zip(tape.gradient(loss, third.trainable_weights), third.trainable_weights))
    losses.append(float(loss))

emit({"losses": losses, "weights": model.get_weights() + second.get_weights() + third.get_weights()})
