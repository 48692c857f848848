# parity: section=tf_ops.image
"""tf.image.ssim as a training loss, the way keras.io's depth_estimation writes it: inside a
custom train_step with a tape (max_val, filter_size, squared k1/k2), and as a compile()
loss function on uint8-range data; evaluate and predict after."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

WIDTH = 12


class DepthModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.ssim_loss_weight = 0.85
        self.l1_loss_weight = 0.1
        self.loss_metric = keras.metrics.Mean(name="loss")
        self.body = keras.Sequential([layers.Conv2D(4, 3, padding="same", activation="relu"),
                                      layers.Conv2D(1, 3, padding="same", activation="sigmoid")])

    def calculate_loss(self, target, pred):
        ssim_loss = tf.reduce_mean(
            1 - tf.image.ssim(target, pred, max_val=WIDTH, filter_size=7, k1=0.01**2, k2=0.03**2))
        l1_loss = tf.reduce_mean(tf.abs(target - pred))
        return self.ssim_loss_weight * ssim_loss + self.l1_loss_weight * l1_loss

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
        pred = self(input, training=False)
        loss = self.calculate_loss(target, pred)
        self.loss_metric.update_state(loss)
        return {"loss": self.loss_metric.result()}

    def call(self, x):
        return self.body(x)


rng = np.random.RandomState(5)
images = rng.uniform(0, 1, (8, WIDTH, WIDTH, 3)).astype("float32")
depths = rng.uniform(0, 1, (8, WIDTH, WIDTH, 1)).astype("float32")
model = DepthModel()
model.build((None, WIDTH, WIDTH, 3))
fill_weights(model, seed=21)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))
history = model.fit(images, depths, batch_size=4, epochs=2, shuffle=False, verbose=0)


def ssim_loss(y_true, y_pred):
    return 1.0 - tf.image.ssim(y_true * 255.0, y_pred * 255.0, 255.0, filter_size=5, filter_sigma=1.0)


plain = keras.Sequential([layers.Conv2D(3, 3, padding="same", activation="sigmoid", input_shape=(WIDTH, WIDTH, 3))])
fill_weights(plain, seed=22)
plain.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=ssim_loss)
plain_history = plain.fit(images, images[::-1], batch_size=4, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "history": history.history["loss"],
        "eval": model.evaluate(images, depths, batch_size=4, verbose=0),
        "weights": model.body.get_weights(),
        "plain_history": plain_history.history["loss"],
        "plain_predict": plain.predict(images[:2], verbose=0),
        "ssim_values": tf.image.ssim(images, images[::-1], max_val=1.0, filter_size=5),
    }
)
