# parity: section=custom_train_step.optimization
"""Custom steps whose layers are made inside the step, written from the description of a
SimCLR-style contrastive model (keras.io's semi-supervised contrastive pretraining shape).
Variants:

- a model with no call() of its own: a built encoder, a projection head (a Sequential
  without an input shape) and a linear probe (a Dense) made when the first train step calls
  them; Keras 2 built them there, Keras 3 on JAX and PyTorch asks to build the model first;
- the tape's variables named after the block, `variables = self.encoder.trainable_weights
  + self.projection.trainable_weights`: read before the forward pass they would miss the
  projection head's (made by that pass) on every backend;
- a per-sample loss (no reduction) given to tape.gradient, which differentiates its sum;
  PyTorch's autograd asks for a scalar; a plain loop does the same with a per-sample loss;
- two optimizers of the model's own (contrastive, probe) next to the default compiled one.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit


class Wave(keras.initializers.Initializer):
    """Deterministic weights for layers made inside the step (fill_weights cannot reach them)."""

    def __init__(self, phase=0.0):
        self.phase = phase

    def __call__(self, shape, dtype=None, **kwargs):
        size = int(np.prod(shape))
        values = 0.3 * np.sin(np.arange(size, dtype="float64") * 0.7 + self.phase)
        return tf.constant(values.reshape(shape), dtype=dtype or "float32")

    def get_config(self):
        return {"phase": self.phase}


rng = np.random.RandomState(5)
x = rng.normal(size=(48, 6)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("int32")


def encoder():
    inp = keras.Input(shape=(6,))
    h = layers.Dense(8, activation="relu", kernel_initializer=Wave(0.1))(inp)
    return keras.Model(inp, layers.Dense(5, kernel_initializer=Wave(0.2))(h), name="encoder")


class Contrastive(keras.Model):
    def __init__(self, temperature=0.5):
        super().__init__()
        self.temperature = temperature
        self.encoder = encoder()
        self.projection = keras.Sequential([layers.Dense(5, activation="relu", kernel_initializer=Wave(0.3)),
                                            layers.Dense(3, kernel_initializer=Wave(0.4))])
        self.probe = layers.Dense(2, kernel_initializer=Wave(0.5))

    def compile(self, contrastive_optimizer, probe_optimizer, **kwargs):
        super().compile(**kwargs)
        self.contrastive_optimizer = contrastive_optimizer
        self.probe_optimizer = probe_optimizer
        self.probe_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self.contrastive_tracker = keras.metrics.Mean(name="c_loss")
        self.probe_tracker = keras.metrics.Mean(name="p_loss")
        self.probe_accuracy = keras.metrics.SparseCategoricalAccuracy(name="p_acc")

    @property
    def metrics(self):
        return [self.contrastive_tracker, self.probe_tracker, self.probe_accuracy]

    def contrastive_loss(self, a, b):
        a = tf.math.l2_normalize(a, axis=1)
        b = tf.math.l2_normalize(b, axis=1)
        similarities = tf.matmul(a, b, transpose_b=True) / self.temperature
        labels = tf.range(tf.shape(a)[0])
        forward = keras.losses.sparse_categorical_crossentropy(labels, similarities, from_logits=True)
        backward = keras.losses.sparse_categorical_crossentropy(labels, tf.transpose(similarities),
                                                                from_logits=True)
        return (forward + backward) / 2  # per sample: tape.gradient takes the sum

    def train_step(self, data):
        x, y = data
        first = x * 0.9 + 0.1
        second = tf.reverse(x, axis=[1]) * 1.1
        with tf.GradientTape() as tape:
            a = self.projection(self.encoder(first, training=True), training=True)
            b = self.projection(self.encoder(second, training=True), training=True)
            loss = self.contrastive_loss(a, b)
        variables = self.encoder.trainable_weights + self.projection.trainable_weights
        grads = tape.gradient(loss, variables)
        self.contrastive_optimizer.apply_gradients(zip(grads, variables))
        self.contrastive_tracker.update_state(loss)

        features = self.encoder(x, training=False)
        with tf.GradientTape() as tape:
            logits = self.probe(features, training=True)
            probe_loss = self.probe_loss(y, logits)
        grads = tape.gradient(probe_loss, self.probe.trainable_weights)
        self.probe_optimizer.apply_gradients(zip(grads, self.probe.trainable_weights))
        self.probe_tracker.update_state(probe_loss)
        self.probe_accuracy.update_state(y, logits)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        logits = self.probe(self.encoder(x, training=False), training=False)
        self.probe_tracker.update_state(self.probe_loss(y, logits))
        self.probe_accuracy.update_state(y, logits)
        return {m.name: m.result() for m in self.metrics[1:]}


model = Contrastive()
model.compile(contrastive_optimizer=keras.optimizers.Adam(0.01), probe_optimizer=keras.optimizers.SGD(0.05))
history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_data=(x[:16], y[:16]))
evaluated = model.evaluate(x, y, batch_size=16, verbose=0)

# A plain loop differentiating a per-sample loss.
regressor = keras.Sequential([keras.Input((6,)), layers.Dense(4, activation="tanh", kernel_initializer=Wave(0.6)),
                              layers.Dense(1, kernel_initializer=Wave(0.7))])
optimizer = keras.optimizers.SGD(0.02)
targets = x[:, :1] * 0.5 - x[:, 2:3]
per_sample = []
for step in range(4):
    xb, yb = x[step * 12:(step + 1) * 12], targets[step * 12:(step + 1) * 12]
    with tf.GradientTape() as tape:
        losses = keras.losses.mean_squared_error(yb, regressor(xb, training=True))
    grads = tape.gradient(losses, regressor.trainable_variables)
    optimizer.apply_gradients(zip(grads, regressor.trainable_variables))
    per_sample.append(losses)

emit(
    {
        "history": history.history,
        "evaluated": evaluated,
        "encoder": model.encoder.get_weights(),
        "projection": model.projection.get_weights(),
        "probe": model.probe.get_weights(),
        "per_sample": per_sample,
        "regressor": regressor.get_weights(),
    }
)
