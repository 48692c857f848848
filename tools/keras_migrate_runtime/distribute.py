"""TPU detection that leaves JAX and PyTorch their devices.

Keras 2 programs find a TPU with tf.distribute's cluster resolver and fall back to the
default strategy when it raises ValueError (no TPU). A tf.distribute strategy does not
distribute a Keras 3 model on JAX or PyTorch, and initialising a TensorFlow TPU system
there would take the TPU from the backend. So off TensorFlow these raise the ValueError
a machine without a TPU gives, and the program's own fallback runs (the default
strategy, whose scope() is a no-op for Keras 3 on JAX and PyTorch). To use TPUs or
several GPUs on JAX, use keras.distribution (DataParallel / ModelParallel).
"""

from keras import backend

__all__ = ["connect_tpu_cluster", "tpu_cluster_resolver"]

_OFF_TENSORFLOW = ("no TPU for TensorFlow on the {} backend: tf.distribute does not distribute Keras 3 "
                   "models there (use keras.distribution)")


def _tensorflow():
    if backend.backend() != "tensorflow":
        raise ValueError(_OFF_TENSORFLOW.format(backend.backend()))
    import tensorflow as tf  # only on the TensorFlow backend

    return tf


def connect_tpu_cluster(*args, **kwargs):
    """tf.distribute.cluster_resolver.TPUClusterResolver.connect(...) on TensorFlow."""
    return _tensorflow().distribute.cluster_resolver.TPUClusterResolver.connect(*args, **kwargs)


def tpu_cluster_resolver(*args, **kwargs):
    """tf.distribute.cluster_resolver.TPUClusterResolver(...) on TensorFlow."""
    return _tensorflow().distribute.cluster_resolver.TPUClusterResolver(*args, **kwargs)
