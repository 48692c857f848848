"""TimeDistributed that maps over the time steps when their number is unknown.

Keras 3.15's TimeDistributed, given a tensor whose time dimension is not static (a
tf.data pipeline of windows, a retraced predict function on TensorFlow), reads the
input's shape before swapping the batch and time axes and then maps over
`range(batch size)`: with more time steps than samples it drops steps, with fewer it
raises (an out-of-range gather). Keras 2 applied the layer to every step. On JAX and
PyTorch the shapes are static and Keras 3's own loop runs.

A model holding it saves as one holding Keras's TimeDistributed (_surface.saved_as_keras):
any Keras 3 program loads the file without this runtime, as Keras's layer; one that
imports the runtime gets this class back.
"""

import keras
from keras import ops

from ._surface import saved_as_keras

__all__ = ["TimeDistributed"]


@saved_as_keras("keras.layers")
class TimeDistributed(keras.layers.TimeDistributed):
    def call(self, inputs, training=None, mask=None):
        if inputs.shape[1] is not None or keras.backend.backend() != "tensorflow":
            return super().call(inputs, training=training, mask=mask)
        import tensorflow as tf  # only on the TensorFlow backend

        def swap(data):  # (batch, time, ...) <-> (time, batch, ...)
            return ops.transpose(data, axes=[1, 0, *range(2, len(data.shape))])

        steps = swap(inputs)
        step_masks = None if mask is None else swap(mask)

        def step(i):
            kwargs = {}
            if self.layer._call_has_mask_arg and step_masks is not None:
                kwargs["mask"] = step_masks[i]
            if self.layer._call_has_training_arg:
                kwargs["training"] = training
            return self.layer.call(steps[i], **kwargs)

        return swap(ops.vectorized_map(step, tf.range(tf.shape(steps)[0])))
