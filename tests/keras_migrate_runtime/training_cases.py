"""Stateful training steps: Keras 2 with tf.GradientTape vs keras_migrate_runtime on Keras 3.

    python training_cases.py keras2 OUT.json        (TF_USE_LEGACY_KERAS=1)
    python training_cases.py keras3 OUT.json        (KERAS_BACKEND=jax|tensorflow|torch)

Four models: a GAN with its own compile(d_optimizer, g_optimizer) and loss trackers, a
classifier with BatchNormalization, gradient clipping and SGD momentum, a model built
only by its first step (its call() takes tensors it holds, not the batch), and one built
by its first train step (no test step; call() takes part of the batch, a list). The Keras 3
versions are what the migrator writes: the tape's block becomes a function given to
value_and_grad, and the class derives from BackendAgnosticSteps.
"""

import json
import sys

import numpy as np

MODE, OUT = sys.argv[1], sys.argv[2]
if MODE == "keras2":
    import tensorflow as tf
    from tensorflow import keras

    ops = None
    Base = keras.Model
else:
    import keras
    from keras import ops

    from keras_migrate_runtime import BackendAgnosticSteps, value_and_grad

    Base = (BackendAgnosticSteps, keras.Model)


def ones(*shape):
    return np.ones(shape, "float32")


class GAN(*(Base if isinstance(Base, tuple) else (Base,))):
    def __init__(self, d, g, latent):
        super().__init__()
        self.d, self.g, self.latent = d, g, latent
        self.d_tracker = keras.metrics.Mean(name="d_loss")
        self.g_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_tracker, self.g_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    def train_step(self, real):
        if MODE == "keras2":
            batch = tf.shape(real)[0]
            z = tf.ones((batch, self.latent)) * 0.5
            combined = tf.concat([self.g(z), real], axis=0)
            labels = tf.concat([tf.ones((batch, 1)), tf.zeros((batch, 1))], axis=0)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.d(combined))
            grads = tape.gradient(d_loss, self.d.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.d.trainable_weights))
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(tf.zeros((batch, 1)), self.d(self.g(z)))
            grads = tape.gradient(g_loss, self.g.trainable_weights)
        else:
            batch = ops.shape(real)[0]
            z = ops.ones((batch, self.latent)) * 0.5
            combined = ops.concatenate([self.g(z), real], axis=0)
            labels = ops.concatenate([ops.ones((batch, 1)), ops.zeros((batch, 1))], axis=0)

            def d_forward():
                return self.loss_fn(labels, self.d(combined))

            d_loss, grads = value_and_grad(d_forward, self.d.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.d.trainable_weights))

            def g_forward():
                return self.loss_fn(ops.zeros((batch, 1)), self.d(self.g(z)))

            g_loss, grads = value_and_grad(g_forward, self.g.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.g.trainable_weights))
        self.d_tracker.update_state(d_loss)
        self.g_tracker.update_state(g_loss)
        return {"d_loss": self.d_tracker.result(), "g_loss": self.g_tracker.result()}


class Clipped(*(Base if isinstance(Base, tuple) else (Base,))):
    """Logs from its own trackers: what compiled_loss/compiled_metrics become is the
    train_step rule's business (tests/parity), not this runtime test's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_mean = keras.metrics.Mean(name="loss_mean")
        self.mae = keras.metrics.MeanAbsoluteError(name="mae_value")

    def train_step(self, data):
        x, y = data
        if MODE == "keras2":
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = tf.reduce_mean(tf.square(y - y_pred))
            grads = tape.gradient(loss, self.trainable_variables)
            grads = [tf.clip_by_value(g, -0.1, 0.1) for g in grads]
        else:
            def forward():
                y_pred = self(x, training=True)
                return ops.mean(ops.square(y - y_pred)), y_pred

            (loss, y_pred), grads = value_and_grad(forward, lambda: self.trainable_variables)
            grads = [ops.clip(g, -0.1, 0.1) for g in grads]
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.loss_mean.update_state(loss)
        self.mae.update_state(y, y_pred)
        return {"loss_mean": self.loss_mean.result(), "mae_value": self.mae.result()}


d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_initializer="ones"),
                      keras.layers.Dense(1, kernel_initializer="ones")])
g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, kernel_initializer="ones")])
gan = GAN(d, g, 2)
gan.compile(keras.optimizers.Adam(0.01), keras.optimizers.Adam(0.02),
            keras.losses.BinaryCrossentropy(from_logits=True))
x = np.linspace(0, 1, 32, dtype="float32").reshape(8, 4)
gan_history = gan.fit(x, epochs=3, batch_size=4, verbose=0, shuffle=False).history

inputs = keras.Input((4,))
hidden = keras.layers.BatchNormalization()(keras.layers.Dense(5, kernel_initializer="ones")(inputs))
clipped = Clipped(inputs, keras.layers.Dense(1, kernel_initializer="ones")(hidden))
clipped.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9))
clip_history = clipped.fit(x, x.sum(1, keepdims=True), epochs=3, batch_size=4, verbose=0, shuffle=False).history


class Held(*(Base if isinstance(Base, tuple) else (Base,))):
    """keras.io's GAT: call() takes graph tensors the model holds, the batches are node
    indices and labels. Keras 3 cannot build it by calling it on a batch; Keras 2 built it
    in its first step, and so does BackendAgnosticSteps (its test step, metrics reset)."""

    def __init__(self, nodes, edges, **kwargs):
        super().__init__(**kwargs)
        self.nodes, self.edges = nodes, edges
        self.inner = keras.layers.Dense(3, kernel_initializer="ones")
        self.out = keras.layers.Dense(2, kernel_initializer="ones")
        self.loss_mean = keras.metrics.Mean(name="loss_mean")

    def call(self, inputs):
        nodes, edges = inputs
        return self.out(self.inner(nodes) * edges)

    def _loss(self, indices, labels):
        take = (lambda a, i: tf.gather(a, i)) if MODE == "keras2" else (lambda a, i: ops.take(a, i, axis=0))
        outputs = take(self([self.nodes, self.edges]), indices)
        return keras.losses.sparse_categorical_crossentropy(labels, outputs, from_logits=True)

    def train_step(self, data):
        indices, labels = data
        if MODE == "keras2":
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(self._loss(indices, labels))
            grads = tape.gradient(loss, self.trainable_weights)
        else:
            def forward():
                return ops.mean(self._loss(indices, labels))

            loss, grads = value_and_grad(forward, lambda: self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.loss_mean.update_state(loss)
        return {"loss_mean": self.loss_mean.result()}

    def test_step(self, data):
        indices, labels = data
        self.loss_mean.update_state(self._loss(indices, labels))
        return {"loss_mean": self.loss_mean.result()}


nodes = np.linspace(-1, 1, 24, dtype="float32").reshape(6, 4)
held = Held(nodes, np.linspace(0.5, 1.5, 18, dtype="float32").reshape(6, 3))
held.compile(optimizer=keras.optimizers.SGD(0.1))
held_history = held.fit(np.arange(6), np.array([0, 1, 1, 0, 1, 0]), epochs=3, batch_size=3, verbose=0,
                        shuffle=False).history


class FirstStep(*(Base if isinstance(Base, tuple) else (Base,))):
    """keras.io molecule_generation: fit() gets a list of three arrays, the step checks
    it got tuples, calls the model on two of them (its Dense layers are made then) and
    has no test step. Keras 2 built it in its first step; BackendAgnosticSteps runs that
    step once and puts every variable back (Adam's too)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encode = keras.layers.Dense(3, kernel_initializer="ones")
        self.head = keras.layers.Dense(1, kernel_initializer="ones")
        self.tracker = keras.metrics.Mean(name="total")

    def call(self, inputs):
        a, b = inputs
        concatenate = tf.concat if MODE == "keras2" else ops.concatenate
        return self.head(self.encode(concatenate([a, b], -1)))

    def train_step(self, data):
        assert isinstance(data[0], tuple), type(data[0])
        a, b, target = data[0]
        if MODE == "keras2":
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(self([a, b], training=True)[:, 0] - target))
            grads = tape.gradient(loss, self.trainable_weights)
        else:
            def forward():
                return ops.mean(ops.square(self([a, b], training=True)[:, 0] - target))

            loss, grads = value_and_grad(forward, lambda: self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.tracker.update_state(loss)
        return {"total": self.tracker.result()}


first = FirstStep()
first.compile(optimizer=keras.optimizers.Adam(0.05))
columns = [np.linspace(-1, 1, 12, dtype="float32").reshape(6, 2), np.linspace(0, 2, 12, dtype="float32").reshape(6, 2),
           np.linspace(1, 0, 6, dtype="float32")]
first_history = first.fit(columns, epochs=2, batch_size=3, verbose=0, shuffle=False).history


def values(weights):
    return [np.asarray(w).tolist() for w in weights]


with open(OUT, "w") as handle:
    json.dump({"gan_history": gan_history, "gan_d": values(d.weights), "gan_g": values(g.weights),
               "clip_loss": clip_history["loss_mean"], "clip_mae": clip_history["mae_value"],
               "clip_weights": values([w for layer in clipped.layers for w in layer.weights]),
               "held_loss": held_history["loss_mean"], "held_weights": values(held.inner.weights + held.out.weights),
               "first_loss": first_history["total"], "first_weights": values(first.encode.weights + first.head.weights),
               "first_steps": int(first.optimizer.iterations)},
              handle)
