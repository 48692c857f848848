"""KM258 layer_node_accessors: Layer.get_output_at(i) & co. (gone from Keras 3).

Keras 2 layers answered get_input_at / get_output_at / get_input_shape_at /
get_output_shape_at(node_index) with the tensors (or shapes) of their node_index-th call
in a functional graph: how code reads one use of a shared layer (an independent program
built a feature model from `model.get_layer("shared_lstm").get_output_at(0)`, an
AttributeError on every backend after migration). Keras 3 keeps the nodes but not these
methods: the calls become keras_migrate_runtime's helpers, which read the same node.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._util import COMMA, class_method

__all__ = ["LayerNodeAccessors"]

_HELPERS = {name: f"keras2_{name}" for name in
            ("get_input_at", "get_output_at", "get_input_shape_at", "get_output_shape_at")}


class LayerNodeAccessors(Rule):
    id = "KM258"
    name = "layer_node_accessors"
    description = ("layer.get_input_at / get_output_at / get_input_shape_at / get_output_shape_at(i) -> "
                   "keras_migrate_runtime helpers reading the same graph node (the methods are gone in Keras 3).")
    TRIGGERS = tuple(_HELPERS)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            shared = model.get_layer("shared_lstm")
            features = keras.Model(model.inputs, [shared.get_output_at(0), shared.get_output_at(1)])
            shapes = (shared.get_input_shape_at(node_index=1), model.layers[2].get_output_shape_at(0))
            first = shared.get_input_at(0)
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_get_output_at
            from keras_migrate_runtime import keras2_get_input_shape_at
            from keras_migrate_runtime import keras2_get_output_shape_at
            from keras_migrate_runtime import keras2_get_input_at
            shared = model.get_layer("shared_lstm")
            features = keras.Model(model.inputs, [keras2_get_output_at(shared, 0), keras2_get_output_at(shared, 1)])
            shapes = (keras2_get_input_shape_at(shared, node_index=1), keras2_get_output_shape_at(model.layers[2], 0))
            first = keras2_get_input_at(shared, 0)
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = updated.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in _HELPERS and len(updated.args) == 1
                and not updated.args[0].star) or not file_uses_keras(self.ctx):
            return updated
        cls = self.ctx.current_class
        if cls is not None and class_method(cls, func.attr.value) is not None:
            return updated  # a class of the file defines the method itself (tf_keras's own Layer)
        helper = _HELPERS[func.attr.value]
        self.ctx.use_runtime(helper)
        self.fired()
        return updated.with_changes(func=cst.Name(helper), args=[cst.Arg(func.value, comma=COMMA), updated.args[0]])
