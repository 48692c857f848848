# parity: section=custom_training.gradient_tape
"""NumPy arrays met TensorFlow tensors in Keras 2 training code: labels sliced from NumPy
arrays, NumPy class weights, a NumPy constant kept on the model. TensorFlow converted
the array to the tensor's dtype (float64 labels against float32 predictions). Variants:
a GradientTape loop with `model(x) - y` (tensor on the left), `(y - model(x)) ** 2` and
a NumPy power base (NumPy on the left), NumPy weights times a tensor, a matrix product
with a NumPy matrix; a train_step whose loss uses a NumPy attribute, trained with fit.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

rng = np.random.RandomState(11)
features = rng.rand(24, 4)  # float64, as np.random gives them
labels = rng.rand(24, 2)
class_weights = np.array([1.0, 3.0])
mixing = np.array([[1.0, 0.5], [-0.5, 1.0]])

model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(2)])
fill_weights(model, seed=61)
optimizer = keras.optimizers.SGD(learning_rate=0.1)
losses = []
for step in range(6):
    xb = features[step * 4:step * 4 + 4]
    yb = labels[step * 4:step * 4 + 4]
    with tf.GradientTape() as tape:
        pred = model(xb, training=True)
        error = pred - yb
        loss = tf.reduce_mean(class_weights * tf.square(error))
        loss += 0.1 * tf.reduce_mean((yb - pred) ** 2)
        loss += 0.01 * tf.reduce_mean(tf.abs(pred @ mixing))
        loss += 0.001 * tf.reduce_sum(np.array([1.5, 2.0]) ** pred)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    losses.append(loss)


class Scaled(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)
        self.scale = np.array([2.0, 0.5])

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            pred = self(x, training=True)
            loss = tf.reduce_mean(tf.square(self.scale * (pred - y)))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss}


scaled = Scaled()
scaled(features[:1])
fill_weights(scaled, seed=62)
scaled.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))
history = scaled.fit(features.astype("float32"), labels.astype("float32"), batch_size=6, epochs=2,
                     shuffle=False, verbose=0)

emit(
    {
        "loop_losses": losses,
        "loop_weights": model.trainable_weights,
        "history": history.history,
        "scaled_weights": scaled.trainable_weights,
    }
)
