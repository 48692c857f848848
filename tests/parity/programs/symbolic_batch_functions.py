# parity: section=keras_ops.tf_ops_long_tail
"""Functions computing with the batch size, applied to KerasTensors while building a
functional model. Keras 2 gave `tf.shape(x)` of a symbolic tensor as a tensor; Keras 3's
shape has None for the batch. Variants (keras.io StyleGAN's minibatch standard
deviation, called from a plain builder class; a module-level function with a second
argument reading `tf.shape(x)[0]`; group sizes through tf.minimum and tf.maximum):
built, trained with fit (batches the groups divide), evaluated and predicted.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights


def minibatch_std(input_tensor, epsilon=1e-8):
    n, h, w, c = tf.shape(input_tensor)
    group_size = tf.minimum(4, n)
    x = tf.reshape(input_tensor, [group_size, -1, h, w, c])
    group_mean, group_var = tf.nn.moments(x, axes=(0), keepdims=False)
    group_std = tf.sqrt(group_var + epsilon)
    avg_std = tf.reduce_mean(group_std, axis=[1, 2, 3], keepdims=True)
    x = tf.tile(avg_std, [group_size, h, w, 1])
    return tf.concat([input_tensor, x], axis=-1)


def pair_mean(x, scale):
    pairs = tf.maximum(2, tf.shape(x)[0] // 4)
    grouped = tf.reshape(x, [pairs, -1, tf.shape(x)[1]])
    mean = tf.reduce_mean(grouped, axis=0, keepdims=True)
    return x + scale * tf.reshape(tf.tile(mean, [pairs, 1, 1]), tf.shape(x))


class Critic:
    """Builds its model in a method, as StyleGAN's Discriminator does."""

    def __init__(self, res):
        self.res = res

    def build(self):
        image = layers.Input(shape=(self.res, self.res, 3))
        x = minibatch_std(image)
        x = layers.Conv2D(4, 3, padding="same", activation="relu")(x)
        x = layers.Flatten()(x)
        x = pair_mean(layers.Dense(6, activation="tanh")(x), 0.5)
        return keras.Model(image, layers.Dense(1)(x))


model = Critic(4).build()
fill_weights(model, seed=101)
rng = np.random.RandomState(101)
images = rng.uniform(-1, 1, (32, 4, 4, 3)).astype("float32")
targets = rng.normal(size=(32, 1)).astype("float32")
dataset = tf.data.Dataset.from_tensor_slices((images, targets)).batch(8, drop_remainder=True)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit(dataset, epochs=2, verbose=0)

emit(
    {
        "history": history.history["loss"],
        "evaluate": model.evaluate(dataset, verbose=0),
        "predict": model.predict(images, batch_size=8, verbose=0),
        "weights": model.get_weights(),
    }
)
