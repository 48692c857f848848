# parity: section=custom_train_step.loss_only
"""A classifier whose train_step is Keras' default and whose test_step scores softmax(logits).

Written with `from tensorflow.keras.models import Model`-style imports. The train_step
goes (Keras 3's default does the same), the test_step stays and uses Keras 2's
compiled loss and metrics (accuracy on probabilities, loss on logits).
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Dense, Input
from tensorflow.keras.losses import SparseCategoricalCrossentropy
from tensorflow.keras.models import Model
from tensorflow.keras.optimizers import SGD

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class LogitsClassifier(Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        self.optimizer.apply_gradients(zip(tape.gradient(loss, self.trainable_variables), self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        logits = self(x, training=False)
        self.compiled_loss(y, logits)
        self.compiled_metrics.update_state(y, tf.nn.softmax(logits, axis=1))
        return {m.name: m.result() for m in self.metrics}


inputs = Input(shape=(4,))
hidden = Dense(8, activation="relu", kernel_regularizer="l2")(inputs)
logits = Dense(3)(hidden)
model = LogitsClassifier(inputs, logits)
fill_weights(model, seed=45)
model.compile(
    optimizer=SGD(learning_rate=0.1),
    loss=SparseCategoricalCrossentropy(from_logits=True),
    # No crossentropy metric: on logits (not probabilities) Keras 3's backends differ
    # (TensorFlow renormalises, JAX/PyTorch do not), and TensorFlow alone reads a
    # softmax output's logits (from_logits on probabilities), migrated or not.
    metrics=["accuracy"],
)

rng = np.random.RandomState(45)
x = rng.uniform(-1, 1, (24, 4)).astype("float32")
y = (x[:, 0] > x[:, 1]).astype("int32") + (x[:, 2] > 0.5).astype("int32")
history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, validation_data=(x[:16], y[:16]))
evaluation = model.evaluate(x, y, batch_size=12, verbose=0)
emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "evaluation": evaluation,
        "weights": [w for layer in model.layers for w in layer.get_weights()],
    }
)
