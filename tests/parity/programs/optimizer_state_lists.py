# parity: section=everyday.training_api
"""An optimizer's state read and restored as lists (found with keras-migrate verify,
stop 35: Keras 3 optimizers have no get_weights()/variables() methods, and their
variables list the learning rate too): a legacy Adam with amsgrad read with
get_weights() (slots grouped by kind), a tf_keras 2.11+ RMSprop through variables()
(creation order), a legacy SGD's state copied into a second model's optimizer with
set_weights(), and a callback snapshotting self.model.optimizer.get_weights().
"""
import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

rng = np.random.RandomState(30)
x = rng.randn(40, 3).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")


def build(seed):
    model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="tanh", input_shape=(3,)),
                                 tf.keras.layers.Dense(1)])
    fill_weights(model, seed=seed)
    return model


def summary(values):
    return [[float(np.sum(np.abs(v))), float(np.size(v))] for v in values]


class Snapshot(tf.keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.states = []

    def on_epoch_end(self, epoch, logs=None):
        self.states.append(summary(self.model.optimizer.get_weights()))


adam = tf.keras.optimizers.legacy.Adam(0.01, amsgrad=True)
first = build(1)
first.compile(optimizer=adam, loss="mse")
snapshot = Snapshot()
first.fit(x, y, batch_size=10, epochs=2, verbose=0, shuffle=False, callbacks=[snapshot])

second = build(2)
second.compile(optimizer=tf.keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True), loss="mse")
second.fit(x, y, batch_size=10, epochs=1, verbose=0, shuffle=False)
rms_variables = second.optimizer.variables()

source = build(3)
source.compile(optimizer=tf.keras.optimizers.legacy.SGD(0.05, momentum=0.9), loss="mse")
source.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
target = build(3)
target.compile(optimizer=tf.keras.optimizers.legacy.SGD(0.05, momentum=0.9), loss="mse")
target.train_on_batch(x[:8], y[:8])
target.optimizer.set_weights(source.optimizer.get_weights())
target.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
emit({"adam": summary(adam.get_weights()), "snapshots": snapshot.states,
      "rmsprop": summary([v.numpy() for v in rms_variables]),
      "target": target.predict(x[:4], verbose=0), "source": source.predict(x[:4], verbose=0)})
