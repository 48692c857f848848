# parity: section=savedmodel.save_load_for_training
"""A SavedModel directory reloaded and trained further (found with keras-migrate verify,
stop 35): tf_keras's load_model("dir") restores the optimizer's configuration but not its
state (iterations 0, no moments), so the continued training restarts Adam / RMSprop /
momentum; the .keras file the save moves to keeps the state. Variants: Adam, RMSprop with
momentum in a function, SGD with momentum through a path variable.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

rng = np.random.RandomState(12)
x = rng.randn(64, 5).astype("float32")
y = (x @ rng.randn(5, 1)).astype("float32")
work = tempfile.mkdtemp()
results = {}


def build(seed):
    model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="tanh", input_shape=(5,)),
                                 tf.keras.layers.Dense(1)])
    fill_weights(model, seed=seed)
    return model


model = build(1)
model.compile(optimizer=tf.keras.optimizers.Adam(0.02), loss="mse")
model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
model.save(os.path.join(work, "adam_model"))
loaded = tf.keras.models.load_model(os.path.join(work, "adam_model"))
results["adam"] = loaded.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False).history["loss"]
results["adam_iterations"] = int(loaded.optimizer.iterations.numpy())


def resume(directory):
    net = build(2)
    net.compile(optimizer=tf.keras.optimizers.RMSprop(0.01, momentum=0.5), loss="mae")
    net.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False)
    net.save(directory)
    again = tf.keras.models.load_model(directory)
    return again.fit(x, y, batch_size=32, epochs=2, verbose=0, shuffle=False).history["loss"]


results["rmsprop"] = resume(os.path.join(work, "rms"))

path = os.path.join(work, "sgd")
sgd = build(3)
sgd.compile(optimizer=tf.keras.optimizers.SGD(0.05, momentum=0.9), loss="mse")
sgd.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
sgd.save(path)
restored = tf.keras.models.load_model(path)
restored.train_on_batch(x[:16], y[:16])
results["sgd"] = restored.predict(x[:4], verbose=0)
emit(results)
