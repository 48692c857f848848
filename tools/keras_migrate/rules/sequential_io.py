"""KM243 sequential_io: `model.input` / `model.output` of a Sequential model.

Keras 2's feature-extraction idiom, `keras.Model(inputs=model.input,
outputs=model.get_layer("x").output)` or `K.function([model.input], [...])`, reads the
input tensor of a built Sequential model. Keras 3's Sequential models define only
`inputs` / `outputs`: `model.input` raises AttributeError on every backend ("has never
been called and thus has no defined input"). Reads on names the file binds to a
`Sequential(...)` become keras_migrate_runtime's keras2_model_input(model) /
keras2_model_output(model): the Sequential's own graph's one input (output) tensor, or
the list of them, as Keras 2 gave (Keras 3's `input` of a Sequential that was called
inside another model is that model's tensor), else the model's own attribute.
"""

from __future__ import annotations

import ast
from typing import FrozenSet

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part
from keras_migrate.rules._reads import StoreTargets

__all__ = ["SequentialIo"]

_HELPERS = {"input": "keras2_model_input", "output": "keras2_model_output"}
_SEQUENTIAL = ("Sequential", "models.Sequential")


@per_file
def _sequential_names(ctx) -> FrozenSet[str]:
    names = _scan.names(ctx)
    if names is None:
        return frozenset()
    return frozenset(
        node.targets[0].id for node in _scan.nodes(ctx, ast.Assign)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)
        and names.keras(node.value.func) in _SEQUENTIAL)


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
