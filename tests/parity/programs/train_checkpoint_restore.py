# parity: section=everyday.training_api
# parity: tensorflow_only=tf.train.Checkpoint tracks Keras models and optimizers only on the TensorFlow backend
"""tf.train.Checkpoint + CheckpointManager around a model, its optimizer and an int64
step counter, restored into a fresh model (found with keras-migrate verify, stop 35: on
JAX and PyTorch it crashed silently; the int64 tf.Variable became a trainable
keras.Variable, which PyTorch refuses). Kept on TensorFlow, where it matches Keras 2.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

rng = np.random.RandomState(3)
x = rng.randn(48, 4).astype("float32")
y = (x @ np.array([[0.5], [-1.0], [0.25], [2.0]], "float32")).astype("float32")


def build():
    return tf.keras.Sequential([tf.keras.layers.Dense(6, activation="relu", input_shape=(4,)),
                                tf.keras.layers.Dense(1)])


model = build()
fill_weights(model, seed=1)
optimizer = tf.keras.optimizers.Adam(0.01)
model.compile(optimizer=optimizer, loss="mse")
step = tf.Variable(0, dtype=tf.int64)
directory = tempfile.mkdtemp()
ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer, step=step)
manager = tf.train.CheckpointManager(ckpt, directory, max_to_keep=2)
losses = []
for epoch in range(3):
    losses.append(model.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False).history["loss"][0])
    step.assign_add(1)
    manager.save(checkpoint_number=int(step.numpy()))

fresh = build()
fill_weights(fresh, seed=2)
fresh_opt = tf.keras.optimizers.Adam(0.01)
fresh.compile(optimizer=fresh_opt, loss="mse")
fresh_step = tf.Variable(0, dtype=tf.int64)
tf.train.Checkpoint(model=fresh, optimizer=fresh_opt, step=fresh_step).restore(manager.latest_checkpoint)
emit({"losses": losses, "restored_step": int(fresh_step.numpy()),
      "checkpoints": [int(os.path.basename(p).split("-")[-1]) for p in manager.checkpoints],
      "same_predictions": fresh.predict(x[:4], verbose=0), "original": model.predict(x[:4], verbose=0)})
