# parity: section=custom_training.gradient_tape
"""Gradient accumulation in custom training loops, written from the description of the
usual recipe (accumulate the gradients of k micro-batches, apply them once). Variants:

- accumulators made with `tf.zeros_like(v)` over `model.trainable_variables` (keras.ops
  on JAX refused Variables there), summed with the tape's gradients, applied every two
  micro-batches, through a model with BatchNormalization;
- accumulators as non-trainable tf.Variables updated with assign_add and reset with
  assign(tf.zeros_like(...)), each gradient cleaned with
  `tf.where(tf.math.is_finite(g), g, tf.zeros_like(g))`, and a mask `tf.ones_like(v)`
  scaling the update.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

rng = np.random.RandomState(11)
x = rng.normal(size=(32, 5)).astype("float32")
y = (x @ np.linspace(-1.0, 1.0, 5).astype("float32"))[:, None]


def make_model(seed):
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(6, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(1)])
    fill_weights(model, seed=seed)
    return model


# Variant 1: accumulators from zeros_like, rebuilt after each apply.
model = make_model(1)
optimizer = keras.optimizers.Adam(0.02)
accumulated = [tf.zeros_like(v) for v in model.trainable_variables]
losses = []
for step in range(8):
    xb, yb = x[step * 4:(step + 1) * 4], y[step * 4:(step + 1) * 4]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(yb - model(xb, training=True))) / 2.0
    grads = tape.gradient(loss, model.trainable_variables)
    accumulated = [a + g for a, g in zip(accumulated, grads)]
    losses.append(loss)
    if step % 2 == 1:
        optimizer.apply_gradients(zip(accumulated, model.trainable_variables))
        accumulated = [tf.zeros_like(v) for v in model.trainable_variables]

# Variant 2: accumulator variables, cleaned gradients, a mask.
second = make_model(2)
sgd = keras.optimizers.SGD(0.05, momentum=0.5)
slots = [tf.Variable(tf.zeros_like(v), trainable=False) for v in second.trainable_variables]
masks = [tf.ones_like(v) for v in second.trainable_variables]
second_losses = []
for step in range(8):
    xb, yb = x[step * 4:(step + 1) * 4], y[step * 4:(step + 1) * 4]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.abs(yb - second(xb, training=True)))
    grads = tape.gradient(loss, second.trainable_variables)
    for slot, g in zip(slots, grads):
        slot.assign_add(tf.where(tf.math.is_finite(g), g, tf.zeros_like(g)))
    second_losses.append(loss)
    if step % 4 == 3:
        sgd.apply_gradients(zip([s * m / 4.0 for s, m in zip(slots, masks)], second.trainable_variables))
        for slot in slots:
            slot.assign(tf.zeros_like(slot))

emit(
    {
        "losses": losses,
        "weights": model.get_weights(),
        "predictions": model(x[:6], training=False),
        "second_losses": second_losses,
        "second_weights": second.get_weights(),
        "slots": [s.numpy() for s in slots],
    }
)
