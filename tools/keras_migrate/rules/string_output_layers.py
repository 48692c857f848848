"""KM219 string_output_layers: host calls of an inverted StringLookup get a TensorFlow tensor.

keras.io's speech and OCR examples decode predictions to text on the host:
`tf.strings.reduce_join(num_to_char(ids)).numpy().decode()`, with `num_to_char` a
StringLookup(invert=True). Keras 3's StringLookup converts its string output to the
backend's tensor type unless its input was a TensorFlow tensor: JAX arrays cannot hold
strings, so the call raises on JAX (PyTorch gets a list of Python strings). Outside a
tf.data pipeline and outside model code the ids are handed over as a TensorFlow tensor,
and the layer returns TensorFlow strings on every backend, as in Keras 2.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._agnostic import DATA_CALLS, data_context, is_keras_class, string_output_layer_names
from keras_migrate.rules._keras import Part
from keras_migrate.rules._tf_op_emit import call_node

__all__ = ["StringOutputLayers"]


class StringOutputLayers(Rule):
    id = "KM219"
    name = "string_output_layers"
    description = ("Host calls of StringLookup(invert=True) layers get a TensorFlow tensor: Keras 3 returns TF "
                   "strings then (JAX arrays cannot hold strings).")
    part = Part.AGNOSTIC
    TRIGGERS = ("invert",)
    regions = (DATA_CALLS,)
    EXAMPLES = (
        Example(
            before="""
            import numpy as np
            import tensorflow as tf
            import keras

            num_to_char = keras.layers.StringLookup(vocabulary=list("abc"), oov_token="", invert=True)

            def decode_batch_predictions(pred):
                results = keras.ops.argmax(pred, axis=-1)
                return [tf.strings.reduce_join(num_to_char(r)).numpy().decode("utf-8") for r in results]

            class Transcripts(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    print(tf.strings.reduce_join(num_to_char(self.labels[0])).numpy())

            words = num_to_char(np.array([1, 2]))
            """,
            after="""
            import numpy as np
            import tensorflow as tf
            import keras

            num_to_char = keras.layers.StringLookup(vocabulary=list("abc"), oov_token="", invert=True)

            def decode_batch_predictions(pred):
                results = keras.ops.argmax(pred, axis=-1)
                return [tf.strings.reduce_join(num_to_char(tf.convert_to_tensor(keras.ops.convert_to_numpy(r)))).numpy().decode("utf-8") for r in results]

            class Transcripts(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    print(tf.strings.reduce_join(num_to_char(tf.convert_to_tensor(keras.ops.convert_to_numpy(self.labels[0])))).numpy())

            words = num_to_char(tf.convert_to_tensor(keras.ops.convert_to_numpy(np.array([1, 2]))))
            """,
        ),
        # In a tf.data pipeline the layer runs on TensorFlow already; TF tensors as is.
        Example(
            before="""
            import tensorflow as tf
            import keras

            num_to_char = keras.layers.StringLookup(vocabulary=list("abc"), invert=True)
            ds = tf.data.Dataset.range(3).map(lambda i: num_to_char(i))
            text = num_to_char(tf.constant([1, 2]))
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)

    def _tensorflow(self) -> Optional[str]:
        return next((local for local, full in self.ctx.names.bindings.items() if full == "tensorflow"), None)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if not (isinstance(original.func, cst.Name) and original.func.value in string_output_layer_names(self.ctx)):
            return updated
        if len(updated.args) != 1 or updated.args[0].keyword is not None or updated.args[0].star:
            return updated
        if self._data.active(self.ctx):
            return updated
        cls = self.ctx.current_class
        if cls is not None and is_keras_class(self.ctx, cls, layer=True):
            return updated  # model code: strings there are KM207's (TensorFlow-only)
        tf = self._tensorflow()
        value = original.args[0].value
        if tf is None or (isinstance(value, cst.Call) and (self.ctx.qualified_name(value.func) or "").startswith(
                "tensorflow.")):
            return updated
        ids = call_node(f"{self.ctx.require_keras()}.ops.convert_to_numpy", updated.args[0].value)
        self.fired()
        return updated.with_changes(args=[updated.args[0].with_changes(value=call_node(f"{tf}.convert_to_tensor", ids))])
