"""KM249 string_data: NumPy string arrays fed to a model with string inputs.

Keras 2 took NumPy arrays of strings (`np.array(["paris", ...])`, a DataFrame column's
`.values`) as the data of a model whose Input has dtype="string": fit, evaluate,
predict and the *_on_batch methods converted them to tf.string tensors. Keras 3's data
adapters refuse them ("Invalid dtype: str160", found with keras-migrate verify on a
structured-data program; object and bytes arrays likewise) and take tf.string tensors
only. In a file that builds a string Input, the data argument of those calls (and
validation_data's inputs) become keras_migrate_runtime's keras2_string_data(x), which
turns NumPy string, bytes and object arrays, also inside dicts, lists and tuples, into
TensorFlow string tensors and leaves everything else as it is (tf.data pipelines, which
hold tf.string tensors already, are left unwrapped). Such models run only on
TensorFlow (KM207 says so in agnostic mode).
"""

from __future__ import annotations

import ast
import re
from typing import FrozenSet

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk, iter_nodes
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part

__all__ = ["StringData"]

_RUNTIME = "keras2_string_data"
_DATA_METHODS = frozenset({"fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch"})
_INPUTS = frozenset({"Input", "layers.Input", "layers.InputLayer"})


@per_file
def _has_string_input(ctx) -> bool:
    """An Input of dtype string, or a layer of that dtype (first in a Sequential model, it
    made Keras 2's input one; KM240 writes that input out)."""
    names = _scan.names(ctx)
    if names is None or "string" not in ctx.source:
        return False
    if "string" in _scan.layer_class_dtypes(ctx).values():
        return True
    for node in _scan.nodes(ctx, ast.Call):
        dtype = _scan.call_keywords(node).get("dtype")
        if dtype is None:
            continue
        path = names.keras(node.func) or ""
        if (path in _INPUTS or path.startswith("layers.")) and _scan.dtype_name(names, dtype) == "string":
            return True
    return False


# A tf.data pipeline (its elements are tf.string already): not wrapped. What marks an
# expression as one: these attributes (`tf.data`, `.batch(...)`, `..._dataset_from_...`)
# or the name `tfds`.
_DATASET_ATTRS = frozenset({"data", "Dataset", "batch", "map", "prefetch", "from_tensor_slices", "padded_batch"})
_DATASET_MODULE = "tfds"
_DATASET_NAME = re.compile(r"(^|_)(ds|dataset|datasets)$|^ds_", re.IGNORECASE)


def _pipeline_attribute(attribute: str) -> bool:
    return attribute in _DATASET_ATTRS or "dataset_from_" in attribute


@per_file
def _dataset_names(ctx) -> FrozenSet[str]:
    """Names the file binds to tf.data pipelines (or names as such: `train_ds`)."""
    found = set()
    for node in _scan.nodes(ctx, ast.Assign):
        pipeline = any(isinstance(n, ast.Attribute) and _pipeline_attribute(n.attr)
                       or isinstance(n, ast.Name) and n.id == _DATASET_MODULE for n in ast_walk(node.value))
        for target in node.targets:
            if isinstance(target, ast.Name) and (pipeline or _DATASET_NAME.search(target.id)):
                found.add(target.id)
    return frozenset(found)


class StringData(Rule):
    id = "KM249"
    name = "string_data"
    description = ("NumPy string arrays given to fit/evaluate/predict of a model with string inputs -> "
                   "keras_migrate_runtime.keras2_string_data(x) (Keras 3 takes tf.string tensors only).")
    part = Part.TENSORFLOW
    TRIGGERS = ("string",)
    EXAMPLES = (
        Example(
            before="""
            import numpy as np
            import tensorflow as tf
            from tensorflow import keras

            city = keras.Input(shape=(1,), dtype=tf.string, name="city")
            model = keras.Model(city, keras.layers.Dense(1)(lookup(city)))
            model.fit({"city": cities[:, None]}, labels, validation_data=(cities[:8, None], labels[:8]))
            print(model.predict(np.array([["rome"]])), model.evaluate(x=cities, y=labels))
            model.fit(dataset, epochs=2)
            """,
            after="""
            import numpy as np
            import tensorflow as tf
            from tensorflow import keras
            from keras_migrate_runtime import keras2_string_data

            city = keras.Input(shape=(1,), dtype=tf.string, name="city")
            model = keras.Model(city, keras.layers.Dense(1)(lookup(city)))
            model.fit(keras2_string_data({"city": cities[:, None]}), labels, validation_data=(keras2_string_data(cities[:8, None]), labels[:8]))
            print(model.predict(keras2_string_data(np.array([["rome"]]))), model.evaluate(x=keras2_string_data(cities), y=labels))
            model.fit(dataset, epochs=2)
            """,
        ),
        # A string layer first in a Sequential model made Keras 2's input a string one.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            class Hash(keras.layers.Layer):
                def __init__(self, buckets, **kwargs):
                    super().__init__(dtype=tf.string, **kwargs)
            model = keras.Sequential([Hash(8, input_shape=(2,)), keras.layers.Dense(1)])
            model.fit(pairs, labels)
            words = keras.Sequential([keras.layers.Lambda(tf.strings.length, input_shape=(), dtype="string")])
            print(words.predict(names))
            """,
            after="""
            import tensorflow as tf
            from tensorflow import keras
            from keras_migrate_runtime import keras2_string_data

            class Hash(keras.layers.Layer):
                def __init__(self, buckets, **kwargs):
                    super().__init__(dtype=tf.string, **kwargs)
            model = keras.Sequential([Hash(8, input_shape=(2,)), keras.layers.Dense(1)])
            model.fit(keras2_string_data(pairs), labels)
            words = keras.Sequential([keras.layers.Lambda(tf.strings.length, input_shape=(), dtype="string")])
            print(words.predict(keras2_string_data(names)))
            """,
        ),
        # No string Input in the file: numbers only, unchanged.
        Example(
            before="""
            from tensorflow import keras
            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
            model.fit(x, y)
            print("string")
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in _DATA_METHODS and updated.args):
            return updated
        if not _has_string_input(self.ctx):
            return updated
        args = list(updated.args)
        changed = False
        for k, arg in enumerate(args):
            keyword = arg.keyword.value if arg.keyword is not None else None
            if (k == 0 and keyword is None and not arg.star) or keyword == "x":
                wrapped = self._wrapped(arg.value)
                if wrapped is not arg.value:
                    args[k] = arg.with_changes(value=wrapped)
                    changed = True
            elif keyword == "validation_data" and isinstance(arg.value, cst.Tuple) and arg.value.elements:
                elements = list(arg.value.elements)
                wrapped = self._wrapped(elements[0].value)
                if wrapped is not elements[0].value:
                    elements[0] = elements[0].with_changes(value=wrapped)
                    args[k] = arg.with_changes(value=arg.value.with_changes(elements=elements))
                    changed = True
        if not changed:
            return updated
        self.fired()
        return updated.with_changes(args=args)

    def _wrapped(self, value: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == _RUNTIME:
            return value  # a second run
        if isinstance(value, cst.Name) and (value.value in _dataset_names(self.ctx) or _DATASET_NAME.search(value.value)):
            return value
        if any(isinstance(n, cst.Attribute) and _pipeline_attribute(n.attr.value)
               or isinstance(n, cst.Name) and n.value == _DATASET_MODULE for n in iter_nodes(value)):
            return value
        self.ctx.use_runtime(_RUNTIME)
        return cst.Call(cst.Name(_RUNTIME), [cst.Arg(value)])
