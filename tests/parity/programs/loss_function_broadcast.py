# parity: section=everyday.training_api
"""Keras loss functions called directly, as Keras 2 computed them: labels broadcast against
predictions of another rank (keras.io molecule_generation's property loss,
`keras.losses.binary_crossentropy(qed_true, qed_pred)` with shapes (batch,) and (batch, 1)),
and Keras 2's short names Keras 3 dropped (keras.losses.mse / mae / kld). Variants: a
GradientTape train_step with the broadcast binary crossentropy; a custom training loop
with `keras.losses.mse(targets, predictions)` where the targets are (batch, 1) and the
predictions (batch,); `keras.metrics.mae` reported by the loop; a loss function given
to compile() calling `keras.losses.huber(..., delta=...)` and `keras.losses.kld` (Keras 2
squeezed the labels there: no broadcasting).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

rng = np.random.RandomState(5)
features = rng.normal(size=(16, 4)).astype("float32")
qed = rng.uniform(0.1, 0.9, size=(16,)).astype("float32")


class PropertyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(6, activation="tanh")
        # (not a sigmoid: Keras 2 read a sigmoid's logits, which must have the labels' shape)
        self.head = layers.Dense(1, activation="tanh")
        self.tracker = keras.metrics.Mean(name="property_loss")

    def call(self, x):
        return 0.5 + 0.4 * self.head(self.hidden(x))

    def train_step(self, data):
        x, qed_true = data
        with tf.GradientTape() as tape:
            qed_pred = self(x, training=True)
            loss = tf.reduce_mean(keras.losses.binary_crossentropy(qed_true, qed_pred))
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.tracker.update_state(loss)
        return {"property_loss": self.tracker.result()}


model = PropertyModel()
model(features[:1])
fill_weights(model, seed=5)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))
history = model.fit(features, qed, batch_size=4, epochs=2, shuffle=False, verbose=0)

# A custom loop: (batch, 1) targets against (batch,) predictions.
regressor = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(1),
                              layers.Flatten(), layers.Lambda(lambda t: t[:, 0])])
fill_weights(regressor, seed=6)
optimizer = keras.optimizers.SGD(learning_rate=0.05)
targets = rng.normal(size=(16, 1)).astype("float32")
loop_losses, loop_mae = [], []
for start in range(0, 16, 4):
    x, y = features[start:start + 4], targets[start:start + 4]
    with tf.GradientTape() as tape:
        predictions = regressor(x, training=True)
        loss = tf.reduce_mean(keras.losses.mse(y, predictions))
    grads = tape.gradient(loss, regressor.trainable_weights)
    optimizer.apply_gradients(zip(grads, regressor.trainable_weights))
    loop_losses.append(float(loss))
    loop_mae.append(keras.metrics.mae(y, predictions))


# Given to compile(): Keras 2 brought the labels to the predictions' rank first.
def smooth_loss(y_true, y_pred):
    return keras.losses.huber(y_true, y_pred, delta=0.5) + 0.1 * keras.losses.kld(tf.nn.softmax(y_true),
                                                                                 tf.nn.softmax(y_pred))


scorer = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
fill_weights(scorer, seed=7)
scorer.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss=smooth_loss)
scores = rng.normal(size=(16, 2)).astype("float32")
scorer_history = scorer.fit(features, scores, batch_size=8, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "property_loss": history.history["property_loss"],
        "property_weights": model.trainable_weights,  # (Keras 2's get_weights() adds the tracker's)
        "loop_losses": loop_losses,
        "loop_mae": loop_mae,
        "regressor_weights": regressor.get_weights(),
        "scorer_loss": scorer_history.history["loss"],
        "scorer_weights": scorer.get_weights(),
    }
)
