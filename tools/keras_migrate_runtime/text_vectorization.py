"""TextVectorization whose `standardize` callable gets TensorFlow strings on every backend.

Keras 2 called a custom `standardize` on a tf.string tensor, eagerly and inside tf.data
pipelines alike, so programs write it with tf.strings ops. Keras 3 (3.15) hands it a
NumPy string array off TensorFlow, which cannot exist inside a tf.data graph: the layer
then fails in `ds.map(vectorizer)` ("Cannot convert a symbolic tf.Tensor to a numpy
array"). This layer applies the callable itself, on TensorFlow strings as Keras 2 did,
before Keras 3's own preprocessing (which then has no standardize step), in adapt()
and in calls. The layer itself is a TensorFlow-backed preprocessing layer on every
backend (as Keras 3's is): feed it in the tf.data pipeline.
"""

import keras
from keras import ops

__all__ = ["Keras2TextVectorization"]


class Keras2TextVectorization(keras.layers.TextVectorization):
    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", *args, **kwargs):
        custom = standardize if callable(standardize) else None
        super().__init__(max_tokens, None if custom is not None else standardize, *args, **kwargs)
        self._keras2_standardize = custom

    def _standardized(self, inputs):
        if self._keras2_standardize is None:
            return inputs
        import tensorflow as tf  # the layer is TensorFlow-backed on every backend

        if not isinstance(inputs, (tf.Tensor, tf.RaggedTensor)):
            if ops.is_tensor(inputs):
                inputs = ops.convert_to_numpy(inputs)
            inputs = tf.convert_to_tensor(inputs, dtype=tf.string)
        with tf.device("CPU:0"):
            return self._keras2_standardize(inputs)

    def update_state(self, data):
        super().update_state(self._standardized(data))

    def call(self, inputs):
        return super().call(self._standardized(inputs))

    def get_config(self):
        config = super().get_config()
        if self._keras2_standardize is not None:
            config["standardize"] = self._keras2_standardize
        return config

    @classmethod
    def from_config(cls, config):
        if callable(config.get("standardize")):  # get_config's own callable (clone_model)
            config = dict(config)
            standardize = config.pop("standardize")
            layer = super().from_config({**config, "standardize": None})
            layer._keras2_standardize = standardize
            return layer
        return super().from_config(config)
