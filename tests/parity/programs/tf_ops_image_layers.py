# parity: section=keras_ops.tf_ops_long_tail
"""Image layers written with tf.image.* ops inside the model, trained with fit.

Resize (bilinear, nearest, antialiased), flips, rot90 and transpose, crop/pad to a
bounding box, extract_patches, image_gradients as an edge feature, rgb_to_hsv,
adjust_brightness, tf.tile with the batch size from tf.shape, tf.nn.moments for an
AdaIN-style instance normalisation.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Augment(keras.layers.Layer):
    """Deterministic test-time augmentation: average of geometric views."""

    def call(self, images):
        views = [
            images,
            tf.image.flip_left_right(images),
            tf.image.flip_up_down(images),
            tf.image.rot90(images, k=2),
            tf.image.transpose(tf.image.rot90(images)),
        ]
        return tf.add_n(views) / 5.0


class MultiScale(keras.layers.Layer):
    def call(self, images):
        small = tf.image.resize(images, (4, 4), antialias=True)
        back = tf.image.resize(small, [8, 8], method="nearest")
        smooth = tf.image.resize(tf.image.resize(images, (5, 5)), (8, 8), method=tf.image.ResizeMethod.BILINEAR)
        crop = tf.image.crop_to_bounding_box(images, 2, 1, 4, 6)
        framed = tf.image.pad_to_bounding_box(crop, offset_height=2, offset_width=1, target_height=8, target_width=8)
        return tf.concat([back, smooth, framed], axis=-1)


class Edges(keras.layers.Layer):
    def call(self, images):
        dy, dx = tf.image.image_gradients(images)
        hsv = tf.image.rgb_to_hsv(tf.sigmoid(images[..., :3]))
        return tf.concat([tf.abs(dy) + tf.abs(dx), hsv], axis=-1)


class InstanceStyle(keras.layers.Layer):
    def build(self, input_shape):
        self.style = self.add_weight(name="style", shape=(1, 1, 1, input_shape[-1]), initializer="ones")

    def call(self, x):
        mean, variance = tf.nn.moments(x, axes=[1, 2], keepdims=True)
        normalized = (x - mean) / tf.sqrt(variance + 1e-5)
        style = tf.tile(self.style, [tf.shape(x)[0], 1, 1, 1])
        return tf.image.adjust_brightness(normalized * style, 0.1)


class Patches(keras.layers.Layer):
    def call(self, images):
        patches = tf.image.extract_patches(images=images, sizes=[1, 4, 4, 1], strides=[1, 4, 4, 1],
                                           rates=[1, 1, 1, 1], padding="VALID")
        return tf.reshape(patches, [-1, 4, patches.shape[-1]])


inputs = keras.Input(shape=(8, 8, 3))
h = Augment()(inputs)
h = MultiScale()(h)
h = Edges()(h)
h = keras.layers.Conv2D(4, 3, padding="same")(h)
h = InstanceStyle()(h)
h = Patches()(h)
h = keras.layers.GlobalAveragePooling1D()(h)
outputs = keras.layers.Dense(2)(h)
model = keras.Model(inputs, outputs)
fill_weights(model, seed=17)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.02), loss="mse")

rng = np.random.RandomState(9)
x = rng.uniform(-1, 1, (6, 8, 8, 3)).astype("float32")
y = rng.uniform(-1, 1, (6, 2)).astype("float32")
history = model.fit(x, y, batch_size=3, epochs=3, shuffle=False, verbose=0)
emit(
    {
        "loss_history": history.history["loss"],
        "predictions": model.predict(x, verbose=0),
        "weights": [w.numpy() for w in model.trainable_weights],
    }
)
