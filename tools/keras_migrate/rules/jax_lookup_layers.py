"""KM234 jax_lookup_layers: IntegerLookup or Hashing inside a model does not train on JAX.

Keras 3 runs IntegerLookup and Hashing (and StringLookup / TextVectorization) with
TensorFlow ops. Inside a model, PyTorch and TensorFlow run them (PyTorch eagerly), and
JAX predicts with them, but fit() on JAX raises "Unable to automatically build the
model" (measured on Keras 3.15 with an IntegerLookup, and with a Hashing layer, between
keras.Input and a CategoryEncoding; the Hashing case found by keras-migrate verify on a
structured-data program). String inputs are TensorFlow-only anyway (KM207); this keeps
the file on TensorFlow, in agnostic mode, where integer ids go through such a layer
applied to a model's Keras tensors: an IntegerLookup, a Hashing layer, or an inverted
StringLookup (ids in, strings out)."""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._keras import Part
from keras_migrate.rules._util import keyword_arg_value
from keras_migrate.rules.tf_ops_on_keras_tensors import keras_tensors

__all__ = ["JaxLookupLayers"]

_LOOKUPS = frozenset({"IntegerLookup", "layers.IntegerLookup", "Hashing", "layers.Hashing"})
_INVERTIBLE = frozenset({"StringLookup", "layers.StringLookup"})
_CONSTRUCTORS = _LOOKUPS | _INVERTIBLE


class JaxLookupLayers(Rule):
    id = "KM234"
    name = "jax_lookup_layers"
    description = ("Keep a model with an IntegerLookup or Hashing layer (TensorFlow ops) on TensorFlow: it cannot "
                   "fit() on JAX.")
    part = Part.AGNOSTIC
    TRIGGERS = ("IntegerLookup", "StringLookup", "Hashing")
    EXAMPLES = (
        Example(
            before="""
            import keras
            ids = keras.layers.IntegerLookup()
            ids.adapt(train_ids)
            inputs = keras.Input((1,), dtype="int64")
            x = keras.layers.CategoryEncoding(ids.vocabulary_size(), output_mode="one_hot")(ids(inputs))
            words = keras.layers.StringLookup(vocabulary=["a", "b"], invert=True)(inputs)
            model = keras.Model(inputs, keras.layers.Dense(1)(x))
            """,
            tensorflow_only=True,
        ),
        # Hashing, inline or bound to a name first.
        Example(
            before="""
            from tensorflow import keras
            from tensorflow.keras import layers
            code = keras.Input((1,), dtype="int64")
            hashed = layers.CategoryEncoding(num_tokens=3)(layers.Hashing(num_bins=3)(code))
            hasher = layers.Hashing(num_bins=8, salt=7)
            other = hasher(code)
            """,
            tensorflow_only=True,
        ),
        # Applied to data (the input pipeline), not to a model's tensors: nothing to say.
        Example(
            before="""
            import keras
            ids = keras.layers.IntegerLookup()
            ids.adapt(train_ids)
            encoded = ids(train_ids)
            dataset = dataset.map(lambda x, y: (ids(x), y))
            words = keras.layers.StringLookup(vocabulary=["a", "b"])
            hashed = keras.layers.Hashing(num_bins=4)(raw_codes)
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._layers = {}  # name -> the lookup-layer construction last assigned to it (so far)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            name = node.targets[0].target.value
            value = node.value
            if isinstance(value, cst.Call) and (self.ctx.keras_path(value.func) or "") in _CONSTRUCTORS:
                self._layers[name] = value
            else:
                self._layers.pop(name, None)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        layer = func if isinstance(func, cst.Call) else (
            self._layers.get(func.value) if isinstance(func, cst.Name) else None)
        if layer is None or not self._is_lookup(layer) or not original.args or original.args[0].keyword is not None:
            return updated
        if not self._is_keras_tensor(original.args[0].value):
            return updated
        kind = (self.ctx.keras_path(layer.func) or "").rsplit(".", 1)[-1]
        # JAX fails, so the file is kept on TensorFlow, as for other JAX-only failures
        # (control_flow's while loops); PyTorch would run it too, but a file's report
        # names one backend set.
        self.ctx.keep_on_tensorflow(
            self.id, original, f"{kind} applied to a model's tensors: Keras 3 runs it with TensorFlow ops, so on "
                               "the JAX backend fit() of this model raises (\"Unable to automatically build the "
                               "model\"); to run on every backend, apply it to the data before the model (tf.data "
                               "Dataset.map, or on the arrays before fit) and feed the model its outputs")
        return updated

    def _is_lookup(self, call: cst.Call) -> bool:
        path = self.ctx.keras_path(call.func) or ""
        if path in _LOOKUPS:
            return True
        invert = keyword_arg_value(call, "invert")
        return path in _INVERTIBLE and isinstance(invert, cst.Name) and invert.value == "True"

    def _is_keras_tensor(self, node: cst.BaseExpression) -> bool:
        tensors = keras_tensors(self.ctx)  # the file's shared analysis (once per file)
        return tensors is not None and tensors.is_tensor(node, _scan.cst_scope(self.ctx), self.ctx)
