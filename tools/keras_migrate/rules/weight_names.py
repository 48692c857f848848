"""KM245 weight_names: a weight's `.name` is "kernel" in Keras 3, "dense/kernel:0" in Keras 2.

Keras 2 named each weight "<layer>/<weight>:0"; Keras 3 names it "<weight>" and keeps
the scopes in `path` ("sequential/dense/kernel"). Code that picks weights by name
(`[w for w in model.weights if w.name == "enc/kernel:0"]`, a dict keyed by the names,
`w.name.split("/")[0]` for the layer) then finds nothing, mixes layers up or keys
everything "kernel", on every backend. `.name` reads on receivers known to be weights
become keras_migrate_runtime's keras2_weight_name(w), Keras 2's name from the path
(other objects keep their own): names bound by loops and comprehensions over a
`.weights` / `.trainable_weights` / `.non_trainable_weights` / `.variables` /
`.trainable_variables` / `.non_trainable_variables` list, items of such a list, and
those names bound to such items.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._keras import Part
from keras_migrate.rules._reads import LoopTargets, StoreTargets

__all__ = ["WeightNames"]

HELPER = "keras2_weight_name"
_LISTS = frozenset({"weights", "trainable_weights", "non_trainable_weights", "variables", "trainable_variables",
                    "non_trainable_variables"})


class WeightNames(StoreTargets, LoopTargets, Rule):
    id = "KM245"
    name = "weight_names"
    description = ("A weight's `.name` (Keras 3: \"kernel\"; Keras 2: \"dense/kernel:0\") on receivers known to be "
                   "weights -> keras_migrate_runtime.keras2_weight_name(w).")
    part = Part.TENSORFLOW
    TRIGGERS = (".name",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            kernel = [w for w in model.weights if w.name == "enc/kernel:0"][0]
            for var in model.trainable_variables:
                print(var.name.split("/")[0], var.shape)
            first = model.weights[0].name
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_weight_name
            kernel = [w for w in model.weights if keras2_weight_name(w) == "enc/kernel:0"][0]
            for var in model.trainable_variables:
                print(keras2_weight_name(var).split("/")[0], var.shape)
            first = keras2_weight_name(model.weights[0])
            """,
        ),
        # Layers' and models' names, other objects: unchanged.
        Example(
            before="""
            from tensorflow import keras
            for layer in model.layers:
                print(layer.name, [w.shape for w in layer.weights])
            print(model.name, args.name)
            """,
        ),
    )

    def _loop_source(self, node: cst.BaseExpression) -> bool:
        return self._is_list(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._is_weight(node.value):
            self.loop_names.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))

    @staticmethod
    def _is_list(node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Attribute) and node.attr.value in _LISTS

    def _is_weight(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Subscript):
            return self._is_list(node.value) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index)
        return isinstance(node, cst.Name) and node.value in self.loop_names

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if original.attr.value != "name" or self.is_store(original) or not self._is_weight(original.value):
            return updated
        if not file_uses_keras(self.ctx):
            return updated
        self.ctx.use_runtime(HELPER)
        self.fired()
        return cst.Call(cst.Name(HELPER), [cst.Arg(updated.value)])
