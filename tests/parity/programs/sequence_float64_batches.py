# parity: section=everyday.training_api
"""A keras.utils.Sequence building float64 batches (keras.io depth_estimation fills them
with np.empty): Keras 2 cast them to float32 for fit / evaluate / predict. Variants: a
custom train_step and test_step whose loss mixes the float64 targets with the float32
predictions (tf.image.image_gradients, tf.exp, tf.abs); the plain compiled fit and
evaluate; predict on the Sequence; the program's own `next(iter(sequence))` (float64,
as Keras 2 gave it).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights


class DataGenerator(tf.keras.utils.Sequence):
    def __init__(self, count, batch_size=4):
        self.count, self.batch_size = count, batch_size

    def __len__(self):
        return int(np.ceil(self.count / self.batch_size))

    def __getitem__(self, index):
        x = np.empty((self.batch_size, 6, 6, 1))
        y = np.empty((self.batch_size, 6, 6, 1))
        for i in range(self.batch_size):
            k = index * self.batch_size + i
            x[i] = np.cos(np.arange(36).reshape(6, 6, 1) * (k + 1) / 7.0)
            y[i] = np.sin(np.arange(36).reshape(6, 6, 1) * (k + 2) / 11.0)
        return x, y


class DepthModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv2D(2, 3, padding="same", activation="tanh")
        self.out = layers.Conv2D(1, 1, padding="same")
        self.loss_metric = keras.metrics.Mean(name="loss")

    def call(self, x):
        return self.out(self.conv(x))

    def calculate_loss(self, target, pred):
        dy_true, dx_true = tf.image.image_gradients(target)
        dy_pred, dx_pred = tf.image.image_gradients(pred)
        weights_x = tf.exp(tf.reduce_mean(tf.abs(dx_true)))
        weights_y = tf.exp(tf.reduce_mean(tf.abs(dy_true)))
        smoothness = tf.reduce_mean(abs(dx_pred * weights_x)) + tf.reduce_mean(abs(dy_pred * weights_y))
        return smoothness + tf.reduce_mean(tf.abs(target - pred))

    @property
    def metrics(self):
        return [self.loss_metric]

    def train_step(self, batch_data):
        input, target = batch_data
        with tf.GradientTape() as tape:
            pred = self(input, training=True)
            loss = self.calculate_loss(target, pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.loss_metric.update_state(loss)
        return {"loss": self.loss_metric.result()}

    def test_step(self, batch_data):
        input, target = batch_data
        loss = self.calculate_loss(target, self(input, training=False))
        self.loss_metric.update_state(loss)
        return {"loss": self.loss_metric.result()}


model = DepthModel()
model(np.zeros((1, 6, 6, 1), "float32"))
fill_weights(model, seed=31)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))
history = model.fit(DataGenerator(12), epochs=2, validation_data=DataGenerator(8), shuffle=False, verbose=0)

plain = keras.Sequential([keras.Input((6, 6, 1)), layers.Conv2D(1, 3, padding="same")])
fill_weights(plain, seed=32)
plain.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mae")
plain_history = plain.fit(DataGenerator(12), epochs=2, shuffle=False, verbose=0)
first_x, first_y = next(iter(DataGenerator(8)))

emit(
    {
        "history": history.history,
        "weights": model.trainable_weights,
        "plain_history": plain_history.history,
        "plain_evaluate": plain.evaluate(DataGenerator(8), verbose=0),
        "plain_predict": plain.predict(DataGenerator(8), verbose=0),
        "own_batch_itemsize": [first_x.dtype.itemsize, first_y.dtype.itemsize],  # 8: float64
    }
)
