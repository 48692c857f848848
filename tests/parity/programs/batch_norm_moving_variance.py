# parity: section=everyday.layers
"""BatchNormalization on 4-D and 5-D inputs: Keras 2's fused kernel moved the variance
with the unbiased batch variance (n / (n - 1)), so after training the moving variance,
and every prediction in inference mode, differ from Keras 3's where n = batch x height x
width is small. Variants: Conv2D feature maps of 2x2 (n = 16) in a functional model
trained with fit; BatchNormalization(axis=1) on a 4-D tensor (channels first); Conv3D
(5-D); `fused=False` (Keras 2's biased update, as Keras 3); a BatchNormalization imported
by name in a subclassed model trained with a GradientTape loop; 2-D inputs (never fused).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.layers import BatchNormalization

from parity_io import emit, fill_weights

rng = np.random.RandomState(3)
images = (rng.rand(16, 4, 4, 3) * 2 + 1).astype("float32")
labels = rng.rand(16, 1).astype("float32")

inputs = keras.Input((4, 4, 3))
x = layers.Conv2D(4, 3, strides=2, padding="same")(inputs)  # 2x2 maps
x = layers.BatchNormalization(momentum=0.8)(x)
x = layers.Reshape((4, 4))(x)
x = layers.BatchNormalization(axis=1, momentum=0.7)(x[:, :, :, None])  # 4-D, channels first
x = layers.BatchNormalization(fused=False)(x)
outputs = layers.Dense(1)(layers.Flatten()(x))
model = keras.Model(inputs, outputs)
fill_weights(model, seed=51)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit(images, labels, batch_size=4, epochs=3, shuffle=False, verbose=0)

volumes = (rng.rand(8, 3, 3, 3, 2) * 3).astype("float32")
volume_model = keras.Sequential([
    keras.Input((3, 3, 3, 2)),
    layers.Conv3D(3, 2),
    layers.BatchNormalization(momentum=0.5),
    layers.GlobalAveragePooling3D(),
    layers.Dense(1),
])
fill_weights(volume_model, seed=52)
volume_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
volume_history = volume_model.fit(volumes, labels[:8], batch_size=2, epochs=2, shuffle=False, verbose=0)


class Tower(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv2D(2, 2)
        self.bn = BatchNormalization(momentum=0.6)
        self.dense_bn = BatchNormalization(momentum=0.6)
        self.out = layers.Dense(1)

    def call(self, x, training=False):
        x = self.bn(self.conv(x), training=training)
        x = layers.Flatten()(x)
        return self.out(self.dense_bn(x, training=training))


tower = Tower()
tower(images[:1])
fill_weights(tower, seed=53)
optimizer = keras.optimizers.SGD(learning_rate=0.05)
targets = tf.constant(labels)
for step in range(4):
    batch = slice(step * 4, step * 4 + 4)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tower(images[batch], training=True) - targets[batch]))
    grads = tape.gradient(loss, tower.trainable_variables)
    optimizer.apply_gradients(zip(grads, tower.trainable_variables))

bn_layers = [layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)]
emit(
    {
        "history": history.history,
        "moving_variances": [layer.moving_variance for layer in bn_layers],
        "predict": model.predict(images[:4], verbose=0),
        "evaluate": model.evaluate(images, labels, batch_size=4, verbose=0),
        "volume_history": volume_history.history,
        "volume_moving_variance": volume_model.layers[1].moving_variance,
        "volume_predict": volume_model.predict(volumes[:3], verbose=0),
        "tower_moving_variance": [tower.bn.moving_variance, tower.dense_bn.moving_variance],
        "tower_inference": tower(images[:3], training=False),
    }
)
