"""A Lambda layer for functions that compute with the batch size (BatchLambda).

Keras 2 gave TF code on symbolic tensors the batch size as a tensor (`n, h, w, c =
tf.shape(x)`); Keras 3's shape of a KerasTensor has None there. Applied as a Lambda the
function runs on real tensors, but keras.layers.Lambda infers its output shape by
tracing the function with a stand-in batch size (83 on PyTorch, symbolic on JAX), which
such a function rejects: `tf.reshape(x, [min(4, n), -1, ...])` needs a batch size that
its groups divide. BatchLambda infers at a batch size with many divisors and reports
the batch dimension as unknown again.
"""

import keras
from keras import tree
from keras.src import backend

__all__ = ["BatchLambda"]

# Divisible by 1, 2, 3, 4, 6, 8, 12 and 24: the group sizes such functions use.
_TRACE_BATCH = 24


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class BatchLambda(keras.layers.Lambda):
    def compute_output_shape(self, input_shape):
        if self._output_shape is not None:
            return super().compute_output_shape(input_shape)
        unknown = [False]

        def concrete(shape):
            shape = tuple(shape)
            if shape and shape[0] is None:
                unknown[0] = True
                return (_TRACE_BATCH,) + shape[1:]
            return shape

        inputs = tree.map_shape_structure(
            lambda s: keras.KerasTensor(concrete(s), dtype=self.compute_dtype), input_shape)
        spec = backend.compute_output_spec(self.call, inputs)

        def batch_unknown(x):
            shape = tuple(x.shape)
            return (None,) + shape[1:] if unknown[0] and shape and shape[0] == _TRACE_BATCH else shape

        return tree.map_structure(batch_unknown, spec)
