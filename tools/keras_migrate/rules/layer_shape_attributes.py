"""KM237 layer_shape_attributes: `layer.output_shape` / `layer.input_shape`, which Keras 3's
layers lost (its models kept them).

Keras 2 code reads them everywhere: `model.layers[-1].output_shape`, a loop printing each
layer's shape, `get_layer("encoder").output_shape[1:]` to size the next model. On Keras
3 they raise AttributeError for every layer. Reads become keras_migrate_runtime's
keras2_output_shape(x) / keras2_input_shape(x): Keras 2's answer from the layer's calls
(one tuple per tensor, an error for a layer never called or called on different shapes),
and the model's own attribute for a model. Only receivers known to be layers are
rewritten (`model.layers[i]`, `model.get_layer(...)`, a loop over `model.layers`, a name
bound to one of these or to a `keras.layers.X(...)`): models keep the attributes in Keras
3, and other objects (a config's `input_shape`) are not Keras'.
"""

from __future__ import annotations


import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._keras import Part
from keras_migrate.rules._reads import LoopTargets, StoreTargets

__all__ = ["LayerShapeAttributes"]

_HELPERS = {"output_shape": "keras2_output_shape", "input_shape": "keras2_input_shape"}


class LayerShapeAttributes(StoreTargets, LoopTargets, Rule):
    id = "KM237"
    name = "layer_shape_attributes"
    description = ("`layer.output_shape` / `layer.input_shape` (gone from Keras 3's layers) -> "
                   "keras_migrate_runtime's keras2_output_shape(layer) / keras2_input_shape(layer).")
    part = Part.TENSORFLOW
    TRIGGERS = (".output_shape", ".input_shape")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras

            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
            print(model.layers[-1].output_shape, model.get_layer("d").input_shape[1:])
            for layer in model.layers:
                print(layer.name, layer.output_shape)
            shapes = [l.output_shape for l in model.layers]
            print(model.output_shape)
            print([l.output_shape for l in model.layers[1:3]])
            for k, layer in enumerate(model.layers[:-1]):
                print(k, layer.input_shape)
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_output_shape
            from keras_migrate_runtime import keras2_input_shape

            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
            print(keras2_output_shape(model.layers[-1]), keras2_input_shape(model.get_layer("d"))[1:])
            for layer in model.layers:
                print(layer.name, keras2_output_shape(layer))
            shapes = [keras2_output_shape(l) for l in model.layers]
            print(model.output_shape)
            print([keras2_output_shape(l) for l in model.layers[1:3]])
            for k, layer in enumerate(model.layers[:-1]):
                print(k, keras2_input_shape(layer))
            """,
        ),
        # A class's own attribute, an assignment, a file without Keras: unchanged.
        Example(
            before="""
            from tensorflow import keras

            class Block(keras.layers.Layer):
                def build(self, input_shape):
                    self.output_shape_ = input_shape
                    print(self.input_shape)

            config.output_shape = (3,)
            """,
        ),
    )

    def _loop_source(self, node: cst.BaseExpression) -> bool:
        # `model.layers`, or a slice of it (`model.layers[1:]`).
        return self._layers_of_model(node.value if isinstance(node, cst.Subscript) else node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._is_layer(node.value):
            self.loop_names.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))

    @staticmethod
    def _layers_of_model(node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Attribute) and node.attr.value == "layers"

    def _is_layer(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Subscript):
            return self._layers_of_model(node.value)
        if isinstance(node, cst.Call):
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "get_layer":
                return True
            path = self.ctx.keras_path(node.func)
            return path is not None and path.startswith("layers.") and path[len("layers."):][:1].isupper()
        return isinstance(node, cst.Name) and node.value in self.loop_names

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        helper = _HELPERS.get(original.attr.value)
        if helper is None or self.is_store(original) or not self._is_layer(original.value):
            return updated
        if not file_uses_keras(self.ctx):
            return updated
        self.ctx.use_runtime(helper)
        self.fired()
        return cst.Call(cst.Name(helper), [cst.Arg(updated.value)])
