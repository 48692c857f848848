# parity: section=everyday.depthwise_kernel_reads
"""Depthwise and separable convolutions whose weights are read by attribute (Keras 2's
`depthwise_kernel`, `pointwise_kernel`): through get_layer, a variable, a subclass's
call(), and edited in place before training."""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

np.random.seed(0)
tf.random.set_seed(0)


class DoubledDepthwise(layers.DepthwiseConv2D):
    def call(self, inputs):
        return super().call(inputs) + tf.reduce_sum(self.depthwise_kernel)


images = np.random.RandomState(1).normal(size=(6, 8, 8, 2)).astype("float32")
target = np.random.RandomState(2).normal(size=(6, 1)).astype("float32")

inputs = keras.Input((8, 8, 2))
dw_layer = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", name="dw")
h = dw_layer(inputs)
h = layers.SeparableConv2D(3, 3, name="sep")(h)
h = DoubledDepthwise(2, name="doubled")(h)
outputs = layers.Dense(1)(layers.GlobalAveragePooling2D()(h))
model = keras.Model(inputs, outputs)
fill_weights(model, seed=5)

results = {
    "dw_shape": list(model.get_layer("dw").depthwise_kernel.shape),
    "sep_shapes": [list(model.get_layer("sep").depthwise_kernel.shape),
                   list(model.get_layer("sep").pointwise_kernel.shape)],
}
dw_layer.depthwise_kernel.assign(dw_layer.depthwise_kernel * 0.5)
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
results["loss"] = model.fit(images, target, batch_size=3, epochs=2, shuffle=False, verbose=0).history["loss"]
results["dw_kernel"] = model.get_layer("dw").depthwise_kernel.numpy()
results["doubled_sum"] = float(tf.reduce_sum(model.get_layer("doubled").depthwise_kernel))
results["prediction"] = model.predict(images[:2], verbose=0)
emit(results)
