"""KM211 text_standardize: TextVectorization(standardize=<function>) keeps Keras 2's contract.

Keras 2 called a custom `standardize` on tf.string tensors (eagerly and inside tf.data
pipelines), so programs write it with tf.strings ops. Keras 3 (3.15) hands it a NumPy
string array off TensorFlow, which a tf.data graph cannot give: `ds.map(vectorizer)`
fails on JAX and PyTorch. keras_migrate_runtime's Keras2TextVectorization applies the
function on TensorFlow strings itself, in adapt() and in calls, and leaves Keras 3 no
standardize step: the same vocabulary and ids as Keras 2 on every backend.

String standardize modes ("lower", ...) and None need nothing. On the TensorFlow backend
Keras 3 already calls the function on TensorFlow strings, so the tensorflow mode keeps
the layer as is.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._agnostic import STANDARDIZE_RUNTIME
from keras_migrate.rules._keras import Part
from keras_migrate.rules._tf_op_emit import runtime_class_call
from keras_migrate.rules._util import keyword_arg_value

__all__ = ["TextStandardize", "STANDARDIZE_RUNTIME", "custom_standardize"]



def custom_standardize(ctx, node: cst.Call) -> Optional[cst.BaseExpression]:
    """The `standardize` argument of a TextVectorization(...) call when it is a function."""
    if (ctx.keras_path(node.func) or "").rsplit(".", 1)[-1] != "TextVectorization":
        return None
    value = keyword_arg_value(node, "standardize")
    if value is None and len(node.args) > 1 and node.args[1].keyword is None and not node.args[1].star:
        value = node.args[1].value  # TextVectorization(max_tokens, standardize, ...)
    if value is None or isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) or (
            isinstance(value, cst.Name) and value.value == "None"):
        return None
    return value


class TextStandardize(Rule):
    id = "KM211"
    name = "text_standardize"
    description = ("TextVectorization(standardize=<function>) -> keras_migrate_runtime.Keras2TextVectorization: "
                   "the function gets TensorFlow strings on every backend, as in Keras 2 (works in tf.data).")
    part = Part.AGNOSTIC
    TRIGGERS = ("TextVectorization",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            def custom_standardization(text):
                return tf.strings.regex_replace(tf.strings.lower(text), "<br />", " ")

            vectorizer = keras.layers.TextVectorization(3000, standardize=custom_standardization)
            vectorizer.adapt(tf.data.Dataset.from_tensor_slices(["a <br />b"]).batch(1))
            """,
            after="""
            import tensorflow as tf
            import keras
            from keras_migrate_runtime import Keras2TextVectorization

            def custom_standardization(text):
                return tf.strings.regex_replace(tf.strings.lower(text), "<br />", " ")

            vectorizer = Keras2TextVectorization(3000, standardize=custom_standardization)
            vectorizer.adapt(tf.data.Dataset.from_tensor_slices(["a <br />b"]).batch(1))
            """,
        ),
        # Positional standardize, a lambda, the layer imported by name.
        Example(
            before="""
            import tensorflow as tf
            from keras.layers import TextVectorization

            lower = TextVectorization(100, lambda t: tf.strings.lower(t), output_sequence_length=4)
            """,
            after="""
            import tensorflow as tf
            from keras.layers import TextVectorization
            from keras_migrate_runtime import Keras2TextVectorization

            lower = Keras2TextVectorization(100, lambda t: tf.strings.lower(t), output_sequence_length=4)
            """,
        ),
        # Built-in modes need nothing.
        Example(
            before="""
            import keras

            a = keras.layers.TextVectorization(100, standardize="lower")
            b = keras.layers.TextVectorization(100, standardize=None, split=None)
            """,
        ),
        # Tensorflow mode: Keras 3 calls the function on TensorFlow strings there.
        Example(
            before="""
            import tensorflow as tf
            import keras

            vectorizer = keras.layers.TextVectorization(standardize=tf.strings.lower)
            """,
            mode="tensorflow",
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if custom_standardize(self.ctx, original) is None:
            return updated
        return runtime_class_call(self, original, updated, STANDARDIZE_RUNTIME,
                                  "TextVectorization(standardize=<function>) is left as is")
