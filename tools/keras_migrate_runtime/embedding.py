"""keras.layers.Embedding trained as Keras 2 trained it, on every backend.

An Embedding's gradient is a tf.IndexedSlices on TensorFlow. Keras 2's optimizers (the
tf_keras 2.11+ ones and the legacy ones alike) applied it densely: Adam's moments decay
at every row and every row whose moment is non-zero moves. Keras 3's TensorFlow
optimizers apply it row-wise: rows missing from a batch keep their moments and values,
so training numbers differ from the second step on (measured with keras-migrate verify;
Keras 3 on JAX and PyTorch, whose gradients are dense, match Keras 2). This subclass
hands the TensorFlow optimizer a dense gradient, as the other backends have it: the
forward pass, weights, config and mask are Keras 3's own.
"""

import keras
from keras import ops

from ._surface import saved_as_keras

__all__ = ["Embedding"]


def _dense_gradient(table):
    """`table` as a tensor whose gradient reaches the variable dense, not IndexedSlices."""
    import tensorflow as tf

    @tf.custom_gradient
    def identity(t):
        return tf.identity(t), lambda grad: tf.convert_to_tensor(grad)

    return identity(tf.convert_to_tensor(table))


@saved_as_keras("keras.layers")
class Embedding(keras.layers.Embedding):
    def call(self, inputs):
        if keras.backend.backend() != "tensorflow" or getattr(self, "quantization_mode", None) is not None:
            return super().call(inputs)
        if inputs.dtype != "int32" and inputs.dtype != "int64":
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(_dense_gradient(self.embeddings), inputs, axis=0)
        return ops.cast(outputs, dtype=self.compute_dtype)
