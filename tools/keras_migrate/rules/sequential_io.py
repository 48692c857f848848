"""KM243 sequential_io: `model.input` / `model.output` of a Sequential model.

Keras 2's feature-extraction idiom, `keras.Model(inputs=model.input,
outputs=model.get_layer("x").output)` or `K.function([model.input], [...])`, reads the
input tensor of a built Sequential model. Keras 3's Sequential models define only
`inputs` / `outputs`: `model.input` raises AttributeError on every backend ("has never
been called and thus has no defined input"). Reads on names the file binds to a
`Sequential(...)` (or to a call of a file function returning one: found with
keras-migrate verify on an independent program) become keras_migrate_runtime's keras2_model_input(model) /
keras2_model_output(model): the Sequential's own graph's one input (output) tensor, or
the list of them, as Keras 2 gave (Keras 3's `input` of a Sequential that was called
inside another model is that model's tensor), else the model's own attribute.
"""

from __future__ import annotations

import ast
from typing import FrozenSet

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part
from keras_migrate.rules._reads import StoreTargets

__all__ = ["SequentialIo"]

_HELPERS = {"input": "keras2_model_input", "output": "keras2_model_output"}
_SEQUENTIAL = ("Sequential", "models.Sequential")


def _sequential_factories(ctx, names) -> FrozenSet[str]:
    """File functions returning a Sequential they build (`def make_model(): return
    keras.Sequential([...])`, or a name bound to one)."""
    found = set()
    for fn in _scan.nodes(ctx, ast.FunctionDef):
        built = {n.targets[0].id for n in ast_walk(fn) if isinstance(n, ast.Assign) and len(n.targets) == 1
                 and isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.Call)
                 and names.keras(n.value.func) in _SEQUENTIAL}
        returns = [n.value for n in ast_walk(fn) if isinstance(n, ast.Return) and n.value is not None]
        if returns and all((isinstance(r, ast.Call) and names.keras(r.func) in _SEQUENTIAL)
                           or (isinstance(r, ast.Name) and r.id in built) for r in returns):
            found.add(fn.name)
    return frozenset(found)


@per_file
def _sequential_names(ctx) -> FrozenSet[str]:
    names = _scan.names(ctx)
    if names is None:
        return frozenset()
    factories = _sequential_factories(ctx, names)
    return frozenset(
        node.targets[0].id for node in _scan.nodes(ctx, ast.Assign)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)
        and (names.keras(node.value.func) in _SEQUENTIAL
             or (isinstance(node.value.func, ast.Name) and node.value.func.id in factories)))


class SequentialIo(StoreTargets, Rule):
    id = "KM243"
    name = "sequential_io"
    description = ("`model.input` / `model.output` of a Sequential model (Keras 3: AttributeError) -> "
                   "keras_migrate_runtime.keras2_model_input/keras2_model_output(model).")
    part = Part.TENSORFLOW
    TRIGGERS = (".input", ".output")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,), name="hidden"), keras.layers.Dense(1)])
            extractor = keras.Model(inputs=model.input, outputs=model.get_layer("hidden").output)
            head = keras.Model(model.inputs, model.output)
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_model_input
            from keras_migrate_runtime import keras2_model_output
            model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,), name="hidden"), keras.layers.Dense(1)])
            extractor = keras.Model(inputs=keras2_model_input(model), outputs=model.get_layer("hidden").output)
            head = keras.Model(model.inputs, keras2_model_output(model))
            """,
        ),
        # A model made by a factory function.
        Example(
            before="""
            import tensorflow as tf

            def make_model():
                net = tf.keras.Sequential([tf.keras.layers.Dense(4, input_shape=(3,)), tf.keras.layers.Dense(1)])
                return net

            model = make_model()
            features = tf.keras.Model(inputs=model.input, outputs=[l.output for l in model.layers[:1]])
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import keras2_model_input

            def make_model():
                net = tf.keras.Sequential([tf.keras.layers.Dense(4, input_shape=(3,)), tf.keras.layers.Dense(1)])
                return net

            model = make_model()
            features = tf.keras.Model(inputs=keras2_model_input(model), outputs=[l.output for l in model.layers[:1]])
            """,
        ),
        # A functional model (Keras 3 keeps the attributes) and other objects: unchanged.
        Example(
            before="""
            from tensorflow import keras
            model = keras.Model(inputs, outputs)
            features = keras.Model(model.input, model.layers[-2].output)
            print(args.input, process.output)
            """,
        ),
    )

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        helper = _HELPERS.get(original.attr.value)
        if helper is None or self.is_store(original):
            return updated
        if not (isinstance(original.value, cst.Name) and original.value.value in _sequential_names(self.ctx)):
            return updated
        self.ctx.use_runtime(helper)
        self.fired()
        return cst.Call(cst.Name(helper), [cst.Arg(updated.value)])
