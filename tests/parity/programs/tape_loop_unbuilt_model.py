# parity: section=custom_training.gradient_tape
"""Custom training loops over models nothing builds before the loop, written from the
usual tf.data tutorial shape (found with keras-migrate verify on such a loop: the
gradient sources were read before the first call, an empty list, and TensorFlow
refused; tf.nn.compute_average_loss kept the file on TensorFlow). Variants:

- a Sequential without an input shape, first called inside a @tf.function step, per
  example losses (reduction NONE) averaged by tf.nn.compute_average_loss over a global
  batch size, metrics updated after the step;
- a subclassed model, first called inside the tape of a plain loop, weighted per example
  losses with compute_average_loss's default batch size.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit


def init(shape, dtype=None):
    size = int(np.prod(shape))
    return np.cos(np.arange(size, dtype="float32") * 0.7).reshape(shape) * 0.4


rng = np.random.RandomState(7)
x = rng.randn(48, 5).astype("float32")
y = (np.abs(x).argmax(axis=1) % 3).astype("int64")
w = np.linspace(0.5, 1.5, 48).astype("float32")

# Variant 1: Sequential without an input shape, @tf.function step.
model = keras.Sequential([keras.layers.Dense(8, activation="relu", kernel_initializer=init),
                          keras.layers.Dense(3, kernel_initializer=init)])
loss_obj = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=keras.losses.Reduction.NONE)
opt = keras.optimizers.Adam(learning_rate=0.02)
acc = keras.metrics.SparseCategoricalAccuracy()


@tf.function
def step(xb, yb):
    with tf.GradientTape() as tape:
        logits = model(xb, training=True)
        loss = tf.nn.compute_average_loss(loss_obj(yb, logits), global_batch_size=16)
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    acc.update_state(yb, logits)
    return loss


losses = []
for epoch in range(2):
    for i in range(0, 48, 16):
        losses.append(step(x[i:i + 16], y[i:i + 16]))


# Variant 2: a subclassed model, plain loop, weighted losses.
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(6, activation="tanh", kernel_initializer=init)
        self.out = keras.layers.Dense(1, kernel_initializer=init)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


net = Net()
sgd = keras.optimizers.SGD(0.05)
target = x.sum(axis=1, keepdims=True)
second_losses = []
for i in range(0, 48, 12):
    with tf.GradientTape() as tape:
        per_example = tf.reduce_mean(tf.square(net(x[i:i + 12]) - target[i:i + 12]), axis=-1)
        loss = tf.nn.compute_average_loss(per_example, sample_weight=w[i:i + 12])
    grads = tape.gradient(loss, net.trainable_weights)
    sgd.apply_gradients(zip(grads, net.trainable_weights))
    second_losses.append(loss)

emit(
    {
        "losses": losses,
        "accuracy": acc.result(),
        "weights": model.get_weights(),
        "second_losses": second_losses,
        "second_weights": net.get_weights(),
    }
)
