# parity: section=custom_train_step.optimization
"""keras.io's "writing a training loop from scratch": @tf.function train_step/test_step,
`loss_value += sum(model.losses)` (L2), BatchNormalization (moving statistics updated in
the forward pass), metrics with reset_states() per epoch, a tf.data dataset."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = keras.Input(shape=(5,), name="digits")
x = layers.Dense(8, kernel_regularizer=keras.regularizers.l2(1e-2))(inputs)
x = layers.BatchNormalization()(x)
x = layers.Activation("relu")(x)
outputs = layers.Dense(3, name="predictions")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
fill_weights(model, seed=111)

optimizer = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
val_acc_metric = keras.metrics.SparseCategoricalAccuracy()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss_value = loss_fn(y, logits)
        loss_value += sum(model.losses)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    train_acc_metric.update_state(y, logits)
    return loss_value


@tf.function
def test_step(x, y):
    val_logits = model(x, training=False)
    val_acc_metric.update_state(y, val_logits)


rng = np.random.RandomState(111)
x_train = rng.uniform(-1, 1, (32, 5)).astype("float32")
y_train = ((x_train[:, 0] > 0).astype("int32") + (x_train[:, 1] > 0.2).astype("int32"))
train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(8)
val_dataset = tf.data.Dataset.from_tensor_slices((x_train[:16], y_train[:16])).batch(8)

losses, train_accs, val_accs = [], [], []
for epoch in range(3):
    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        loss_value = train_step(x_batch_train, y_batch_train)
        losses.append(float(loss_value))
    train_accs.append(float(train_acc_metric.result()))
    train_acc_metric.reset_states()
    for x_batch_val, y_batch_val in val_dataset:
        test_step(x_batch_val, y_batch_val)
    val_accs.append(float(val_acc_metric.result()))
    val_acc_metric.reset_states()

emit(
    {
        "losses": losses,
        "train_acc": train_accs,
        "val_acc": val_accs,
        "weights": model.get_weights(),
    }
)
