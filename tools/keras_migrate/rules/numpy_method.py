"""KM202 numpy_method: `x.numpy()` -> `keras.ops.convert_to_numpy(x)`.

JAX arrays have no `.numpy()`, and torch tensors that require grad refuse it;
keras.ops.convert_to_numpy works on every backend's tensors, on NumPy arrays and on
TensorFlow tensors coming out of tf.data, so every zero-argument `.numpy()` call outside
tf.data pipeline functions is rewritten.

A model's output passed straight to a NumPy function (`np.argmax(model(x), axis=-1)`) is
converted too: NumPy hands a non-ndarray to its own method (`x.argmax(axis=-1)`), so on
JAX the result is a jax Array whose items are unhashable (a dict lookup or
Tokenizer.sequences_to_texts raises), and `np.array(t)` of a torch tensor that requires
grad raises. On TensorFlow an EagerTensor converts to an ndarray, as in Keras 2.
"""

from __future__ import annotations

import ast

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import DATA_CALLS, data_context

__all__ = ["NumpyMethod"]


# TensorFlow ops returning string tensors (always TensorFlow's, whatever the backend).
_STRING_OPS = ("tensorflow.strings.", "tensorflow.io.decode_", "tensorflow.io.encode_", "tensorflow.io.serialize_",
               "tensorflow.io.read_file", "tensorflow.as_string")


@per_file
def _string_names(ctx) -> frozenset:
    names = _scan.names(ctx)
    if names is None:
        return frozenset()
    return _scan.names_only_bound_to(ctx, lambda value: isinstance(value, ast.Call) and (
        names.qualified(value.func) or "").startswith(_STRING_OPS))


class NumpyMethod(Rule):
    id = "KM202"
    NODE_KEYED = ('_string_results',)
    name = "numpy_method"
    description = ("Rewrite tensor.numpy() to keras.ops.convert_to_numpy(tensor), which works on every backend; "
                   "a model's output passed to a NumPy function is converted first.")
    part = Part.AGNOSTIC
    TRIGGERS = (".numpy()", "numpy")
    regions = (DATA_CALLS,)
    EXAMPLES = (
        Example(
            before="""
            import keras
            preds = model(x).numpy()
            print(layer.kernel.numpy().shape)
            """,
            after="""
            import keras
            preds = keras.ops.convert_to_numpy(model(x))
            print(keras.ops.convert_to_numpy(layer.kernel).shape)
            """,
        ),
        # A model's output given to a NumPy function.
        Example(
            before="""
            import numpy as np
            from tensorflow import keras
            model = keras.Sequential([keras.layers.Dense(4)])
            ids = np.argmax(model(x_new), axis=-1)
            probs = np.round(model(x_new, training=False), 2)
            next_id = np.argmax(model(x_new)[0, -1])
            other = np.argmax(encoder(x_new), axis=-1)
            """,
            after="""
            import numpy as np
            import keras
            from keras_migrate_runtime import call_without_gradients
            model = keras.Sequential([keras.layers.Dense(4)])
            ids = np.argmax(keras.ops.convert_to_numpy(call_without_gradients(model, x_new)), axis=-1)
            probs = np.round(keras.ops.convert_to_numpy(call_without_gradients(model, x_new, training=False)), 2)
            next_id = np.argmax(keras.ops.convert_to_numpy(call_without_gradients(model, x_new)[0, -1]))
            other = np.argmax(encoder(x_new), axis=-1)
            """,
            full=True,
        ),
        # `np.numpy` is no method call on a tensor; arguments mean something else.
        Example(before="import keras\nvalue = obj.numpy(1)\n"),
        # A string tensor's .numpy() is bytes (convert_to_numpy gives an array).
        Example(before="""
            import tensorflow as tf
            text = tf.strings.reduce_join(chars).numpy().decode("utf-8")
            label = decoded[0].numpy().decode("utf-8")
            image_data = tf.io.serialize_tensor(image)
            feature = tf.train.Feature(bytes_list=tf.train.BytesList(value=[image_data.numpy()]))
            """),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)
        self._string_results = set()  # `.numpy()` calls whose result is bytes

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # `t.numpy().decode()`: a string tensor's .numpy() is `bytes`; convert_to_numpy
        # gives a 0-d object array without .decode(). String tensors are TensorFlow's
        # anyway, whose .numpy() works with every backend.
        if node.attr.value == "decode" and isinstance(node.value, cst.Call):
            self._string_results.add(id(node.value))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = updated.func
        if original.args and updated.args and isinstance(original.func, (cst.Attribute, cst.Name)):
            return self._model_output_argument(original, updated)
        if (not isinstance(func, cst.Attribute) or func.attr.value != "numpy" or updated.args
                or self._data.active(self.ctx, excluding=original)):
            return updated
        if self.ctx.qualified_name(original.func) is not None:
            return updated  # a module attribute, not a tensor method
        if id(original) in self._string_results or self._string_tensor(original.func.value):
            return updated
        keras = self.ctx.require_keras()
        self.fired()
        return cst.Call(
            func=cst.Attribute(value=cst.Attribute(value=cst.Name(keras), attr=cst.Name("ops")),
                               attr=cst.Name("convert_to_numpy")),
            args=[cst.Arg(value=func.value.with_changes(lpar=[], rpar=[]) if _bare_parens(func.value) else func.value)],
            lpar=updated.lpar, rpar=updated.rpar,
        )


    def _model_output_argument(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """`np.f(model(x), ...)` -> `np.f(keras.ops.convert_to_numpy(model(x)), ...)`."""
        # Decided on the original: KM213 may have made the call call_without_gradients(model, x).
        first = updated.args[0]
        if (first.keyword is not None or first.star or not self._model_output(original.args[0].value)
                or not (self.ctx.qualified_name(original.func) or "").startswith("numpy.")
                or self._data.active(self.ctx, excluding=original)):
            return updated
        keras = self.ctx.require_keras()
        self.fired()
        converted = cst.Call(
            func=cst.Attribute(value=cst.Attribute(value=cst.Name(keras), attr=cst.Name("ops")),
                               attr=cst.Name("convert_to_numpy")),
            args=[cst.Arg(value=first.value)])
        return updated.with_changes(args=[first.with_changes(value=converted), *updated.args[1:]])

    def _model_output(self, node: cst.BaseExpression) -> bool:
        """`model(x)` or an index into it (`model(x)[0, -1]`), `model` a name only bound to
        Keras models."""
        while isinstance(node, cst.Subscript):
            node = node.value
        return (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
                and node.func.value in _scan.model_names(self.ctx))

    def _string_tensor(self, node: cst.BaseExpression) -> bool:
        """A call of a TensorFlow string op, or a name only ever bound to one
        (`data = tf.io.serialize_tensor(image)` ... `data.numpy()` is bytes)."""
        if isinstance(node, cst.Call):
            return (self.ctx.qualified_name(node.func) or "").startswith(_STRING_OPS)
        return isinstance(node, cst.Name) and node.value in _string_names(self.ctx)


def _bare_parens(node: cst.BaseExpression) -> bool:
    # `(a + b).numpy()` -> convert_to_numpy(a + b)
    return bool(getattr(node, "lpar", None)) and not isinstance(node, cst.Tuple)
