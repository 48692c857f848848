"""KM207 tensorflow_only: code that cannot become backend-agnostic is reported per reason."""

from __future__ import annotations

from typing import Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import DATA_CALLS, data_context
from keras_migrate.spec import keras_path
from keras_migrate.spec._tf_ops import TENSORFLOW_ONLY_APIS
from keras_migrate.spec._types import TensorflowOnlyApi

__all__ = ["TensorflowOnly"]

# Python-level file I/O: runs on the host with every backend (TensorFlow installed).
_HOST_IO = ("tensorflow.io.gfile",)


def _match(qualified: str) -> Optional[TensorflowOnlyApi]:
    if qualified.startswith(_HOST_IO):
        return None
    for entry in TENSORFLOW_ONLY_APIS:
        for prefix in entry.prefixes:
            if qualified == prefix or qualified.startswith(prefix if prefix.endswith("_") else prefix + "."):
                return entry
    return None


_INPUTS = frozenset({"Input", "layers.Input", "layers.InputLayer", "engine.input_layer.Input"})
_STRING_INPUT = TensorflowOnlyApi(
    (), "string inputs to a Keras model (Input(dtype='string')): only TensorFlow has string tensors",
    "apply TextVectorization / StringLookup in the tf.data pipeline (Dataset.map) and feed the model "
    "the integer ids, or keep this model on TensorFlow")

_STANDARDIZE = TensorflowOnlyApi(
    (), "TextVectorization(standardize=<function>): on JAX and PyTorch Keras 3 calls the function on NumPy "
        "string arrays, so the layer fails inside a tf.data pipeline",
    "standardize in the pipeline before the layer (ds.map(lambda x, y: (standardize(x), y)), adapt() on the "
    "standardized data) and build TextVectorization(standardize=None); or keep this code on TensorFlow")


class TensorflowOnly(Rule):
    id = "KM207"
    NODE_KEYED = ('_seen_chain',)
    name = "tensorflow_only"
    description = "Report code that only runs on the TensorFlow backend (tf.strings, tf.lookup, ragged, TF Hub, SavedModel, tf.distribute, ...) as tensorflow-only with its reason."
    part = Part.AGNOSTIC
    TRIGGERS = ("tensorflow", "string")
    regions = (DATA_CALLS,)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Tokenize(keras.layers.Layer):
                def call(self, text):
                    return tf.strings.split(tf.strings.lower(text))
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
        # The same ops in a tf.data pipeline run on TensorFlow with every backend.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def clean(text):
                return tf.strings.lower(text)

            ds = tf.data.TextLineDataset("a.txt").map(clean)
            """,
        ),
        # TextVectorization's split function is preprocessing (TensorFlow strings on
        # every backend); a standardize function gets NumPy arrays off TensorFlow.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def split(text):
                return tf.strings.split(tf.strings.lower(text), "/")

            vectorizer = keras.layers.TextVectorization(100, split=split, standardize="lower")
            ds = tf.data.Dataset.from_tensor_slices(["a/b"]).map(vectorizer)
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            def standardize(text):
                return tf.strings.regex_replace(tf.strings.lower(text), "<br />", " ")

            vectorizer = keras.layers.TextVectorization(100, standardize=standardize)
            ds = tf.data.Dataset.from_tensor_slices(["a b"]).map(vectorizer)
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
        Example(
            before="""
            import keras

            vectorizer = keras.layers.TextVectorization(100)
            text = keras.Input(shape=(1,), dtype="string")
            model = keras.Model(text, keras.layers.Embedding(100, 8)(vectorizer(text)))
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)
        self._seen_chain: Set[int] = set()
        self._reported: Set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        """keras.Input(dtype="string"): a model fed strings runs only on TensorFlow (JAX and
        PyTorch have no string tensors), however its string layers are migrated."""
        path = self.ctx.keras_path(node.func) or ""
        if path.rsplit(".", 1)[-1] == "TextVectorization":
            self._standardize_callable(node)
            return
        if path not in _INPUTS:
            return
        dtype = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "dtype"), None)
        if dtype is None or _STRING_INPUT.reason in self._reported:
            return
        if not (isinstance(dtype, cst.SimpleString) and dtype.evaluated_value == "string") and (
                self.ctx.qualified_name(dtype) != "tensorflow.string"):
            return
        self._reported.add(_STRING_INPUT.reason)
        self.ctx.keep_on_tensorflow(self.id, node, _STRING_INPUT.reason)
        self.report(node, f"kept on TensorFlow: {_STRING_INPUT.reason}", _STRING_INPUT.fix, Severity.WARNING)

    def _standardize_callable(self, node: cst.Call) -> None:
        """Keras 3 (3.15) hands a callable `standardize` NumPy string arrays on JAX and
        PyTorch: eagerly that works, but the layer then fails inside a tf.data pipeline
        ("Cannot convert a symbolic tf.Tensor to a numpy array"), where Keras 2 ran it."""
        value = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "standardize"), None)
        if value is None or isinstance(value, (cst.SimpleString, cst.ConcatenatedString)) or (
                isinstance(value, cst.Name) and value.value == "None") or _STANDARDIZE.reason in self._reported:
            return
        self._reported.add(_STANDARDIZE.reason)
        self.ctx.keep_on_tensorflow(self.id, node, _STANDARDIZE.reason)
        self.report(node, f"kept on TensorFlow: {_STANDARDIZE.reason}", _STANDARDIZE.fix, Severity.WARNING)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._seen_chain.add(id(node.value))
        if id(node) in self._seen_chain:
            return
        root = node.value
        while isinstance(root, cst.Attribute):
            root = root.value
        binding = self.ctx.names.bindings.get(root.value) if isinstance(root, cst.Name) else None
        if binding is not None and binding.startswith("tensorflow"):
            self._check(node)

    def visit_Name(self, node: cst.Name) -> None:
        binding = self.ctx.names.bindings.get(node.value)
        if binding is not None and binding.startswith("tensorflow") and id(node) not in self._seen_chain:
            self._check(node)

    def _check(self, node: cst.CSTNode) -> None:
        qualified = self.ctx.qualified_name(node)
        if qualified is None or not qualified.startswith("tensorflow") or keras_path(qualified) is not None:
            return  # tf.compat.v1.keras.* is Keras (the imports rule's business)
        entry = _match(qualified)
        if entry is None or entry.reason in self._reported:
            return
        if self._data.active(self.ctx):
            return
        in_code = bool(self.ctx.function_stack or self.ctx.class_stack)
        if not (entry.anywhere or in_code):
            return
        if entry.prefixes[0] == "tensorflow.GradientTape":
            return  # the train_step rule (a model's steps) and the gradient_tape rule decide
        self._reported.add(entry.reason)
        self.ctx.keep_on_tensorflow(self.id, node, entry.reason)
        self.report(node, f"kept on TensorFlow: {entry.reason}", entry.fix, Severity.WARNING)
